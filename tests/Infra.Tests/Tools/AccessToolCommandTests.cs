using System.Text.Json;
using Infra.Tests.Support;
using Infra.Tool.Expiry;
using Infra.Tool.Plan;
using Infra.Tool.Schema;
using Spectre.Console.Testing;

namespace Infra.Tests.Tools;

/// <summary>The commands' actions in process: what each reads, writes and exits with (the reports themselves are tested where they are made).</summary>
public sealed class AccessToolCommandTests : IDisposable
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    private readonly TemporaryProject _base = new();
    private readonly TemporaryProject _head = new();

    public void Dispose()
    {
        _base.Dispose();
        _head.Dispose();
    }

    [Fact]
    public async Task Preview_compares_the_base_folder_with_the_head_and_exits_3_when_the_engine_would_refuse()
    {
        var prod = StackHarness.StackFileText("prod");
        _base.Write("Pulumi.prod.yaml", prod);
        _head.Write("Pulumi.prod.yaml", prod[..prod.IndexOf("    - key: partner-globex", StringComparison.Ordinal)]);

        var text = await ToolInProcess.RunAsync("preview", "prod", "--base", _base.Path, "--head", _head.Path, "--today", "2026-11-28");
        var json = await ToolInProcess.RunAsync("preview", "prod", "--base", _base.Path, "--head", _head.Path, "--today", "2026-11-28", "--format", "json");

        Assert.Equal((3, ""), (text.ExitCode, text.Error));
        Assert.StartsWith("Operations preview of infra/prod (what `pulumi up` would do):\n", text.Output, StringComparison.Ordinal);
        Assert.Contains("Summary: 0 to create, 0 to update, 0 to replace, 7 to delete, 28 unchanged\n", text.Output, StringComparison.Ordinal);
        Assert.Equal(3, json.ExitCode);
        Assert.True(JsonDocument.Parse(json.Output).RootElement.GetProperty("refused").GetBoolean());
    }

    [Fact]
    public async Task Preview_of_a_stack_the_base_folder_lacks_creates_everything()
    {
        var run = await ToolInProcess.RunAsync("preview", "dev", "--base", _base.Path, "--today", "2026-11-28");

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        Assert.Contains("Summary: 33 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged\n", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expiry_lists_the_stacks_credentials_by_the_day_given_and_exits_2_when_one_is_expiring()
    {
        var quiet = await ToolInProcess.RunAsync("expiry", "dev", "--today", "2026-11-28", "--within", "7");
        var warned = await ToolInProcess.RunAsync("expiry", "dev", "--today", "2026-11-28", "--format", "json");

        Assert.Equal((0, ""), (quiet.ExitCode, quiet.Error));
        Assert.Equal(ExpiryReport.Render(ExpiryReport.Compute(StackHarness.StackFile(), new DateOnly(2026, 11, 28), 7), OutputFormat.Text), quiet.Output);
        Assert.Equal((2, ""), (warned.ExitCode, warned.Error));
        Assert.Equal(ExpiryReport.Render(ExpiryReport.Compute(StackHarness.StackFile(), new DateOnly(2026, 11, 28), 30), OutputFormat.Json), warned.Output);
    }

    [Fact]
    public async Task Schema_check_says_a_current_file_is_current()
    {
        var run = await ToolInProcess.RunAsync("schema", "--check");

        Assert.Equal(
            (0, $"{Path.Combine(StackHarness.RepositoryRoot(), StackConfigSchema.RelativePath)} is current.\n{Path.Combine(StackHarness.RepositoryRoot(), Infra.Tool.Schema.CredentialsDocumentSchema.RelativePath)} is current.\n", ""),
            (run.ExitCode, run.Output, run.Error));
    }

    [Fact]
    public async Task Schema_writes_into_a_folder_that_does_not_exist_yet()
    {
        var path = Path.Combine(_base.Path, "new", "folder", "stack-config.schema.json");

        var run = await ToolInProcess.RunAsync("schema", "--output", path);

        Assert.Equal((0, $"Wrote {path}\n", ""), (run.ExitCode, run.Output, run.Error));
        Assert.Equal(StackConfigSchema.Generate(StackHarness.RepositoryRoot()), File.ReadAllText(path));
    }

    [Fact]
    public async Task A_long_run_titles_its_progress_on_an_interactive_terminal()
    {
        using var terminal = new TestConsole().Interactive().SupportsAnsi(true).EmitAnsiSequences().Width(160);

        var run = await ToolInProcess.RunAsync(NoEnvironment, terminal, "plan", "dev", "--today", "2026-11-28");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Planning infra/dev offline", terminal.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_audit_titles_its_progress_too()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Publish();
        using var terminal = new TestConsole().Interactive().SupportsAnsi(true).EmitAnsiSequences().Width(160);
        var credentials = new Dictionary<string, string?> { [Infra.Tool.Audit.AuditCredentials.ClientIdVariable] = AuditFakeTenant.ClientId, [Infra.Tool.Audit.AuditCredentials.ClientSecretVariable] = AuditFakeTenant.Secret };

        var run = await ToolInProcess.RunAsync(credentials, terminal, "audit", "dev", "--max-rps", "1000", "--tenant-url", tenant.Url.ToString(), "--today", "2026-11-28");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Auditing infra/dev", terminal.Output, StringComparison.Ordinal);
    }
}
