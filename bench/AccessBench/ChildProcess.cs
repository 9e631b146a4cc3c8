using System.Diagnostics;

namespace Infra.Bench;

/// <summary>A process the benchmark measures or delegates to, with the runtime settings the program ships with unless asked.</summary>
internal static class ChildProcess
{
    /// <summary>Runs <paramref name="file"/> to its end and returns its standard output; any other exit code than <paramref name="expectedExitCode"/> throws.</summary>
    public static async Task<string> RunAsync(string file, string arguments, bool serverGc = true, bool dynamicPgo = false, int expectedExitCode = 0)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("PULUMI_CONFIG");
        start.Environment["DOTNET_gcServer"] = serverGc ? "1" : "0";
        start.Environment["DOTNET_TieredPGO"] = dynamicPgo ? "1" : "0";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != expectedExitCode)
        {
            var text = await output;
            throw new InvalidOperationException($"{arguments} exited {process.ExitCode}, not {expectedExitCode}: {await error}{text[..Math.Min(4000, text.Length)]}");
        }

        return await output;
    }
}
