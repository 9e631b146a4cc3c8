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
    public async Task The_plan_reports_each_resource_declared_then_read_back()
    {
        var progress = new RecordedProgress();

        var plan = await OfflinePlan.RunAsync(StackFiles.Load(StackHarness.RepositoryRoot(), "dev"), PulumiConfigScope.Today, progress);

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
