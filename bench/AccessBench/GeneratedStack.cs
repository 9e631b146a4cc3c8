using System.Text.Json.Nodes;

namespace Infra.Bench;

/// <summary>A synthetic stack: 20 APIs with 4 scopes each, and clients with 1-3 grants and one reader each.</summary>
public static class GeneratedStack
{
    /// <summary>The number of APIs every generated stack has.</summary>
    public const int Apis = 20;

    /// <summary>The config map for <paramref name="clients"/> clients; the same size gives the same stack every time.</summary>
    public static Dictionary<string, string> Config(int clients)
    {
        // A fixed seed: a benchmark compares like with like; the program under test uses no randomness.
        var random = new Random(clients);
        var apis = new JsonArray(Enumerable.Range(0, Apis).Select(a => (JsonNode)new JsonObject
        {
            ["key"] = $"api-{a:00}",
            ["name"] = $"API {a:00}",
            ["identifier"] = $"https://api.bench.example/{a:00}",
            ["scopes"] = new JsonArray(Enumerable.Range(0, 4).Select(s => (JsonNode)new JsonObject { ["value"] = $"api{a:00}:scope{s}", ["description"] = $"Scope {s} of API {a}" }).ToArray()),
        }).ToArray());
        var list = new JsonArray();
        for (var c = 0; c < clients; c++)
        {
            var granted = Enumerable.Range(0, Apis).OrderBy(_ => random.Next()).Take(random.Next(1, 4)).Order().ToList();
            list.Add(new JsonObject
            {
                ["key"] = $"client-{c:00000}",
                ["name"] = $"Client {c}",
                ["description"] = $"Benchmark client {c}",
                ["owner"] = $"team-{c % 37}",
                ["readers"] = new JsonArray(new JsonObject { ["objectId"] = new Guid(c, 0, 0, new byte[8]).ToString(), ["principalType"] = "ServicePrincipal" }),
                ["grants"] = new JsonArray(granted.Select(a => (JsonNode)new JsonObject
                {
                    ["api"] = $"api-{a:00}",
                    ["scopes"] = new JsonArray(Enumerable.Range(0, 4).Where(s => s == 0 || random.Next(2) == 0).Select(s => (JsonNode)$"api{a:00}:scope{s}").ToArray()),
                }).ToArray()),
            });
        }

        return new Dictionary<string, string>
        {
            ["auth0:domain"] = "bench.eu.auth0.com",
            ["infra:keyVault"] = """{"name":"kv-bench","resourceGroup":"rg-bench"}""",
            ["infra:apis"] = apis.ToJsonString(),
            ["infra:clients"] = list.ToJsonString(),
            ["infra:tokenLifetime"] = "3600",
            // One role assignment per reader of each enabled client: every generated client has one reader, so the
            // stack declares `clients` assignments, over Azure's 4,000 per subscription (the default budget) from
            // 4,000 clients on. The benchmark measures the program, so the budget is raised to exactly what it
            // generates; a real stack of this size needs several subscriptions or shared reader groups.
            ["infra:roleAssignmentBudget"] = clients.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The name of the stack that holds the catalogue when an environment is split.</summary>
    public const string CatalogueStack = "bench";

    /// <summary>
    /// The environment of <see cref="Config"/>(<paramref name="clients"/>) split into one catalogue stack and
    /// <paramref name="teams"/> team stacks named <c>bench.team-NN</c>, each with a contiguous share of the same clients
    /// and <c>infra:catalogueStack: bench</c>. Each is one program run with its own config. The catalogue stack
    /// deploys the APIs and the Action, and holds one platform client of its own (the program wants at least one
    /// client in every stack; the staging example's catalogue holds one too), so the split environment has one client
    /// more than the single stack. A team stack's config carries <c>infra:apis</c> because the CLI hands a program the
    /// project's defaults (Pulumi.yaml's <c>infra:apis</c>) along with the stack's own keys.
    /// </summary>
    public static List<(string Stack, Dictionary<string, string> Config)> SplitConfigs(int clients, int teams)
    {
        var whole = Config(clients);
        var list = JsonNode.Parse(whole["infra:clients"])!.AsArray();
        var platform = list[0]!.DeepClone().AsObject();
        platform["key"] = "platform-client";
        platform["name"] = "Platform client";
        var catalogue = new Dictionary<string, string>(whole)
        {
            ["infra:clients"] = new JsonArray(platform).ToJsonString(),
            // The environment's budget: every stack here shares one subscription (the checks across stacks count them).
            ["infra:roleAssignmentBudget"] = (clients + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var stacks = new List<(string, Dictionary<string, string>)> { (CatalogueStack, catalogue) };
        var perTeam = (clients + teams - 1) / teams;
        for (var t = 0; t < teams; t++)
        {
            var share = new JsonArray(list.Skip(t * perTeam).Take(perTeam).Select(c => c!.DeepClone()).ToArray());
            stacks.Add(($"{CatalogueStack}.team-{t:00}", new Dictionary<string, string>(whole)
            {
                ["infra:clients"] = share.ToJsonString(),
                ["infra:roleAssignmentBudget"] = share.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["infra:catalogueStack"] = CatalogueStack,
            }));
        }

        return stacks;
    }

    /// <summary>The same stack as files, for the plan command: a project file and <c>Pulumi.&lt;stack&gt;.yaml</c> (JSON is YAML).</summary>
    public static void WriteProject(string folder, string stack, int clients)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "Pulumi.yaml"), "name: infra\nruntime: dotnet\n");
        var config = new JsonObject(Config(clients).Select(kv => KeyValuePair.Create(kv.Key, kv.Key is "infra:keyVault" or "infra:apis" or "infra:clients" ? JsonNode.Parse(kv.Value) : (JsonNode?)kv.Value)));
        File.WriteAllText(Path.Combine(folder, $"Pulumi.{stack}.yaml"), new JsonObject { ["config"] = config }.ToJsonString());
    }
}
