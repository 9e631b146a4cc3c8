using System.Text.Json.Nodes;
using Infra.Config;
using Infra.Tool.Audit;

namespace Infra.Tests.Tools;

/// <summary>What an audit of a large tenant costs in Management API requests, counted where they arrive.</summary>
public class AuditBudgetTests
{
    /// <summary>The inventory and drift part of a 5,000-client tenant must fit in this many requests.</summary>
    private const int Budget = 200;

    private const int ClientCount = 5000;

    private const int ApiCount = 20;

    [Fact]
    public async Task Auditing_5000_clients_with_1_to_3_grants_over_20_apis_takes_155_requests()
    {
        var (access, tenant) = Tenant(isKeyClient: _ => false);
        using var _ = tenant;

        // One client drifted, so the test also shows the comparison at this size finds what it must.
        tenant.Grants[^1]["scope"] = new JsonArray("s0:read", "s3:read");
        tenant.Publish();

        var result = await TenantAudit.RunAsync(access, "infra", "bench", AuditFakeTenant.Credentials, tenant.Options());

        var grantPages = tenant.Grants.GroupBy(g => (string)g["audience"]!).Sum(g => (g.Count() + 99) / 100);
        var expected = 1 /* token */ + ApiCount / TenantReader.IdentifiersPerRequest /* resource servers */ + ClientCount / 100 + grantPages;
        Assert.Equal(9999, tenant.Grants.Count);
        Assert.Equal(102, grantPages);
        Assert.Equal(expected, tenant.Requests.Count);
        Assert.Equal(155, tenant.Requests.Count);
        Assert.True(tenant.Requests.Count <= Budget, $"{tenant.Requests.Count} requests");
        Assert.Equal(tenant.Requests.Count, result.Requests);
        Assert.Equal(ClientCount, result.Clients.Count);
        var drifted = Assert.Single(result.Clients, c => c.Status != AuditStatus.Matching);
        Assert.Equal("c-4999 grant api-06 scopes: s1:read -> s0:read s3:read", $"{drifted.Key} " + string.Join("; ", drifted.Differences.Select(d => $"{d.Field}: {d.Expected} -> {d.Actual}")));
    }

    [Fact]
    public async Task Key_clients_add_one_credentials_request_each_and_secret_clients_none()
    {
        // Every 100th client on keys: 50 of 5,000, each holding its one key.
        var (access, tenant) = Tenant(isKeyClient: i => i % 100 == 0);
        using var _ = tenant;
        tenant.Publish();

        var result = await TenantAudit.RunAsync(access, "infra", "bench", AuditFakeTenant.Credentials, tenant.Options());

        var credentialReads = tenant.Requests.Where(r => r.RequestMessage.Path.EndsWith("/credentials", StringComparison.Ordinal)).ToList();
        Assert.Equal(50, credentialReads.Count);
        Assert.Equal(Enumerable.Range(0, 50).Select(k => $"/api/v2/clients/cid-{k * 100:0000}/credentials"), credentialReads.Select(r => r.RequestMessage.Path).Order(StringComparer.Ordinal));
        Assert.Equal(155 + 50, tenant.Requests.Count);
        Assert.Equal(tenant.Requests.Count, result.Requests);
        Assert.All(result.Clients, c => Assert.Equal(AuditStatus.Matching, c.Status));
    }

    /// <summary>
    /// 5,000 clients with 1, 2 or 3 grants each on 20 APIs spread by a stride (9,999 grants, about 500 per API), as
    /// declared and as the tenant holds them; the key clients with their one key (rotation 0, no expiry) in Auth0.
    /// </summary>
    private static (AccessConfig Access, AuditFakeTenant Tenant) Tenant(Func<int, bool> isKeyClient)
    {
        var apis = Enumerable.Range(0, ApiCount).Select(a => new ApiDefinition(
            $"api-{a:00}", $"API {a:00}", $"https://api.example/api-{a:00}", [.. Enumerable.Range(0, 4).Select(s => new ApiScope($"s{s}:read", "d"))], 3600, "RS256")).ToList();
        var definitions = Enumerable.Range(0, ClientCount).Select(i => new M2MClientDefinition(
            $"c-{i:0000}", $"Client {i:0000}", "generated", $"team-{i % 50}",
            [.. Enumerable.Range(0, i % 3 + 1).Select(k => new ClientGrantPlan(apis[(i + k * 7) % ApiCount].Key, [$"s{k}:read"]))])
        {
            Authentication = isKeyClient(i) ? ClientAuthentication.PrivateKeyJwt : ClientAuthentication.ClientSecret,
        }).ToList();
        var access = new AccessConfig(new StackPolicy(false, false, 3600), new Auth0Tenant(AuditFakeTenant.Domain), new KeyVaultTarget("kv-bench", "rg-bench", "m2m"), apis, definitions);

        var tenant = new AuditFakeTenant();
        tenant.Apis.AddRange(apis.Select(a => AuditFakeTenant.Api(a.Identifier, a.Name, 3600, [.. a.Scopes.Select(s => s.Value)])));
        var grantId = 0;
        foreach (var (definition, i) in definitions.Select((d, i) => (d, i)))
        {
            var client = AuditFakeTenant.Client($"cid-{i:0000}", definition.Name, AuditFakeTenant.Metadata(definition.Key, definition.Owner, null, "bench"));
            if (definition.Authentication == ClientAuthentication.PrivateKeyJwt)
            {
                AuditFakeTenant.UseKeys(client, $"cred_{i:0000}");
                tenant.ClientCredentials[$"cid-{i:0000}"] = [AuditFakeTenant.Credential($"cred_{i:0000}", ClientKeys.CredentialName(definition.Key, 0), null)];
            }

            tenant.Clients.Add(client);
            tenant.Grants.AddRange(definition.Grants.Select(g => AuditFakeTenant.Grant($"cgr_{grantId++}", $"cid-{i:0000}", apis.Single(a => a.Key == g.ApiKey).Identifier, [.. g.Scopes])));
        }

        return (access, tenant);
    }
}
