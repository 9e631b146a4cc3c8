using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Config;
using Infra.Tests.Support;
using Infra.Tool;
using Infra.Tool.Audit;
using Infra.Tool.Plan;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Infra.Tests.Tools;

/// <summary>The audit against a fake tenant answering as Auth0 does, through the real SDK: one test per kind of finding.</summary>
public class AuditTests
{
    private static StackConfig Dev => StackHarness.StackFile();

    /// <summary>The dev stack file without <c>auth0:domain</c>, as pipelines that set the tenant in the environment keep it.</summary>
    private static StackConfig DevWithoutDomain => Dev with { Values = Dev.Values.Where(v => v.Key != "auth0:domain").ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal) };

    private static async Task<AuditResult> AuditAsync(AuditFakeTenant tenant, LastUseWindow? lastUse = null, double maxRps = 1000, StackConfig? config = null)
    {
        tenant.Publish();
        return await TenantAudit.RunAsync(config ?? Dev, AuditFakeTenant.Credentials, tenant.Options(maxRps, lastUse));
    }

    /// <summary>One audited client on a line: status, key, client id and each difference, expected then actual.</summary>
    internal static string Line(AuditedClient c) => $"{c.Status} {c.Key ?? "-"} {c.ClientId ?? "-"} " + string.Join("; ", c.Differences.Select(d => $"{d.Field}: {d.Expected} -> {d.Actual}"));

    [Fact]
    public async Task A_tenant_as_declared_matches_and_exits_0()
    {
        using var tenant = AuditFakeTenant.MatchingDev();

        var result = await AuditAsync(tenant);

        Assert.Equal(["Matching checkout-service cid-checkout ", "Matching nightly-reconciler cid-reconciler ", "Matching partner-globex cid-globex "], result.Clients.Select(Line));
        Assert.All(result.Apis, a => Assert.Equal(AuditStatus.Matching, a.Status));
        Assert.Equal(0, result.ExitCode);
        // The audit client's own grant on the Management API is of no declared API: out of scope, never unmanaged.
        Assert.DoesNotContain(result.Clients, c => c.ClientId == AuditFakeTenant.ClientId);
    }

    [Fact]
    public async Task Each_client_drift_is_named_with_expected_and_actual()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        var checkout = tenant.ClientById("cid-checkout");
        checkout["app_type"] = "regular_web";
        checkout["grant_types"] = new JsonArray("client_credentials", "password");
        checkout["client_metadata"]!["owner"] = "someone-else";
        checkout["client_metadata"]!["disabled"] = "true";
        tenant.ClientById("cid-globex")["client_metadata"]!.AsObject().Remove("expires_at");
        tenant.Grants.Single(g => (string?)g["id"] == "cgr_1")["scope"] = new JsonArray("orders:read", "orders:write", "orders:cancel");
        tenant.Grants.Add(AuditFakeTenant.Grant("cgr_9", "cid-globex", "https://api.acme.example/inventory", "stock:adjust"));
        tenant.Grants.RemoveAll(g => (string?)g["id"] == "cgr_3");

        var result = await AuditAsync(tenant);

        Assert.Equal(
        [
            "Drifted checkout-service cid-checkout app_type: non_interactive -> regular_web; grant_types: client_credentials -> client_credentials password; "
                + "client_metadata.disabled: (none) -> true; client_metadata.owner: team-checkout -> someone-else; grant orders-api scopes: orders:read orders:write -> orders:cancel orders:read orders:write",
            "Drifted nightly-reconciler cid-reconciler grant inventory-api scopes: stock:adjust stock:read -> (none)",
            "Drifted partner-globex cid-globex client_metadata.expires_at: 2026-12-20 -> (none); grant inventory-api scopes: (none) -> stock:adjust",
        ], result.Clients.Select(Line));
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task Api_drift_and_a_missing_api_are_reported()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Apis[0]["token_lifetime"] = 86400;
        tenant.Apis[0]["token_lifetime_for_web"] = 7200;
        tenant.Apis.RemoveAt(1);

        var result = await AuditAsync(tenant);

        Assert.Equal(
            ["Missing inventory-api ", "Drifted orders-api token_lifetime: 3600 -> 86400; token_lifetime_for_web: 3600 -> 7200"],
            result.Apis.Select(a => $"{a.Status} {a.Key} " + string.Join("; ", a.Differences.Select(d => $"{d.Field}: {d.Expected} -> {d.Actual}"))));
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task A_hand_made_client_with_a_grant_on_a_declared_api_is_unmanaged_with_its_scopes()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Clients.Add(AuditFakeTenant.Client("cid-handmade", "Quick test app", new JsonObject()));
        tenant.Grants.Add(AuditFakeTenant.Grant("cgr_h", "cid-handmade", "https://api.acme.example/orders", "orders:cancel", "orders:read"));
        // Claims this stack manages it, but no config entry has its key: removed from config and never deployed.
        tenant.Clients.Add(AuditFakeTenant.Client("cid-old", "Old reporting job", AuditFakeTenant.Metadata("reporting-job", "team-bi", null)));
        tenant.Grants.Add(AuditFakeTenant.Grant("cgr_o", "cid-old", "https://api.acme.example/inventory", "stock:read"));

        var result = await AuditAsync(tenant);

        var unmanaged = result.Clients.Where(c => c.Status == AuditStatus.Unmanaged).ToList();
        Assert.Equal(["Old reporting job cid-old team-bi inventory-api:stock:read", "Quick test app cid-handmade - orders-api:orders:cancel orders:read"],
            unmanaged.Select(c => $"{c.Name} {c.ClientId} {c.Owner ?? "-"} " + string.Join(",", c.Grants.Select(g => $"{g.ApiKey}:{string.Join(' ', g.Scopes)}"))));
        Assert.StartsWith("its client_metadata says managed_by pulumi:infra, environment dev, but no config entry", unmanaged[0].Note, StringComparison.Ordinal);
        Assert.Null(unmanaged[1].Note);
        Assert.Equal(2, result.ExitCode);
        var text = AuditReport.Render(result, OutputFormat.Text);
        Assert.Contains("  UNMANAGED client cid-handmade \"Quick test app\" owner (none)\n      grant orders-api: orders:cancel orders:read\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_declared_client_not_in_the_tenant_is_missing_and_one_renamed_by_hand_is_the_same_client_drifted()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Clients.RemoveAll(c => (string?)c["client_id"] == "cid-globex");
        tenant.Grants.RemoveAll(g => (string?)g["client_id"] == "cid-globex");
        tenant.ClientById("cid-reconciler")["name"] = "Renamed by hand";

        var result = await AuditAsync(tenant);

        // Matched by the key in its client_metadata, not by its display name.
        Assert.Equal(
            ["Missing partner-globex - ", "Drifted nightly-reconciler cid-reconciler name: Nightly stock reconciler -> Renamed by hand", "Matching checkout-service cid-checkout "],
            result.Clients.Select(Line));
        Assert.Contains("  MISSING   client partner-globex owner partnerships@acme.example\n      declared in config, not in the tenant\n", AuditReport.Render(result, OutputFormat.Text), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_renamed_in_config_and_not_yet_deployed_matches_its_client_by_the_previous_key_as_drift_of_the_key()
    {
        using var tenant = AuditFakeTenant.MatchingDev();

        var renamed = Dev with
        {
            Values = Dev.Values.Edit("infra:clients", c =>
            {
                c[1]!["key"] = "stock-reconciler";
                c[1]!["previousKeys"] = new JsonArray("nightly-reconciler");
            }),
        };

        var result = await AuditAsync(tenant, config: renamed);

        Assert.Contains("Drifted stock-reconciler cid-reconciler client_metadata.key: stock-reconciler -> nightly-reconciler", result.Clients.Select(Line));
        Assert.DoesNotContain(result.Clients, c => c.Status is AuditStatus.Missing or AuditStatus.Unmanaged);
    }

    [Fact]
    public async Task Pages_follow_the_checkpoint_cursor_and_unknown_fields_are_ignored()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.PageSize = 1;

        var result = await AuditAsync(tenant);

        Assert.Equal(0, result.ExitCode);
        var paths = tenant.Requests.Select(r => r.RequestMessage.Path).ToList();
        // 4 clients one a page, 2 + 2 grants on the two APIs: every page was read, and only once.
        Assert.Equal(4, paths.Count(p => p == "/api/v2/clients"));
        Assert.Equal(4, paths.Count(p => p == "/api/v2/client-grants"));
        var clientsQuery = tenant.Requests.First(r => r.RequestMessage.Path == "/api/v2/clients").RequestMessage.Query!;
        Assert.Equal(TenantReader.ClientFields, clientsQuery["fields"].Single());
        Assert.DoesNotContain("client_secret", TenantReader.ClientFields, StringComparison.Ordinal);
        Assert.Equal("100", clientsQuery["take"].Single());
    }

    [Fact]
    public async Task A_429_is_waited_out_as_retry_after_says_then_the_audit_completes()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Publish();
        tenant.Server.Given(Request.Create().WithPath("/api/v2/clients").UsingGet()).AtPriority(0).InScenario("rate").WillSetStateTo("done")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1").WithHeader("x-ratelimit-limit", "2").WithHeader("x-ratelimit-remaining", "0")
                .WithHeader("x-ratelimit-reset", DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithBody("""{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"}"""));

        var result = await TenantAudit.RunAsync(Dev, AuditFakeTenant.Credentials, tenant.Options());

        Assert.Equal(0, result.ExitCode);
        var calls = tenant.Requests.Where(r => r.RequestMessage.Path == "/api/v2/clients").OrderBy(r => r.RequestMessage.DateTime).ToList();
        Assert.Equal([429, 200], calls.Select(c => (int)c.ResponseMessage.StatusCode!));
        // Retry-After (1 s) wins over the reset header 30 s away, and over the SDK's own 250-1,000 ms back-off.
        var waited = calls[1].RequestMessage.DateTime - calls[0].RequestMessage.DateTime;
        Assert.InRange(waited.TotalMilliseconds, 950, 5000);
    }

    [Fact]
    public async Task Without_retry_after_the_rate_limit_reset_header_is_honoured()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Publish();
        var reset = DateTimeOffset.UtcNow.AddSeconds(2).ToUnixTimeSeconds();
        tenant.Server.Given(Request.Create().WithPath("/api/v2/resource-servers").UsingGet()).AtPriority(0).InScenario("reset").WillSetStateTo("done")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("x-ratelimit-limit", "2").WithHeader("x-ratelimit-remaining", "0")
                .WithHeader("x-ratelimit-reset", reset.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var result = await TenantAudit.RunAsync(Dev, AuditFakeTenant.Credentials, tenant.Options());

        Assert.Equal(0, result.ExitCode);
        var calls = tenant.Requests.Where(r => r.RequestMessage.Path == "/api/v2/resource-servers").OrderBy(r => r.RequestMessage.DateTime).ToList();
        Assert.Equal(2, calls.Count);
        Assert.True(new DateTimeOffset(calls[1].RequestMessage.DateTime.ToUniversalTime()) >= DateTimeOffset.FromUnixTimeSeconds(reset).AddMilliseconds(-50), "retried before the reset");
    }

    [Fact]
    public async Task Max_rps_spaces_the_requests()
    {
        using var tenant = AuditFakeTenant.MatchingDev();

        // 1 token + 1 APIs + 1 clients + 2 grant pages + 2 log searches for each of 3 clients = 11 requests at 20 a second.
        var result = await AuditAsync(tenant, new LastUseWindow(90, 30), maxRps: 20);

        var times = tenant.Requests.Select(r => r.RequestMessage.DateTime).Order().ToList();
        Assert.Equal(11, times.Count);
        Assert.Equal(11, result.Requests);
        // A bucket of one token: after the first request, one every 50 ms at the earliest (the first wait may be shorter,
        // the replenishment timer does not start with the first request).
        Assert.True((times[^1] - times[0]).TotalMilliseconds >= 9 * 50 * 0.9, $"{(times[^1] - times[0]).TotalMilliseconds} ms");
        // Nor a burst anywhere: four gaps hold at least three replenishments (150 ms), less a late timer tick.
        Assert.True(Enumerable.Range(0, times.Count - 4).All(i => (times[i + 4] - times[i]).TotalMilliseconds >= 100), "5 requests within 100 ms");
    }

    [Fact]
    public async Task Last_use_within_a_short_retention_says_not_seen_rather_than_stale()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        var since = new DateOnly(2026, 10, 29);
        tenant.LastEvent("seccft", "cid-checkout", since, new DateTime(2026, 11, 26, 8, 0, 0, DateTimeKind.Utc));
        tenant.LastEvent("feccft", "cid-checkout", since, new DateTime(2026, 11, 18, 9, 30, 0, DateTimeKind.Utc));
        tenant.LastEvent("seccft", "cid-globex", since, new DateTime(2026, 10, 30, 0, 0, 0, DateTimeKind.Utc));

        var result = await AuditAsync(tenant, new LastUseWindow(StaleAfterDays: 90, LogRetentionDays: 30));

        Assert.Equal(
            ["checkout-service Active 2026-11-26 2026-11-18", "nightly-reconciler NotSeen - -", "partner-globex Active 2026-10-30 -"],
            result.Clients.Select(c => $"{c.Key} {c.LastUse!.Status} {c.LastUse.LastSuccess?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "-"} {c.LastUse.LastFailure?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}"));
        // The window searched is the retention: every log search is bounded to its first day.
        var queries = tenant.Requests.Where(r => r.RequestMessage.Path == "/api/v2/logs").Select(r => r.RequestMessage.Query!["q"].Single()).ToList();
        Assert.Equal(6, queries.Count);
        Assert.All(queries, q => Assert.EndsWith(" AND date:[2026-10-29 TO *]", q, StringComparison.Ordinal));
        Assert.Equal(0, result.ExitCode);
        var text = AuditReport.Render(result, OutputFormat.Text);
        Assert.Contains("The tenant keeps logs for 30 days, fewer than --stale-after 90: \"not seen\" means no successful exchange in the last 30 days, not unused for 90, and no client can be called stale.", text, StringComparison.Ordinal);
        Assert.Contains("client nightly-reconciler cid-reconciler owner team-warehouse  [not seen in the log retention]", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Last_use_within_a_long_retention_flags_stale_clients()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        var since = new DateOnly(2026, 8, 30);
        tenant.LastEvent("seccft", "cid-checkout", since, new DateTime(2026, 11, 27, 8, 0, 0, DateTimeKind.Utc));
        // 61 days before 2026-11-28: one day past --stale-after 60.
        tenant.LastEvent("seccft", "cid-globex", since, new DateTime(2026, 9, 28, 12, 0, 0, DateTimeKind.Utc));

        var result = await AuditAsync(tenant, new LastUseWindow(StaleAfterDays: 60, LogRetentionDays: 90));

        Assert.Equal(["checkout-service Active", "nightly-reconciler Stale", "partner-globex Stale"], result.Clients.Select(c => $"{c.Key} {c.LastUse!.Status}"));
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(UseStatus.Active, TenantAudit.Classify(new DateTime(2026, 9, 29, 0, 0, 0, DateTimeKind.Utc), null, false, new LastUseWindow(60, 90), AuditFakeTenant.StackToday).Status);
        Assert.Equal(UseStatus.Disabled, TenantAudit.Classify(null, null, true, new LastUseWindow(60, 90), AuditFakeTenant.StackToday).Status);
    }

    [Fact]
    public async Task Json_and_markdown_carry_the_findings()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.ClientById("cid-globex")["client_metadata"]!["owner"] = "someone";

        var result = await AuditAsync(tenant);

        var json = JsonDocument.Parse(AuditReport.Render(result, OutputFormat.Json)).RootElement;
        Assert.True(json.GetProperty("findings").GetBoolean());
        Assert.Equal(5, json.GetProperty("requests").GetInt32());
        Assert.Equal(
            """{"status":"drifted","key":"partner-globex","clientId":"cid-globex","name":"Globex (partner integration)","owner":"someone","grants":[{"api":"orders-api","audience":"https://api.acme.example/orders","scopes":["orders:read"]}],"differences":[{"field":"client_metadata.owner","expected":"partnerships@acme.example","actual":"someone","fix":null}],"note":null,"lastUse":null}""",
            JsonSerializer.Serialize(json.GetProperty("clients")[0]));
        var markdown = AuditReport.Render(result, OutputFormat.Markdown);
        Assert.StartsWith("### Tenant audit: `dev` (acme-dev.eu.auth0.com) on 2026-11-28\n\nAPIs: 2 declared, 0 missing, 0 drifted. Clients: 3 declared (2 matching, 1 drifted, 0 missing), 0 unmanaged with grants on declared APIs. 5 requests.\n", markdown, StringComparison.Ordinal);
        Assert.Contains("| DRIFTED | `partner-globex` | cid-globex | someone | `orders-api`: orders:read | client_metadata.owner: expected partnerships@acme.example, actual someone |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_reports_an_invalid_config_with_its_path_and_exits_1_without_credentials()
    {
        using var folder = new TemporaryProject();
        folder.Write("Pulumi.dev.yaml", StackHarness.StackFileText().Replace("scopes: [stock:read, stock:adjust]", "scopes: [stock:read, stock:destroy]", StringComparison.Ordinal));

        var run = await ToolInProcess.RunAsync(new Dictionary<string, string?> { [AuditCredentials.ClientIdVariable] = null, [AuditCredentials.ClientSecretVariable] = null }, "audit", "dev", "--project", folder.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Tenant audit of stack dev: the config is invalid; the tenant was not read:\n  - infra:clients[1].grants[0].scopes[1]: scope 'stock:destroy' is not declared on API 'inventory-api'", run.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_exits_0_on_a_clean_tenant_2_on_findings_and_never_prints_the_secret()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Publish();
        var environment = new Dictionary<string, string?> { [AuditCredentials.ClientIdVariable] = AuditFakeTenant.ClientId, [AuditCredentials.ClientSecretVariable] = AuditFakeTenant.Secret };
        string[] args = ["audit", "dev", "--tenant-url", tenant.Url.ToString(), "--max-rps", "100", "--today", "2026-11-28"];

        var clean = await ToolInProcess.RunAsync(environment, args);
        tenant.ClientById("cid-checkout")["app_type"] = "spa";
        tenant.Publish();
        var drifted = await ToolInProcess.RunAsync(environment, [.. args, "--format", "json"]);

        Assert.Equal(0, clean.ExitCode);
        Assert.StartsWith("Tenant audit of stack dev (acme-dev.eu.auth0.com) on 2026-11-28:\n", clean.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(2, drifted.ExitCode);
        Assert.Equal("drifted", JsonDocument.Parse(drifted.Output).RootElement.GetProperty("clients")[0].GetProperty("status").GetString());
        // The secret was sent where it belongs, and nowhere else.
        var token = Assert.Single(tenant.Requests, r => r.RequestMessage.Path == "/oauth/token");
        Assert.Contains(AuditFakeTenant.Secret, token.RequestMessage.Body, StringComparison.Ordinal);
        Assert.Contains("\"audience\":\"https://acme-dev.eu.auth0.com/api/v2/\"", token.RequestMessage.Body, StringComparison.Ordinal);
        Assert.All(tenant.Requests.Where(r => r.RequestMessage.Path.StartsWith("/api/v2/", StringComparison.Ordinal)), r => Assert.Equal($"Bearer {AuditFakeTenant.Token}", r.RequestMessage.Headers!["Authorization"].Single()));
        Assert.All(new[] { clean.Output, clean.Error, drifted.Output, drifted.Error }, o => Assert.DoesNotContain(AuditFakeTenant.Secret, o, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_token_fails_with_exit_1_and_a_message_without_the_secret()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Publish();
        tenant.Server.Given(Request.Create().WithPath("/oauth/token").UsingPost()).AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(401).WithBody("""{"error":"access_denied","error_description":"Unauthorized"}"""));
        var environment = new Dictionary<string, string?> { [AuditCredentials.ClientIdVariable] = AuditFakeTenant.ClientId, [AuditCredentials.ClientSecretVariable] = AuditFakeTenant.Secret };

        var run = await ToolInProcess.RunAsync(environment, "audit", "dev", "--tenant-url", tenant.Url.ToString(), "--max-rps", "100");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("The tenant refused the audit client's token request (401): {\"error\":\"access_denied\",\"error_description\":\"Unauthorized\"}", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(AuditFakeTenant.Secret, run.Output + run.Error, StringComparison.Ordinal);
        Assert.Equal("audit-client-id [secret]", AuditFakeTenant.Credentials.ToString());
    }

    [Fact]
    public async Task Every_request_the_audit_sends_is_in_the_scope_table_and_none_needs_client_keys()
    {
        // A key client, so that its credentials are read too.
        using var tenant = AuditKeysTests.MatchingKeyDev();

        var result = await AuditAsync(tenant, new LastUseWindow(90, 30), config: AuditKeysTests.KeyDev());

        Assert.Equal(0, result.ExitCode);
        var requests = tenant.Requests.Where(r => r.RequestMessage.Path.StartsWith("/api/v2/", StringComparison.Ordinal))
            .Select(r => $"{r.RequestMessage.Method} {System.Text.RegularExpressions.Regex.Replace(r.RequestMessage.Path, "^/api/v2/clients/[^/]+/credentials$", "/api/v2/clients/{id}/credentials")}")
            .Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(AuditPermissions.ScopesByRequest.Keys.Order(StringComparer.Ordinal), requests);
        Assert.Equal(["read:client_credentials", "read:client_grants", "read:clients", "read:logs", "read:resource_servers"], AuditPermissions.AuditIdentityScopes);
        Assert.Equal(["read:client_credentials", "read:client_grants", "read:clients", "read:resource_servers"], AuditPermissions.Required(lastUse: false, keyClients: true));
        Assert.Equal(["read:client_grants", "read:clients", "read:logs", "read:resource_servers"], AuditPermissions.Required(lastUse: true, keyClients: false));
        Assert.Equal(["read:client_credentials", "read:clients"], AuditPermissions.KeyReadScopes);
    }

    [Fact]
    public async Task The_expected_metadata_is_what_the_component_registers()
    {
        // The audit derives client_metadata from the config model; M2MClient builds it inside the component. Same values.
        var run = await StackHarness.RunAsync(StackHarness.StackConfig());
        var access = Infra.Config.AccessConfigParser.Parse(Infra.Config.RawStackConfig.FromMap(StackHarness.Project, "dev", StackHarness.StackConfig()));

        Assert.All(access.Clients, client => Assert.Equal(
            run.Single(ResourceTypes.Client, client.Key).Map("clientMetadata").OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, (string)kv.Value)),
            AuditComparison.ExpectedMetadata(client, StackHarness.Project, "dev").Select(kv => (kv.Key, kv.Value))));
    }

    [Fact]
    public async Task Every_api_drift_is_named_and_apis_of_one_status_are_in_key_order()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Apis[0]["signing_alg"] = "HS256";
        tenant.Apis[0]["scopes"] = new JsonArray();
        // Without these fields at all the API still reads: no scopes, no grant types, no scope on a grant.
        tenant.Apis[1].Remove("scopes");
        tenant.ClientById("cid-reconciler").Remove("grant_types");
        tenant.Grants.Single(g => (string?)g["id"] == "cgr_4").Remove("scope");

        var result = await AuditAsync(tenant);

        Assert.Equal(
            [
                "inventory-api Drifted scopes: stock:adjust stock:read -> (empty)",
                "orders-api Drifted signing_alg: RS256 -> HS256; scopes: orders:cancel orders:read orders:write -> (empty)",
            ],
            result.Apis.Select(a => $"{a.Key} {a.Status} " + string.Join("; ", a.Differences.Select(d => $"{d.Field}: {d.Expected} -> {d.Actual}"))));
        Assert.Contains("Drifted nightly-reconciler cid-reconciler grant_types: client_credentials -> (empty)", result.Clients.Select(Line));
        Assert.Contains("Drifted partner-globex cid-globex grant orders-api scopes: orders:read -> (empty)", result.Clients.Select(Line));

        using var matching = AuditFakeTenant.MatchingDev();
        Assert.Equal(["inventory-api", "orders-api"], (await AuditAsync(matching)).Apis.Select(a => a.Key));
    }

    [Fact]
    public async Task Only_this_projects_and_stacks_clients_match_by_key_and_of_two_claiming_one_key_the_first_by_client_id_does()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        // Each claims checkout-service's key and sorts before cid-checkout, but is another stack's, another project's,
        // or a copy that sorts after it.
        tenant.Clients.Add(AuditFakeTenant.Client("cid-a-prod", "Checkout (prod)", AuditFakeTenant.Metadata("checkout-service", "team-checkout", "2027-02-15", stack: "prod")));
        var otherProject = AuditFakeTenant.Metadata("checkout-service", "team-checkout", "2027-02-15");
        otherProject["managed_by"] = "pulumi:another";
        tenant.Clients.Add(AuditFakeTenant.Client("cid-a-other", "Checkout (other project)", otherProject));
        tenant.Clients.Add(AuditFakeTenant.Client("cid-z-copy", "Checkout copy", AuditFakeTenant.Metadata("checkout-service", "team-checkout", "2027-02-15")));
        tenant.Grants.Add(AuditFakeTenant.Grant("cgr_p", "cid-a-prod", "https://api.acme.example/orders", "orders:read"));
        tenant.Grants.Add(AuditFakeTenant.Grant("cgr_z", "cid-z-copy", "https://api.acme.example/orders", "orders:read"));
        tenant.Grants.Add(AuditFakeTenant.Grant("cgr_y", "cid-z-copy", "https://api.acme.example/inventory", "stock:read"));
        // A grant whose client the list no longer returns (deleted between the reads).
        tenant.Grants.Add(AuditFakeTenant.Grant("cgr_g", "cid-gone", "https://api.acme.example/orders", "orders:read"));

        var result = await AuditAsync(tenant);

        Assert.Equal(
            [
                "Unmanaged - cid-gone '' (none) orders-api:orders:read | the client list did not return it",
                "Unmanaged - cid-a-prod 'Checkout (prod)' team-checkout orders-api:orders:read | ",
                "Unmanaged - cid-z-copy 'Checkout copy' team-checkout inventory-api:stock:read, orders-api:orders:read | its client_metadata says managed_by pulumi:infra, environment dev, but no config entry has its key (or a previous key) or import id: removed from config and not yet deployed, or edited by hand",
                "Matching checkout-service cid-checkout",
                "Matching nightly-reconciler cid-reconciler",
                "Matching partner-globex cid-globex",
            ],
            result.Clients.Select(c => c.Status == AuditStatus.Unmanaged
                ? $"{c.Status} - {c.ClientId} '{c.Name}' {c.Owner ?? "(none)"} {string.Join(", ", c.Grants.Select(g => $"{g.ApiKey}:{string.Join(' ', g.Scopes)}"))} | {c.Note}"
                : $"{c.Status} {c.Key} {c.ClientId}"));
    }

    [Fact]
    public async Task Unmanaged_clients_of_one_name_are_ordered_by_client_id()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        foreach (var id in new[] { "cid-b", "cid-a", "cid-c" })
        {
            tenant.Clients.Add(AuditFakeTenant.Client(id, "Quick test app", new JsonObject()));
            tenant.Grants.Add(AuditFakeTenant.Grant($"cgr_{id}", id, "https://api.acme.example/orders", "orders:read"));
        }

        var result = await AuditAsync(tenant);

        Assert.Equal(["cid-a", "cid-b", "cid-c"], result.Clients.Where(c => c.Status == AuditStatus.Unmanaged).Select(c => c.ClientId));
    }

    [Fact]
    public async Task An_adopted_client_matches_by_its_import_id_whatever_its_metadata_says()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        // Adopted from a hand-made client: no metadata of ours yet, and another client claims its key.
        const string adoptedId = "Xq7PzR2mK9vT4wY8nB3cL6dF1gH5jS0a";
        tenant.ClientById("cid-globex")["client_metadata"] = new JsonObject();
        tenant.ClientById("cid-globex")["client_id"] = adoptedId;
        tenant.Grants.Single(g => (string?)g["id"] == "cgr_4")["client_id"] = adoptedId;
        tenant.Clients.Add(AuditFakeTenant.Client("cid-a-claims-globex", "Claims globex", AuditFakeTenant.Metadata("partner-globex", "x", "2026-12-20")));
        var adopted = Dev with { Values = Dev.Values.Edit("infra:clients", c => c[2]!["import"] = adoptedId) };

        var result = await AuditAsync(tenant, config: adopted);

        Assert.Equal(
            "Drifted partner-globex Xq7PzR2mK9vT4wY8nB3cL6dF1gH5jS0a client_metadata.environment: dev -> (none); client_metadata.expires_at: 2026-12-20 -> (none); client_metadata.key: partner-globex -> (none); "
                + "client_metadata.managed_by: pulumi:infra -> (none); client_metadata.owner: partnerships@acme.example -> (none)",
            Line(Assert.Single(result.Clients, c => c.Key == "partner-globex")));
        // The client claiming its key is not this stack's client: it holds no grant, so it is out of scope.
        Assert.DoesNotContain(result.Clients, c => c.ClientId == "cid-a-claims-globex");
    }

    [Fact]
    public async Task Metadata_the_tenant_has_and_config_does_not_is_drift_and_a_disabled_client_expects_disabled_true()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        var edited = Dev with
        {
            Values = Dev.Values.Edit("infra:clients", c =>
            {
                c[0]!.AsObject().Remove("expires");
                c[1]!["disabled"] = true;
            }),
        };

        var result = await AuditAsync(tenant, config: edited);

        Assert.Equal(
            [
                "Drifted checkout-service cid-checkout client_metadata.expires_at: (none) -> 2027-02-15",
                "Drifted nightly-reconciler cid-reconciler client_metadata.disabled: true -> (none)",
                "Matching partner-globex cid-globex ",
            ],
            result.Clients.Select(Line));
    }

    [Fact]
    public async Task Last_use_reads_the_newest_event_of_each_type_client_by_client_in_id_order_and_a_disabled_client_is_disabled()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.ClientById("cid-reconciler")["client_metadata"]!["disabled"] = "true";
        var since = new DateOnly(2026, 8, 30);
        var query = TenantReader.LogQuery("seccft", "cid-checkout", since);
        tenant.Logs[query] = [AuditFakeTenant.LogEvent("seccft", "cid-checkout", new DateTime(2026, 9, 1, 0, 0, 0, DateTimeKind.Utc)), AuditFakeTenant.LogEvent("seccft", "cid-checkout", new DateTime(2026, 11, 27, 8, 0, 0, DateTimeKind.Utc)), AuditFakeTenant.LogEvent("seccft", "cid-checkout", new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc))];
        tenant.LastEvent("seccft", "cid-reconciler", since, new DateTime(2026, 11, 27, 8, 0, 0, DateTimeKind.Utc));
        var disabled = Dev with { Values = Dev.Values.Edit("infra:clients", c => c[1]!["disabled"] = true) };
        var progress = new List<RunProgress>();

        tenant.Publish();
        var result = await TenantAudit.RunAsync(disabled, AuditFakeTenant.Credentials, tenant.Options(lastUse: new LastUseWindow(60, 90)), new Recorder(progress));

        Assert.Equal(
            ["checkout-service Active 2026-11-27", "nightly-reconciler Disabled 2026-11-27", "partner-globex Stale -"],
            result.Clients.Select(c => $"{c.Key} {c.LastUse!.Status} {c.LastUse.LastSuccess?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}"));
        var logs = tenant.Requests.Where(r => r.RequestMessage.Path == "/api/v2/logs").OrderBy(r => r.RequestMessage.DateTime).Select(r => r.RequestMessage.Query!).ToList();
        Assert.Equal(
            ["seccft cid-checkout", "feccft cid-checkout", "seccft cid-globex", "feccft cid-globex", "seccft cid-reconciler", "feccft cid-reconciler"],
            logs.Select(q => q["q"].Single()).Select(q => $"{q[5..11]} {q.Split('"')[1]}"));
        Assert.All(logs, q => Assert.Equal(
            ["date:-1", "date,type,client_id", "true", "1", "0", "false"],
            [q["sort"].Single(), q["fields"].Single(), q["include_fields"].Single(), q["per_page"].Single(), q["page"].Single(), q["include_totals"].Single()]));
        Assert.Equal(
            [
                new RunProgress(0, null, "APIs"), new RunProgress(4, null, "clients: 4 read"), new RunProgress(2, null, "grants: 2 read"), new RunProgress(4, null, "grants: 4 read"),
                new RunProgress(0, 3, "last use: 0 of 3 clients"), new RunProgress(1, 3, "last use: 1 of 3 clients"), new RunProgress(2, 3, "last use: 2 of 3 clients"),
            ],
            progress);
    }

    [Fact]
    public async Task The_list_requests_ask_for_the_declared_apis_the_compared_fields_and_the_largest_pages()
    {
        using var tenant = AuditFakeTenant.MatchingDev();

        await AuditAsync(tenant);

        var apis = tenant.Requests.Single(r => r.RequestMessage.Path == "/api/v2/resource-servers").RequestMessage.Query!;
        Assert.Equal(["https://api.acme.example/inventory", "https://api.acme.example/orders"], apis["identifiers"].Order(StringComparer.Ordinal));
        Assert.Equal(["0", "10", "false"], [apis["page"].Single(), apis["per_page"].Single(), apis["include_totals"].Single()]);
        var clients = tenant.Requests.Single(r => r.RequestMessage.Path == "/api/v2/clients").RequestMessage.Query!;
        Assert.Equal(["client_id,name,app_type,grant_types,client_metadata,token_endpoint_auth_method,client_authentication_methods", "true", "100"], [clients["fields"].Single(), clients["include_fields"].Single(), clients["take"].Single()]);
        Assert.All(
            tenant.Requests.Where(r => r.RequestMessage.Path == "/api/v2/client-grants").Select(r => r.RequestMessage.Query!),
            q => Assert.Equal(["100", "absent"], [q["take"].Single(), q.ContainsKey("from") ? "present" : "absent"]));
    }

    [Theory]
    [InlineData(2, new[] { 2 })]
    [InlineData(10, new[] { 10 })]
    [InlineData(11, new[] { 10, 1 })]
    [InlineData(25, new[] { 10, 10, 5 })]
    public async Task Declared_apis_are_asked_for_ten_identifiers_a_request_as_auth0_takes_no_more(int declared, int[] perRequest)
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        var dev = AccessConfigParser.Parse(RawStackConfig.FromMap(StackHarness.Project, "dev", StackHarness.StackConfig()));
        var more = Enumerable.Range(0, declared - dev.Apis.Count)
            .Select(i => new ApiDefinition($"bulk-{i:00}", $"Bulk {i:00}", $"https://api.acme.example/bulk/{i:00}", [new ApiScope("bulk:read", "Read")], 3600, "RS256"))
            .ToList();
        tenant.Apis.AddRange(more.Select(a => AuditFakeTenant.Api(a.Identifier, a.Name, 3600, "bulk:read")));
        tenant.Apis.Add(AuditFakeTenant.Api("https://api.acme.example/undeclared", "Undeclared", 3600, "x:read"));
        tenant.Publish();
        var access = dev with { Apis = [.. dev.Apis, .. more] };

        var result = await TenantAudit.RunAsync(access, StackHarness.Project, "dev", AuditFakeTenant.Credentials, tenant.Options());

        var requests = tenant.Requests.Where(r => r.RequestMessage.Path == "/api/v2/resource-servers").Select(r => r.RequestMessage.Query!).ToList();
        Assert.Equal(perRequest, requests.Select(q => q["identifiers"].Count));
        Assert.Equal(access.Apis.Select(a => a.Identifier), requests.SelectMany(q => q["identifiers"]));
        Assert.All(requests, q => Assert.Equal(["0", "10", "false"], [q["page"].Single(), q["per_page"].Single(), q["include_totals"].Single()]));
        Assert.Equal(access.Apis.Select(a => (a.Key, AuditStatus.Matching)).Order(), result.Apis.Select(a => (a.Key, a.Status)).Order());
    }

    [Fact]
    public async Task The_stack_files_domain_may_come_from_the_options_and_a_tenant_url_without_a_slash_still_works()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Publish();
        var options = tenant.Options() with { Tenant = new Uri(tenant.Url.AbsoluteUri.TrimEnd('/')), Domain = "acme-other.eu.auth0.com" };

        var result = await TenantAudit.RunAsync(DevWithoutDomain, AuditFakeTenant.Credentials, options);

        Assert.Equal(("acme-other.eu.auth0.com", 0), (result.Domain, result.ExitCode));
        Assert.Contains("\"audience\":\"https://acme-other.eu.auth0.com/api/v2/\"", tenant.Requests.Single(r => r.RequestMessage.Path == "/oauth/token").RequestMessage.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_url_with_a_path_keeps_it_for_every_request()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Publish();
        var options = tenant.Options() with { Tenant = new Uri(tenant.Url, "behind-a-proxy") };

        // The fake answers at its root only: what matters is where the audit asked.
        await Assert.ThrowsAsync<AuditConnectionException>(() => TenantAudit.RunAsync(Dev, AuditFakeTenant.Credentials, options));

        Assert.Equal("/behind-a-proxy/oauth/token", Assert.Single(tenant.Requests).RequestMessage.Path);
    }

    [Fact]
    public async Task Without_a_tenant_url_the_audit_asks_the_domain_over_https()
    {
        var access = AccessConfigParser.Parse(RawStackConfig.FromMap(StackHarness.Project, "dev", StackHarness.StackConfig()));
        var options = new AuditOptions(AuditFakeTenant.StackToday, Tenant: null, Domain: "127.0.0.1:9");

        // Nothing listens on the discard port: refused at once, and the message names where the audit went.
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => TenantAudit.RunAsync(access, StackHarness.Project, "dev", AuditFakeTenant.Credentials, options));

        Assert.StartsWith("Connection refused (127.0.0.1:9)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_smallest_retry_settings_still_audit_and_the_sdk_itself_never_retries_a_429()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Publish();
        var small = tenant.Options() with { MaxRetries = 0, MaxRetryWait = TimeSpan.Zero };

        var clean = await TenantAudit.RunAsync(Dev, AuditFakeTenant.Credentials, small);
        tenant.Server.Given(Request.Create().WithPath("/api/v2/clients").UsingGet()).AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(429).WithBody("""{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"}"""));
        tenant.Server.ResetLogEntries();
        var limited = await Assert.ThrowsAsync<Auth0.Core.Exceptions.RateLimitApiException>(() => TenantAudit.RunAsync(Dev, AuditFakeTenant.Credentials, small));

        Assert.Equal(0, clean.ExitCode);
        Assert.Equal("too_many_requests", limited.ApiError?.ErrorCode);
        Assert.Single(tenant.Requests, r => r.RequestMessage.Path == "/api/v2/clients");
    }

    [Fact]
    public async Task The_domain_option_wins_over_the_stack_file_and_the_environment_only_fills_a_stack_file_without_one()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Publish();

        var chosen = await TenantAudit.RunAsync(Dev, AuditFakeTenant.Credentials, tenant.Options() with { Domain = "acme-chosen.eu.auth0.com" });
        AuditResult overEnvironment, fromEnvironment, invalid;

        // The option is the domain the stack file lacks, whatever the environment says.
        using (new EnvironmentScope("AUTH0_DOMAIN", "https://not-a-host-name/"))
        {
            overEnvironment = await TenantAudit.RunAsync(DevWithoutDomain, AuditFakeTenant.Credentials, tenant.Options() with { Domain = "acme-chosen.eu.auth0.com" });
        }

        using (new EnvironmentScope("AUTH0_DOMAIN", "acme-env.eu.auth0.com"))
        {
            fromEnvironment = await TenantAudit.RunAsync(DevWithoutDomain, AuditFakeTenant.Credentials, tenant.Options() with { Domain = null });
        }

        using (new EnvironmentScope("AUTH0_DOMAIN", null))
        {
            invalid = await TenantAudit.RunAsync(DevWithoutDomain, AuditFakeTenant.Credentials, tenant.Options() with { Domain = null });
        }

        Assert.Equal("acme-chosen.eu.auth0.com", chosen.Domain);
        Assert.Equal(("acme-chosen.eu.auth0.com", 0), (overEnvironment.Domain, overEnvironment.Problems.Count));
        Assert.Equal("acme-env.eu.auth0.com", fromEnvironment.Domain);
        Assert.Equal(["auth0:domain"], invalid.Problems.Select(p => p.Path));
    }

    [Fact]
    public async Task An_adopted_client_whose_import_id_the_tenant_lacks_is_still_found_by_the_key_in_its_metadata()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        var adopted = Dev with { Values = Dev.Values.Edit("infra:clients", c => c[2]!["import"] = "Xq7PzR2mK9vT4wY8nB3cL6dF1gH5jS0a") };

        var result = await AuditAsync(tenant, config: adopted);

        Assert.Equal("Matching partner-globex cid-globex ", Line(Assert.Single(result.Clients, c => c.Key == "partner-globex")));
    }

    [Fact]
    public async Task A_grants_page_without_its_list_and_a_client_without_a_name_still_read()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Clients.Add(new JsonObject { ["client_id"] = "cid-nameless", ["app_type"] = "non_interactive" });
        tenant.Grants.Add(AuditFakeTenant.Grant("cgr_n", "cid-nameless", "https://api.acme.example/orders", "orders:read"));
        tenant.Publish();
        tenant.Server.Given(Request.Create().WithPath("/api/v2/client-grants").UsingGet().WithParam("audience", "https://api.acme.example/inventory")).AtPriority(0)
            .RespondWith(AuditFakeTenant.Json(new JsonObject()));

        var result = await TenantAudit.RunAsync(Dev, AuditFakeTenant.Credentials, tenant.Options());

        var nameless = Assert.Single(result.Clients, c => c.Status == AuditStatus.Unmanaged);
        Assert.Equal(("cid-nameless", ""), (nameless.ClientId, nameless.Name));
        Assert.Contains("Drifted nightly-reconciler cid-reconciler grant inventory-api scopes: stock:adjust stock:read -> (none)", result.Clients.Select(Line));
    }

    private sealed class Recorder(List<RunProgress> steps) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => steps.Add(value);
    }
}
