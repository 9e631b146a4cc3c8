using System.Diagnostics;

namespace Infra.Tests.Support;

/// <summary>What one run of the built access-tool wrote, with its exit code.</summary>
internal sealed record ToolRun(int ExitCode, string Output, string Error);

/// <summary>Runs the built access-tool in its own process, from the repository root, with its output redirected.</summary>
internal static class ToolProcess
{
    public static Task<ToolRun> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string?>(), args);

    /// <summary>Runs the tool with <paramref name="environment"/> added to (or, where null, removed from) its environment.</summary>
    public static async Task<ToolRun> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = StackHarness.RepositoryRoot(), RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "access-tool.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("PULUMI_CONFIG");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new ToolRun(process.ExitCode, await output, await error);
    }
}
