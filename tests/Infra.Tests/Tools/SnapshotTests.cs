using Infra.Tests.Support;
using Infra.Tool;
using Infra.Tool.Plan;
using Infra.Tool.Preview;

namespace Infra.Tests.Tools;

/// <summary>The text and Markdown reports of the dev stack, compared line for line with the committed snapshots.</summary>
public sealed class SnapshotTests : IDisposable
{
    private static readonly string Root = StackHarness.RepositoryRoot();
    private readonly TemporaryProject _base = new();
    private readonly TemporaryProject _head = new();

    public void Dispose()
    {
        _base.Dispose();
        _head.Dispose();
    }

    private static Task<PlanResult> DevPlan() => OfflinePlan.RunAsync(StackFiles.Load(Root, "dev"), PulumiConfigScope.Today);

    /// <summary>
    /// A pull request that does one of each: rotates checkout-service's secret, adds a scope to its grant, renames
    /// nightly-reconciler (keeping it through previousKeys) and removes partner-globex.
    /// </summary>
    private async Task<OperationsPreviewResult> DevPreview()
    {
        var file = File.ReadAllText(Path.Combine(Root, "Pulumi.dev.yaml"));
        var head = file
            .Replace("      rotation: 2\n", "      rotation: 3\n", StringComparison.Ordinal)
            .Replace("          scopes: [orders:read, orders:write]\n", "          scopes: [orders:read, orders:write, orders:cancel]\n", StringComparison.Ordinal)
            .Replace("    - key: nightly-reconciler\n", "    - key: stock-reconciler\n      previousKeys: [nightly-reconciler]\n", StringComparison.Ordinal);
        _base.Write("Pulumi.dev.yaml", file);
        _head.Write("Pulumi.dev.yaml", head[..head.IndexOf("    - key: partner-globex", StringComparison.Ordinal)]);
        return await OperationsPreview.RunAsync(StackFiles.Load(_base.Path, "dev"), StackFiles.Load(_head.Path, "dev"), PulumiConfigScope.Today);
    }

    [Fact]
    public async Task Plan_text_of_the_dev_stack()
    {
        var text = PlanReport.Render(await DevPlan(), OutputFormat.Text);

        AssertReadable(text);
        TextSnapshot.AssertMatches("plan-dev.txt", text);
    }

    [Fact]
    public async Task Plan_text_of_the_dev_stack_with_details()
    {
        var text = PlanReport.Render(await DevPlan(), OutputFormat.Text, details: true);

        AssertReadable(text);
        TextSnapshot.AssertMatches("plan-dev-details.txt", text);
    }

    [Fact]
    public async Task Plan_markdown_of_the_dev_stack()
    {
        var markdown = PlanReport.Render(await DevPlan(), OutputFormat.Markdown);

        AssertReadable(markdown);
        TextSnapshot.AssertMatches("plan-dev.md.txt", markdown);
    }

    [Fact]
    public async Task Plan_json_of_the_dev_stack()
    {
        // Inputs as registered, with the placeholders for what only the provider knows by their text.
        TextSnapshot.AssertMatches("plan-dev.json.txt", PlanReport.Render(await DevPlan(), OutputFormat.Json));
    }

    [Fact]
    public async Task Preview_text_of_a_change_to_the_dev_stack()
    {
        var text = OperationsReport.Render(await DevPreview(), OutputFormat.Text);

        AssertReadable(text);
        TextSnapshot.AssertMatches("preview-dev.txt", text);
    }

    [Fact]
    public async Task Preview_markdown_of_a_change_to_the_dev_stack()
    {
        var markdown = OperationsReport.Render(await DevPreview(), OutputFormat.Markdown);

        AssertReadable(markdown);
        TextSnapshot.AssertMatches("preview-dev.md.txt", markdown);
    }

    /// <summary>No <c>null</c> where a value is unknown or secret, no line of the Action's source, plain ASCII, no trailing blanks.</summary>
    private static void AssertReadable(string text)
    {
        Assert.DoesNotContain("null", text, StringComparison.Ordinal);
        var source = File.ReadAllLines(Path.Combine(Root, "infra", "Actions", "credentials-exchange.js"))
            .Select(l => l.Trim())
            .Where(l => l.Length >= 12)
            .ToList();
        Assert.NotEmpty(source);
        Assert.All(source, line => Assert.DoesNotContain(line, text, StringComparison.Ordinal));
        Assert.All(text, c => Assert.InRange(c, '\n', '~'));
        Assert.All(text.Split('\n'), line => Assert.Equal(line.TrimEnd(), line));
    }
}
