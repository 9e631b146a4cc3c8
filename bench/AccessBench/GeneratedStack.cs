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

    /// <summary>The same stack as files, for the plan command: a project file and <c>Pulumi.&lt;stack&gt;.yaml</c> (JSON is YAML).</summary>
    public static void WriteProject(string folder, string stack, int clients)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "Pulumi.yaml"), "name: infra\nruntime: dotnet\n");
        var config = new JsonObject(Config(clients).Select(kv => KeyValuePair.Create(kv.Key, kv.Key is "infra:keyVault" or "infra:apis" or "infra:clients" ? JsonNode.Parse(kv.Value) : (JsonNode?)kv.Value)));
        File.WriteAllText(Path.Combine(folder, $"Pulumi.{stack}.yaml"), new JsonObject { ["config"] = config }.ToJsonString());
    }
}
