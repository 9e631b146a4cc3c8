using System.Diagnostics;

namespace Infra.Tests.Support;

/// <summary>What one run of the built access-tool wrote, with its exit code.</summary>
internal sealed record ToolRun(int ExitCode, string Output, string Error);

/// <summary>Runs the built access-tool in its own process, from the repository root, with its output redirected.</summary>
internal static class ToolProcess
{
    public static async Task<ToolRun> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = StackHarness.RepositoryRoot(), RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "access-tool.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("PULUMI_CONFIG");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new ToolRun(process.ExitCode, await output, await error);
    }
}
