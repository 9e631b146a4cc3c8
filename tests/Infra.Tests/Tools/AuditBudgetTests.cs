using System.Text.Json.Nodes;
using Infra.Config;
using Infra.Tool.Audit;

namespace Infra.Tests.Tools;

/// <summary>What an audit of a large tenant costs in Management API requests, counted where they arrive.</summary>
public class AuditBudgetTests
{
    /// <summary>The inventory and drift part of a 5,000-client tenant must fit in this many requests.</summary>
    private const int Budget = 200;

    [Fact]
    public async Task Auditing_5000_clients_with_1_to_3_grants_over_20_apis_takes_155_requests()
    {
        const int clients = 5000;
        const int apiCount = 20;
        var apis = Enumerable.Range(0, apiCount).Select(a => new ApiDefinition(
            $"api-{a:00}", $"API {a:00}", $"https://api.example/api-{a:00}", [.. Enumerable.Range(0, 4).Select(s => new ApiScope($"s{s}:read", "d"))], 3600, "RS256")).ToList();
        // 1, 2 or 3 grants per client, on APIs spread by a stride: 9,999 grants, about 500 per API.
        var definitions = Enumerable.Range(0, clients).Select(i => new M2MClientDefinition(
            $"c-{i:0000}", $"Client {i:0000}", "generated", $"team-{i % 50}",
            [.. Enumerable.Range(0, i % 3 + 1).Select(k => new ClientGrantPlan(apis[(i + k * 7) % apiCount].Key, [$"s{k}:read"]))])).ToList();
        var access = new AccessConfig(new StackPolicy(false, false, 3600), new Auth0Tenant(AuditFakeTenant.Domain), new KeyVaultTarget("kv-bench", "rg-bench", "m2m"), apis, definitions);

        using var tenant = new AuditFakeTenant();
        tenant.Apis.AddRange(apis.Select(a => AuditFakeTenant.Api(a.Identifier, a.Name, 3600, [.. a.Scopes.Select(s => s.Value)])));
        var grantId = 0;
        foreach (var (definition, i) in definitions.Select((d, i) => (d, i)))
        {
            tenant.Clients.Add(AuditFakeTenant.Client($"cid-{i:0000}", definition.Name, AuditFakeTenant.Metadata(definition.Key, definition.Owner, null, "bench")));
            tenant.Grants.AddRange(definition.Grants.Select(g => AuditFakeTenant.Grant($"cgr_{grantId++}", $"cid-{i:0000}", apis.Single(a => a.Key == g.ApiKey).Identifier, [.. g.Scopes])));
        }

        // One client drifted, so the test also shows the comparison at this size finds what it must.
        tenant.Grants[^1]["scope"] = new JsonArray("s0:read", "s3:read");
        tenant.Publish();

        var result = await TenantAudit.RunAsync(access, "infra", "bench", AuditFakeTenant.Credentials, tenant.Options());

        var grantPages = tenant.Grants.GroupBy(g => (string)g["audience"]!).Sum(g => (g.Count() + 99) / 100);
        var expected = 1 /* token */ + apiCount / TenantReader.IdentifiersPerRequest /* resource servers */ + clients / 100 + grantPages;
        Assert.Equal(9999, tenant.Grants.Count);
        Assert.Equal(102, grantPages);
        Assert.Equal(expected, tenant.Requests.Count);
        Assert.Equal(155, tenant.Requests.Count);
        Assert.True(tenant.Requests.Count <= Budget, $"{tenant.Requests.Count} requests");
        Assert.Equal(tenant.Requests.Count, result.Requests);
        Assert.Equal(clients, result.Clients.Count);
        var drifted = Assert.Single(result.Clients, c => c.Status != AuditStatus.Matching);
        Assert.Equal("c-4999 grant api-06 scopes: s1:read -> s0:read s3:read", $"{drifted.Key} " + string.Join("; ", drifted.Differences.Select(d => $"{d.Field}: {d.Expected} -> {d.Actual}")));
    }
}
