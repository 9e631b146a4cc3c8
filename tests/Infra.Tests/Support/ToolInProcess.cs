using System.CommandLine;
using System.Globalization;
using Infra.Tool;
using Infra.Tool.Rendering;
using Infra.Tool.Verify;

namespace Infra.Tests.Support;

/// <summary>
/// Runs the access-tool's command line in this process, from the repository root, with its output and error
/// captured: what <see cref="ToolProcess"/> shows from outside, here where coverage and mutation testing see it.
/// </summary>
internal static class ToolInProcess
{
    public static Task<ToolRun> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string?>(), args);

    /// <summary>Runs it with <paramref name="environment"/> set (or, where null, removed) for the run's duration.</summary>
    public static Task<ToolRun> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
        // Progress only shows on an interactive console; this one is not, as in a pipe.
        => RunAsync(environment, ReportConsole.Plain(TextWriter.Null), args);

    /// <summary>Runs it with live progress going to <paramref name="progressConsole"/>.</summary>
    public static Task<ToolRun> RunAsync(IReadOnlyDictionary<string, string?> environment, Spectre.Console.IAnsiConsole progressConsole, params string[] args)
        => RunAsync(environment, progressConsole, NoVault, args);

    /// <summary>Runs it with <c>verify</c> reaching the vault and the tenant through <paramref name="verifyConnections"/>.</summary>
    public static async Task<ToolRun> RunAsync(IReadOnlyDictionary<string, string?> environment, Spectre.Console.IAnsiConsole progressConsole, VerifyConnections verifyConnections, params string[] args)
    {
        using var scope = new EnvironmentScope(environment);
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);

        var command = AccessToolCommand.Create(StackHarness.RepositoryRoot(), progressConsole, verifyConnections);
        var exitCode = await command.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new ToolRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>No test reaches Azure: a run that gets as far as opening a vault without being given one fails.</summary>
    private static readonly VerifyConnections NoVault = new(uri => throw new InvalidOperationException($"This test gave verify no vault, and {uri} was opened."));
}
