using Infra.Tests.Support;
using Infra.Tool;
using Infra.Tool.Plan;
using Infra.Tool.Rendering;
using Spectre.Console.Testing;

namespace Infra.Tests.Tools;

/// <summary>Collects what a run reports, synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class RecordedProgress : IProgress<RunProgress>
{
    public List<RunProgress> Steps { get; } = [];

    public void Report(RunProgress value)
    {
        lock (Steps)
        {
            Steps.Add(value);
        }
    }
}

public class ProgressTests
{
    [Fact]
    public async Task Where_no_one_watches_the_work_gets_no_progress_sink_and_nothing_is_written()
    {
        using var redirected = new TestConsole(); // not interactive, no ANSI: a pipe, a file, CI

        var sink = await ProgressDisplay.RunAsync(redirected, "Planning infra/dev offline", progress => Task.FromResult(progress));

        Assert.Null(sink);
        Assert.Equal("", redirected.Output);
    }

    [Fact]
    public async Task On_an_interactive_terminal_the_work_reports_to_a_live_display_that_clears_itself()
    {
        using var terminal = new TestConsole().Interactive().SupportsAnsi(true).EmitAnsiSequences().Width(120);

        var result = await ProgressDisplay.RunAsync(terminal, "Verifying infra/dev", progress =>
        {
            Assert.NotNull(progress);
            progress.Report(new RunProgress(1, 3, "client 2 of 3, nightly-reconciler"));
            return Task.FromResult(42);
        });

        Assert.Equal(42, result);
        Assert.Contains("Verifying infra/dev: client 2 of 3, nightly-reconciler", terminal.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_total_the_bar_pulses_and_with_one_it_fills_in_proportion()
    {
        var waiting = await Displayed(null);
        var oneOfThree = await Displayed(new RunProgress(1, 3, "client 1 of 3, checkout-service"));

        Assert.Contains(Pulse, waiting, StringComparison.Ordinal);
        Assert.DoesNotContain(Pulse, oneOfThree, StringComparison.Ordinal);
        // The bar is 40 wide: 13 done, 27 to go.
        Assert.Contains("\u001b[38;5;11m" + new string('━', 13) + "\u001b[0m\u001b[38;5;8m" + new string('━', 27) + "\u001b[0m", oneOfThree, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_that_says_nothing_shows_the_title_alone()
    {
        var shown = await Displayed(new RunProgress(0, null, ""));

        Assert.Contains(" Verifying infra/dev \u001b[", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("Verifying infra/dev:", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_display_erases_itself_when_the_work_is_done()
    {
        var shown = await Displayed(new RunProgress(1, 3, "client 1 of 3, checkout-service"));

        // After the last frame only line erasures and the cursor shown again: nothing of the display stays on screen.
        var afterLastFrame = shown[(shown.LastIndexOf("\u001b[0m", StringComparison.Ordinal) + "\u001b[0m".Length)..];
        Assert.Matches(@"^\s*(\u001b\[2K|\u001b\[1A)+\u001b\[\?25h$", afterLastFrame);
    }

    [Fact]
    public async Task On_a_narrow_terminal_a_long_step_wraps_left_aligned()
    {
        var shown = await Displayed(new RunProgress(1, 3, "client 2 of 3, nightly-reconciler"), width: 40);

        Assert.Contains(" Verifying infra/dev: client 2 of ", shown, StringComparison.Ordinal);
        Assert.Contains("\n 3, nightly-reconciler ", shown, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_goes_to_standard_error_and_is_not_interactive_when_standard_error_is_redirected()
    {
        Assert.True(Console.IsErrorRedirected); // as under any test runner or CI

        var console = ReportConsole.ForProgress();

        Assert.Same(Console.Error, console.Profile.Out.Writer);
        Assert.False(console.Profile.Capabilities.Interactive);
        Assert.False(ProgressDisplay.Shows(console));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Progress_is_live_exactly_when_its_writer_is_an_interactive_terminal(bool interactive)
    {
        using var environment = new EnvironmentScope(new Dictionary<string, string?> { ["TERM"] = "xterm-256color", ["NO_COLOR"] = null });
        using var terminal = new StringWriter();

        var console = ReportConsole.ForProgress(terminal, interactive);

        Assert.Same(terminal, console.Profile.Out.Writer);
        Assert.Equal((interactive, interactive), (console.Profile.Capabilities.Interactive, ProgressDisplay.Shows(console)));
    }

    // Spectre.Console draws an indeterminate bar as a moving gradient in 24-bit colour; a determinate one in two colours.
    private const string Pulse = "\u001b[38;2;";

    /// <summary>What an interactive terminal received while a run reported <paramref name="step"/> (or nothing).</summary>
    private static async Task<string> Displayed(RunProgress? step, int width = 120)
    {
        using var terminal = new TestConsole().Interactive().SupportsAnsi(true).EmitAnsiSequences().Width(width);
        await ProgressDisplay.RunAsync(terminal, "Verifying infra/dev", progress =>
        {
            if (step is { } value)
            {
                progress!.Report(value);
            }

            return Task.FromResult(0);
        });
        return terminal.Output;
    }

    [Fact]
    public async Task The_plan_reports_each_resource_declared_then_read_back()
    {
        var progress = new RecordedProgress();

        var plan = await OfflinePlan.RunAsync(StackHarness.StackFile(), PulumiConfigScope.Today, progress);

        var declared = progress.Steps.Where(s => s.Total is null).ToList();
        Assert.Equal(Enumerable.Range(1, plan.Resources.Count), declared.Select(s => s.Done).Order());
        Assert.Contains(new RunProgress(plan.Resources.Count, null, "resources declared: 33"), declared);
        Assert.Equal(
            [.. Enumerable.Range(0, 33).Select(i => new RunProgress(i, 33, $"resources read back: {i} of 33")), new RunProgress(33, 33, "resources: 33")],
            progress.Steps.Where(s => s.Total is not null));
    }

    [Fact]
    public async Task With_standard_error_redirected_a_plan_writes_no_progress_there()
    {
        var run = await ToolProcess.RunAsync(new Dictionary<string, string?> { ["TERM"] = "xterm-256color" }, "plan", "prod", "--today", "2026-11-28");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.StartsWith("Offline plan of infra/prod", run.Output, StringComparison.Ordinal);
    }
}
