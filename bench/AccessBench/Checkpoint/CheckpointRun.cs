using System.Globalization;
using System.Text.Json;

namespace Infra.Bench.Checkpoint;

/// <summary>The <c>--checkpoint</c> mode: each environment in a child process of its own, then the tables.</summary>
internal static class CheckpointRun
{
    /// <summary>One environment: a single stack of <paramref name="clients"/> (<paramref name="teams"/> 0) or the split one, one program run per stack.</summary>
    public static async Task<List<StackCheckpoint>> Child(int clients, int teams)
    {
        if (teams == 0)
        {
            return [await CheckpointModel.Measure("bench", GeneratedStack.Config(clients))];
        }

        var results = new List<StackCheckpoint>();
        foreach (var (stack, config) in GeneratedStack.SplitConfigs(clients, teams))
        {
            results.Add(await CheckpointModel.Measure(stack, config));
        }

        return results;
    }

    public static async Task Report(int[] sizes, int splitClients, int teams, Func<string, Task<string>> runSelf)
    {
        static string Bytes(double b) => b >= 1 << 30 ? Inv($"{b / (1 << 30):F2} GiB") : b >= 1 << 20 ? Inv($"{b / (1 << 20):F1} MiB") : Inv($"{b / 1024:F1} KiB");
        Console.WriteLine("engine: pulumi/pulumi v3.259.0 (modelled); program: this tree, each stack one run of it under the mock engine");
        Console.WriteLine("| stack | clients | resources (= create steps) | checkpoint | per client | gzip | diy saves | diy bytes written | + .bak copies | journal entries | journal bytes | journal gzip | diy / journal |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        void Row(string name, int clients, StackCheckpoint c) => Console.WriteLine(Inv(
            $"| {name} | {clients:N0} | {c.Resources:N0} | {Bytes(c.CheckpointBytes)} | {(clients == 0 ? "" : Bytes((double)c.CheckpointBytes / clients))} | {Bytes(c.CheckpointGzipBytes)} | {c.DiySaves:N0} | {Bytes(c.DiyBytes)} | {Bytes(c.DiyBackupCopyBytes)} | {c.JournalEntries:N0} | {Bytes(c.JournalBytes)} | {Bytes(c.JournalGzipBytes)} | {(double)c.DiyBytes / c.JournalBytes:N0}x |"));
        var singles = new Dictionary<int, StackCheckpoint>();
        foreach (var clients in sizes)
        {
            var single = JsonSerializer.Deserialize<List<StackCheckpoint>>(await runSelf($"--checkpoint-child {clients} --teams 0"))![0];
            singles[clients] = single;
            Row("single", clients, single);
        }

        if (splitClients <= 0)
        {
            return;
        }

        if (!singles.TryGetValue(splitClients, out var whole))
        {
            whole = JsonSerializer.Deserialize<List<StackCheckpoint>>(await runSelf($"--checkpoint-child {splitClients} --teams 0"))![0];
            Row("single", splitClients, whole);
        }

        var split = JsonSerializer.Deserialize<List<StackCheckpoint>>(await runSelf($"--checkpoint-child {splitClients} --teams {teams}"))!;
        var perTeam = (splitClients + teams - 1) / teams;
        Row("catalogue (APIs, Action, 1 platform client)", 1, split[0]);
        var largest = split.Skip(1).MaxBy(s => s.CheckpointBytes)!;
        Row($"largest team ({largest.Stack})", perTeam, largest);
        var sum = new StackCheckpoint(
            $"catalogue + {teams} teams",
            split.Sum(s => s.Resources),
            split.Sum(s => s.Steps),
            split.Sum(s => s.CheckpointBytes),
            split.Sum(s => s.CheckpointGzipBytes),
            split.Sum(s => s.DiySaves),
            split.Sum(s => s.DiyBytes),
            split.Sum(s => s.DiyBackupCopyBytes),
            split.Sum(s => s.JournalEntries),
            split.Sum(s => s.JournalBytes),
            split.Sum(s => s.JournalGzipBytes));
        Row($"sum over catalogue + {teams} teams", splitClients + 1, sum);
        Console.WriteLine();
        Console.WriteLine(Inv($"{splitClients:N0} clients, single stack against catalogue + {teams} team stacks of {perTeam:N0}:"));
        Console.WriteLine(Inv($"- largest checkpoint: {Bytes(whole.CheckpointBytes)} against {Bytes(largest.CheckpointBytes)} (a team stack's is {(double)largest.CheckpointBytes / whole.CheckpointBytes:F4} of the single stack's, 1/{(double)whole.CheckpointBytes / largest.CheckpointBytes:F1})"));
        Console.WriteLine(Inv($"- first deploy on diy, checkpoint bytes written: {Bytes(whole.DiyBytes)} against {Bytes(sum.DiyBytes)} summed over all {split.Count} stacks: 1/{(double)whole.DiyBytes / sum.DiyBytes:F1} (target: at most 1/40)"));
        Console.WriteLine(Inv($"- first deploy journaling: {Bytes(whole.JournalBytes)} against {Bytes(sum.JournalBytes)}: {(double)sum.JournalBytes / whole.JournalBytes:F3}x"));
        Console.WriteLine(Inv($"- single stack, diy against journaling: {(double)whole.DiyBytes / whole.JournalBytes:N0}x; split, diy against journaling: {(double)sum.DiyBytes / sum.JournalBytes:N1}x"));
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
