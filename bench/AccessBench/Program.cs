using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Infra;
using Infra.Bench;
using Infra.Bench.Checkpoint;
using Infra.Tool;
using Pulumi;
using Pulumi.Testing;

// Each size runs in a child process of its own, so its peak working set is its own; the parent prints the table.
var sizesOption = new Option<int[]>("--sizes") { Description = "client counts", DefaultValueFactory = _ => [10, 100, 500, 1000, 5000], AllowMultipleArgumentsPerToken = true };
var runsOption = new Option<int>("--runs") { Description = "measured runs per size, after the warm-up", DefaultValueFactory = _ => 3 };
var warmupOption = new Option<double>("--warmup-seconds") { Description = "warm-up runs of each size repeat until this long has passed (at least one)", DefaultValueFactory = _ => 3 };
var planOption = new Option<int>("--plan-clients") { Description = "clients in the stack the offline plan is timed on (0: skip)", DefaultValueFactory = _ => 1000 };
var gcOption = new Option<bool>("--compare-gc") { Description = "also run the largest size with the workstation GC, for the ratio behind the program's server-GC setting" };
var prOption = new Option<int>("--pr-checks") { Description = "also time the offline checks of a pull request that changes one client, for this many clients in one stack and split into team stacks (0: skip)", DefaultValueFactory = _ => 0 };
var teamsOption = new Option<int>("--teams") { Description = "with --pr-checks or --checkpoint: the team stacks the clients are split into", DefaultValueFactory = _ => 50 };
var childOption = new Option<int>("--child") { Hidden = true };
var checkpointOption = new Option<bool>("--checkpoint") { Description = "model the engine's checkpoint for --sizes (single stack) and for --split-clients split into team stacks, instead of timing the program" };
var splitOption = new Option<int>("--split-clients") { Description = "clients of the environment split into team stacks (with --checkpoint; 0: skip)", DefaultValueFactory = _ => 5000 };
var checkpointChildOption = new Option<int>("--checkpoint-child") { Hidden = true };

var root = new RootCommand("Runs the whole program under Pulumi's mock engine for generated stacks and reports time, allocations and memory per size.")
{
    sizesOption, runsOption, warmupOption, planOption, gcOption, prOption, teamsOption, childOption, checkpointOption, splitOption, checkpointChildOption,
};
root.SetAction(async parse =>
{
    var runs = parse.GetValue(runsOption);
    if (parse.GetValue(childOption) is > 0 and var size)
    {
        Console.WriteLine(JsonSerializer.Serialize(await Measure(size, runs, parse.GetValue(warmupOption))));
        return 0;
    }

    if (parse.GetValue(checkpointChildOption) is > 0 and var checkpointClients)
    {
        Console.WriteLine(JsonSerializer.Serialize(await CheckpointRun.Child(checkpointClients, parse.GetValue(teamsOption))));
        return 0;
    }

    if (parse.GetValue(checkpointOption))
    {
        await CheckpointRun.Report(parse.GetValue(sizesOption)!, parse.GetValue(splitOption), parse.GetValue(teamsOption), arguments => RunSelf(arguments, serverGc: true));
        return 0;
    }

    var warmup = parse.GetValue(warmupOption);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; {runs} runs per size after at least {warmup:F0} s of warm-up runs; median shown"));
    Console.WriteLine("| clients | grants | resources | wall time (median) | per client | CPU time (median) | GC pauses (median) | allocated | peak working set |");
    Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var clients in parse.GetValue(sizesOption)!)
    {
        var result = JsonSerializer.Deserialize<SizeResult>(await RunSelf($"--child {clients} --runs {runs} --warmup-seconds {warmup.ToString(CultureInfo.InvariantCulture)}", serverGc: true))!;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {result.Clients:N0} | {result.Grants:N0} | {result.Resources:N0} | {result.MedianSeconds:F2} s | {result.MedianSeconds / result.Clients * 1000:F3} ms | {result.MedianCpuSeconds:F2} s | {result.MedianGcPauseSeconds:F2} s | {result.AllocatedBytes / 1048576.0:N0} MiB | {result.PeakWorkingSetBytes / 1048576.0:N0} MiB |"));
    }

    if (parse.GetValue(gcOption))
    {
        var largest = parse.GetValue(sizesOption)!.Max();
        var server = JsonSerializer.Deserialize<SizeResult>(await RunSelf($"--child {largest} --runs {runs}", serverGc: true))!;
        var workstation = JsonSerializer.Deserialize<SizeResult>(await RunSelf($"--child {largest} --runs {runs}", serverGc: false))!;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GC at {largest:N0} clients: server {server.MedianSeconds:F2} s, workstation {workstation.MedianSeconds:F2} s: workstation/server = {workstation.MedianSeconds / server.MedianSeconds:F2}x"));
    }

    if (parse.GetValue(planOption) is > 0 and var planClients)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"access-bench-{Environment.ProcessId}");
        GeneratedStack.WriteProject(folder, "bench", planClients);
        var tool = Path.Combine(AppContext.BaseDirectory, "access-tool.dll");
        async Task<List<double>> TimePlan(bool dynamicPgo)
        {
            var times = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var watch = Stopwatch.StartNew();
                await ChildProcess.RunAsync("dotnet", $"\"{tool}\" plan bench --project \"{folder}\" --format json --today 2026-11-28", dynamicPgo: dynamicPgo);
                times.Add(watch.Elapsed.TotalSeconds);
            }

            return times;
        }

        var shipped = await TimePlan(dynamicPgo: false);
        var withPgo = await TimePlan(dynamicPgo: true);
        Directory.Delete(folder, recursive: true);
        string Runs(List<double> times) => string.Join(", ", times.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"offline plan of a {planClients:N0}-client stack, as a process (`access-tool plan --format json`): median {Median(shipped):F2} s over {runs} runs ({Runs(shipped)} s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  with dynamic PGO turned back on: median {Median(withPgo):F2} s ({Runs(withPgo)} s): {Median(withPgo) / Median(shipped):F2}x the shipped setting"));
    }

    if (parse.GetValue(prOption) is > 0 and var prClients)
    {
        var teams = parse.GetValue(teamsOption);
        var (single, split) = await PullRequestChecks.MeasureAsync(prClients, teams, Path.Combine(AppContext.BaseDirectory, "access-tool.dll"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"offline checks of a pull request that adds a scope to one client of {prClients:N0}, as pull-request.yml runs them (one process each):"));
        Console.WriteLine("| layout | stacks reached | environments --base | plan, diff, preview of those | total |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        foreach (var t in new[] { single, split })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {t.Layout} | {string.Join(", ", t.Reached)} | {t.EnvironmentsSeconds:F2} s | {t.PerStackSeconds:F2} s | {t.TotalSeconds:F2} s |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"split / single = {split.TotalSeconds / single.TotalSeconds:F3} (1/{single.TotalSeconds / split.TotalSeconds:F1})"));
    }

    return 0;
});
return await root.Parse(args).InvokeAsync();

