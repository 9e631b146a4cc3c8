using System.Text.Json;
using Infra.Tests.Support;

namespace Infra.Tests.Tools;

public class CommandLineTests
{
    [Fact]
    public async Task Plan_without_a_stack_plans_the_dev_stack_of_the_current_folder()
    {
        var implicitDev = await ToolProcess.RunAsync("plan", "--format", "json", "--today", "2026-11-28");
        var explicitDev = await ToolProcess.RunAsync("plan", "dev", "--format", "json", "--today", "2026-11-28");

        Assert.Equal(0, implicitDev.ExitCode);
        Assert.Equal("", implicitDev.Error);
        var json = JsonDocument.Parse(implicitDev.Output).RootElement;
        Assert.Equal(("infra", "dev", true), (json.GetProperty("project").GetString(), json.GetProperty("stack").GetString(), json.GetProperty("valid").GetBoolean()));
        Assert.Equal(35, json.GetProperty("resources").GetArrayLength());
        Assert.Equal(explicitDev.Output, implicitDev.Output);
    }

    [Fact]
    public async Task Plan_of_a_stack_without_a_file_of_its_own_is_invalid_not_a_crash()
    {
        // The default names a file; another folder without one gets the parser's problems, not an exception.
        using var folder = new TemporaryProject();

        var run = await ToolProcess.RunAsync("plan", "--project", folder.Path, "--today", "2026-11-28");

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
}
