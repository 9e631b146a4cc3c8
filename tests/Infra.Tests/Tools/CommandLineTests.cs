using System.Text.Json;
using Infra.Tests.Support;

namespace Infra.Tests.Tools;

public class CommandLineTests
{
    [Fact]
    public async Task Plan_without_a_stack_plans_the_dev_stack_of_the_current_folder()
    {
        var implicitDev = await ToolInProcess.RunAsync("plan", "--format", "json", "--today", "2026-11-28");
        var explicitDev = await ToolInProcess.RunAsync("plan", "dev", "--format", "json", "--today", "2026-11-28");

        Assert.Equal(0, implicitDev.ExitCode);
        Assert.Equal("", implicitDev.Error);
        var json = JsonDocument.Parse(implicitDev.Output).RootElement;
        Assert.Equal(("infra", "dev", true), (json.GetProperty("project").GetString(), json.GetProperty("stack").GetString(), json.GetProperty("valid").GetBoolean()));
        Assert.Equal(33, json.GetProperty("resources").GetArrayLength());
        Assert.Equal(explicitDev.Output, implicitDev.Output);
    }

    [Fact]
    public async Task Plan_of_a_stack_without_a_file_of_its_own_is_invalid_not_a_crash()
    {
        // The default names a file; another folder without one gets the parser's problems, not an exception.
        using var folder = new TemporaryProject();

        var run = await ToolInProcess.RunAsync("plan", "--project", folder.Path, "--today", "2026-11-28");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Stack infra/dev: ", run.Output, StringComparison.Ordinal);
        Assert.Contains("infra:keyVault: is required", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_in_a_pipe_is_plain_ascii_without_colour_even_where_TERM_promises_a_colour_terminal()
    {
        var run = await ToolProcess.RunAsync(new Dictionary<string, string?> { ["TERM"] = "xterm-256color", ["NO_COLOR"] = null }, "plan", "--details", "--today", "2026-11-28");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("Offline plan of infra/dev: what `pulumi up` would create in a new stack\n|-- + create   infra:auth0:CredentialExchangePolicy credential-lifecycle\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("|   |              properties.value: [secret]\n", run.Output, StringComparison.Ordinal);
        Assert.All(run.Output, c => Assert.InRange(c, '\n', '~'));
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task Schema_writes_the_committed_schema_and_check_tells_a_current_file_from_a_stale_one()
    {
        var committed = Path.Combine(StackHarness.RepositoryRoot(), "schema", "stack-config.schema.json");
        var output = Path.Combine(Path.GetTempPath(), $"stack-config-{Guid.NewGuid():N}.schema.json");
        try
        {
            var written = await ToolInProcess.RunAsync("schema", "--output", output);
            var current = await ToolInProcess.RunAsync("schema", "--check");
            File.AppendAllText(output, " ");
            var stale = await ToolInProcess.RunAsync("schema", "--check", "--output", output);

            Assert.Equal((0, $"Wrote {output}\n"), (written.ExitCode, written.Output));
            Assert.Equal(File.ReadAllText(committed), File.ReadAllText(output)[..^1]);
            Assert.Equal(0, current.ExitCode);
            Assert.Equal((1, $"{output} is stale: run `dotnet run --project tools/AccessTool -- schema` and commit it.\n"), (stale.ExitCode, stale.Error));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task Verify_of_a_client_the_stack_does_not_have_fails_instead_of_verifying_nothing()
    {
        var run = await ToolInProcess.RunAsync(new Dictionary<string, string?> { ["AUTH0_DOMAIN"] = null }, "verify", "dev", "--client", "checkout-servce");

        Assert.Equal(
            (1, "", "--client: no client 'checkout-servce' in infra:clients; its clients are checkout-service, nightly-reconciler, partner-globex.\n"),
            (run.ExitCode, run.Output, run.Error));
    }

    [Fact]
    public async Task Verify_of_an_invalid_stack_lists_its_problems_and_reads_no_vault()
    {
        using var folder = new TemporaryProject();

        var run = await ToolInProcess.RunAsync(new Dictionary<string, string?> { ["AUTH0_DOMAIN"] = null }, "verify", "dev", "--project", folder.Path);

        Assert.Equal((1, ""), (run.ExitCode, run.Output));
        Assert.StartsWith("Stack infra/dev: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("infra:keyVault: is required", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_against_a_vault_that_does_not_answer_stops_at_the_first_read_with_one_message()
    {
        // The dev stack's vault does not resolve from here: the first read fails without an answer, after the SDK's
        // retries, and the run stops there instead of retrying for every client. In a process of its own: the Key
        // Vault SDK caches a vault's authentication challenge per process, and another test's vault would skip the
        // unauthenticated first request this run makes.
        var run = await ToolProcess.RunAsync(new Dictionary<string, string?> { ["AUTH0_DOMAIN"] = null }, "verify", "dev");

        Assert.Equal((1, ""), (run.ExitCode, run.Output));
        Assert.StartsWith("Key Vault https://kv-acme-m2m-dev.vault.azure.net/ did not answer (", run.Error, StringComparison.Ordinal);
        Assert.EndsWith("): check infra:keyVault and that this machine reaches the vault.\n", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    public static TheoryData<string> Commands => ["", "plan", "environments", "diff", "preview", "expiry", "verify", "audit", "schema", "review-gate", "grants"];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Each_commands_help_lists_its_arguments_and_options_with_their_descriptions(string command)
    {
        var run = await ToolInProcess.RunAsync([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        // The usage line names the running executable (access-tool on its own, the test host here), and the defaults of
        // --project and --today are the folder and the day it runs in.
        var help = run.Output.Replace("testhost", "access-tool", StringComparison.Ordinal)
            .Replace($"[default: {StackHarness.RepositoryRoot()}]", "[default: <current folder>]", StringComparison.Ordinal)
            .Replace($"[default: {DateOnly.FromDateTime(DateTime.UtcNow)}]", "[default: <today>]", StringComparison.Ordinal);
        TextSnapshot.AssertMatches($"help-{(command.Length == 0 ? "root" : command)}.txt", help);
    }
}