// The warm-up repeats until `warmupSeconds` have passed: the runtime's tiered JIT recompiles a hot method with full
// optimisation only after 30 calls and a quiet period, in the background, so one short warm-up (0.5 s at 100
// clients) leaves the measured runs on unoptimised code, while one warm-up of a large stack does not.
static async Task<SizeResult> Measure(int clients, int runs, double warmupSeconds)
{
    var config = GeneratedStack.Config(clients);
    Environment.SetEnvironmentVariable("PULUMI_CONFIG", StackFiles.ToEnvironmentValue(config));
    var grants = JsonDocument.Parse(config["infra:clients"]).RootElement.EnumerateArray().Sum(c => c.GetProperty("grants").GetArrayLength());
    var times = new List<double>();
    // CPU time of the whole process (all threads, the GC's included): on a machine that other work also loads, it
    // moves far less than the wall time, which waits for the cores.
    var cpu = new List<double>();
    // The time the GC stopped the program's threads: what a heap that grows with the stack costs.
    var pauses = new List<double>();
    using var self = Process.GetCurrentProcess();
    long allocated = 0;
    var resources = 0;
    var warming = Stopwatch.StartNew();
    for (var run = 0; run <= runs; run++)
    {
        // Each run starts on a collected heap, as BenchmarkDotNet does by default (GcForce: "forces full garbage
        // collection after each benchmark invocation. This is the default."), and as `pulumi up` starts a fresh
        // process: otherwise a run pays for collecting the previous run's garbage, a share that is largest for the
        // smallest stack (its runs are the shortest), which is not a cost of the program at that size.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var mocks = new BenchMocks();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        self.Refresh();
        var cpuBefore = self.TotalProcessorTime;
        var pausedBefore = GC.GetTotalPauseDuration();
        var watch = Stopwatch.StartNew();
        await Deployment.TestAsync(mocks, new TestOptions { ProjectName = "infra", StackName = "bench", IsPreview = false }, AccessStack.Define);
        watch.Stop();
        self.Refresh();
        var cpuSpent = self.TotalProcessorTime - cpuBefore;
        var paused = GC.GetTotalPauseDuration() - pausedBefore;
        if (run == 0)
        {
            // Warm-up: JIT, tier-up and first-use costs.
            if (warming.Elapsed.TotalSeconds < warmupSeconds)
            {
                run--;
            }

            continue;
        }

        times.Add(watch.Elapsed.TotalSeconds);
        cpu.Add(cpuSpent.TotalSeconds);
        pauses.Add(paused.TotalSeconds);
        allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        resources = mocks.Registered;
    }

    self.Refresh();
    return new SizeResult(clients, grants, resources, Median(times), Median(cpu), Median(pauses), allocated, self.PeakWorkingSet64);
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

// The program runs with the server GC (infra/Infra.csproj); the children measure under the same setting unless asked.
static Task<string> RunSelf(string arguments, bool serverGc)
    => ChildProcess.RunAsync("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, "access-bench.dll")}\" {arguments}", serverGc);

/// <summary>One size's measurements.</summary>
internal sealed record SizeResult(int Clients, int Grants, int Resources, double MedianSeconds, double MedianCpuSeconds, double MedianGcPauseSeconds, long AllocatedBytes, long PeakWorkingSetBytes);
