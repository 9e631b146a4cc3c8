using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Infra.Bench;

/// <summary>
/// What a pull request that changes one team's client costs in offline checks, as pull-request.yml runs them (each a
/// process of access-tool): the checks across stacks with the stacks the change reaches (<c>environments --base</c>),
/// then for each reached stack the plan, the access diff and the operations preview. Once for an environment in one
/// stack, once for the same clients in a catalogue stack and team stacks, on the same machine in one run.
/// </summary>
public static class PullRequestChecks
{
    /// <summary>One layout's timings: the checks across stacks, and the per-stack checks of the stacks reached.</summary>
    /// <param name="Layout">What was measured.</param>
    /// <param name="Reached">The stacks the change reached.</param>
    /// <param name="EnvironmentsSeconds">The <c>environments --base</c> run.</param>
    /// <param name="PerStackSeconds">Plan, diff and preview of every stack reached.</param>
    public sealed record Timing(string Layout, IReadOnlyList<string> Reached, double EnvironmentsSeconds, double PerStackSeconds)
    {
        /// <summary>Everything the pull request waits for in offline checks.</summary>
        public double TotalSeconds => EnvironmentsSeconds + PerStackSeconds;
    }

    /// <summary>Writes both layouts of <paramref name="clients"/> clients, base and head, changes one client, and times the checks.</summary>
    public static async Task<(Timing Single, Timing Split)> MeasureAsync(int clients, int teams, string tool)
    {
        var root = Path.Combine(Path.GetTempPath(), $"access-bench-pr-{Environment.ProcessId}");
        try
        {
            var single = Write(Path.Combine(root, "single"), [("bench", AsStackFile(GeneratedStack.Config(clients)))]);
            var split = Write(Path.Combine(root, "split"), Split(clients, teams));
            // The same client in both layouts: in the split one it is in the team stack in the middle.
            var changed = $"client-{clients / 2:00000}";
            ChangeOneClient(single, changed);
            ChangeOneClient(split, changed);
            return (await TimeAsync("one stack", single, tool), await TimeAsync($"a catalogue stack and {teams} team stacks", split, tool));
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static async Task<Timing> TimeAsync(string layout, string project, string tool)
    {
        var head = Path.Combine(project, "head");
        var @base = Path.Combine(project, "base");
        var watch = Stopwatch.StartNew();
        var json = await RunAsync(tool, $"environments --project \"{head}\" --base \"{@base}\" --format json --today 2026-11-28", 0);
        var environments = watch.Elapsed.TotalSeconds;
        var reached = JsonNode.Parse(json)!["affected"]!.AsArray().Select(s => (string)s!["stack"]!).ToList();
        watch.Restart();
        foreach (var stack in reached)
        {
            await RunAsync(tool, $"plan {stack} --project \"{head}\" --format markdown --today 2026-11-28", 0);
            // 2: a privilege increase, which this change is.
            await RunAsync(tool, $"diff {stack} --base \"{@base}\" --head \"{head}\" --format markdown", 2);
            await RunAsync(tool, $"preview {stack} --base \"{@base}\" --head \"{head}\" --format markdown --today 2026-11-28", 0);
        }

        return new Timing(layout, reached, environments, watch.Elapsed.TotalSeconds);
    }

    // As the workflow runs it: a process each, with the program's server GC and without dynamic PGO, as shipped.
    private static Task<string> RunAsync(string tool, string arguments, int expectedExitCode)
        => ChildProcess.RunAsync("dotnet", $"\"{tool}\" {arguments}", expectedExitCode: expectedExitCode);

    /// <summary>The generated environment split as the checkpoint benchmark splits it, as stack files: the catalogue comes from Pulumi.yaml.</summary>
    private static List<(string Stack, Dictionary<string, string> Config)> Split(int clients, int teams)
        => [.. GeneratedStack.SplitConfigs(clients, teams).Select(s => (s.Stack, AsStackFile(s.Config)))];

    // The stack files leave the APIs and their lifetime to Pulumi.yaml, which every stack of the environment reads.
    private static Dictionary<string, string> AsStackFile(Dictionary<string, string> config)
    {
        config.Remove("infra:apis");
        config.Remove("infra:tokenLifetime");
        return config;
    }

    /// <summary>Base and head checkouts: Pulumi.yaml with the catalogue, and a file per stack (JSON is YAML).</summary>
    private static string Write(string folder, List<(string Stack, Dictionary<string, string> Config)> stacks)
    {
        var apis = GeneratedStack.Config(1)["infra:apis"];
        foreach (var side in new[] { "base", "head" })
        {
            var dir = Path.Combine(folder, side);
            Directory.CreateDirectory(dir);
            var project = new JsonObject
            {
                ["name"] = "infra",
                ["runtime"] = "dotnet",
                ["config"] = new JsonObject
                {
                    ["apis"] = new JsonObject { ["type"] = "array", ["default"] = JsonNode.Parse(apis) },
                    ["catalogueStack"] = new JsonObject { ["type"] = "string", ["default"] = "" },
                },
            };
            File.WriteAllText(Path.Combine(dir, "Pulumi.yaml"), project.ToJsonString());
            foreach (var (stack, config) in stacks)
            {
                var values = new JsonObject(config.Select(kv => KeyValuePair.Create(kv.Key, kv.Key is "infra:keyVault" or "infra:clients" ? JsonNode.Parse(kv.Value) : (JsonNode?)kv.Value)));
                File.WriteAllText(Path.Combine(dir, $"Pulumi.{stack}.yaml"), new JsonObject { ["config"] = values }.ToJsonString());
            }
        }

        return folder;
    }

    /// <summary>Adds a scope to one grant of <paramref name="key"/> in the head: a privilege increase in one team's file.</summary>
    private static void ChangeOneClient(string folder, string key)
    {
        var head = Path.Combine(folder, "head");
        foreach (var file in Directory.GetFiles(head, "Pulumi.*.yaml"))
        {
            var stack = JsonNode.Parse(File.ReadAllText(file))!;
            if (stack["config"]?["infra:clients"]?.AsArray().FirstOrDefault(c => (string?)c!["key"] == key) is { } client)
            {
                var grant = client["grants"]![0]!;
                var api = ((string)grant["api"]!)[4..];
                grant["scopes"] = new JsonArray([.. Enumerable.Range(0, 4).Select(s => (JsonNode)$"api{api}:scope{s}")]);
                File.WriteAllText(file, stack.ToJsonString());
                return;
            }
        }

        throw new InvalidOperationException($"No client {key} in {head}.");
    }
}
