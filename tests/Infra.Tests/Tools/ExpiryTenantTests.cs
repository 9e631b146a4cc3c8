using System.Text.Json;
using Infra.Tests.Support;
using Infra.Tool;
using Infra.Tool.Audit;
using Infra.Tool.Expiry;
using Infra.Tool.Plan;

namespace Infra.Tests.Tools;

/// <summary>
/// The expiry report with <c>--from-tenant</c>: each key client by the <c>expires_at</c> Auth0 holds on the keys it
/// accepts, read through the real SDK from the fake tenant.
/// </summary>
public class ExpiryTenantTests
{
    private static readonly DateOnly Today = AuditFakeTenant.StackToday;

    private static async Task<ExpiryResult> ReportAsync(AuditFakeTenant tenant, StackConfig config, AuditCredentials? credentials = null)
    {
        tenant.Publish();
        return await ExpiryReport.ComputeAsync(config, Today, 30, null, access => TenantAudit.ReadKeysAsync(access, config.Project, config.Stack, credentials ?? AuditFakeTenant.Credentials, tenant.Options()));
    }

    private static CredentialExpiry Reconciler(ExpiryResult report) => Assert.Single(report.Credentials, c => c.Client == "nightly-reconciler");

    [Fact]
    public async Task A_key_client_is_reported_with_the_date_auth0_holds_reading_only_the_clients_and_its_credentials()
    {
        using var tenant = AuditKeysTests.MatchingKeyDev();

        var report = await ReportAsync(tenant, AuditKeysTests.KeyDev());

        var reconciler = Reconciler(report);
        Assert.Equal(new KeyExpiryInAuth0(true, 2, AuditKeysTests.ReconcilerExpiresAt, AuditKeysTests.ReconcilerExpiresAt), reconciler.InAuth0);
        Assert.True(reconciler.InAuth0!.MatchesConfig);
        Assert.Equal((new DateOnly(2027, 5, 31), 184, ExpiryStatus.Valid), (reconciler.Expires!.Value, reconciler.DaysLeft!.Value, reconciler.Status));
        Assert.All(report.Credentials.Where(c => c.Client != "nightly-reconciler"), c => Assert.Null(c.InAuth0));
        // 1 token + 1 client page + 1 credentials list: no APIs, no grants.
        Assert.Equal(["/api/v2/clients", "/api/v2/clients/cid-reconciler/credentials", "/oauth/token"], tenant.Requests.Select(r => r.RequestMessage.Path).Order(StringComparer.Ordinal));
        Assert.Equal(3, report.TenantRequests);
        var text = ExpiryReport.Render(report, OutputFormat.Text).ReplaceLineEndings("\n");
        Assert.Contains("  Key clients' dates as Auth0 holds them (3 requests).\n", text, StringComparison.Ordinal);
        Assert.Contains("team-warehouse  (keys: Auth0 holds expires_at 2027-05-31T00:00:00.000Z on 2 keys)\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_date_auth0_holds_other_than_the_configs_sets_the_status_and_names_both_in_every_format()
    {
        using var tenant = AuditKeysTests.MatchingKeyDev();
        // Both keys moved to 2026-12-10 by hand: Auth0 refuses them from then on, whatever the config says.
        tenant.ClientCredentials["cid-reconciler"].ForEach(c => c["expires_at"] = "2026-12-10T00:00:00.000Z");

        var report = await ReportAsync(tenant, AuditKeysTests.KeyDev());

        var reconciler = Reconciler(report);
        Assert.Equal((new DateOnly(2026, 12, 10), 12, ExpiryStatus.Expiring, false), (reconciler.Expires!.Value, reconciler.DaysLeft!.Value, reconciler.Status, reconciler.InAuth0!.MatchesConfig));
        Assert.Equal(2, report.ExitCode);
        const string Note = "keys: Auth0 holds expires_at 2026-12-10T00:00:00.000Z on 2 keys, the config 2027-05-31T00:00:00.000Z: run pulumi up";
        Assert.Contains($"team-warehouse  ({Note})", ExpiryReport.Render(report, OutputFormat.Text), StringComparison.Ordinal);
        Assert.Contains($"| expiring | `nightly-reconciler` | team-warehouse | 2026-12-10 | 12 | Auth0 (keys)<br>{Note} |", ExpiryReport.Render(report, OutputFormat.Markdown), StringComparison.Ordinal);
        var json = JsonDocument.Parse(ExpiryReport.Render(report, OutputFormat.Json)).RootElement;
        var entry = json.GetProperty("credentials").EnumerateArray().Single(c => c.GetProperty("client").GetString() == "nightly-reconciler");
        Assert.Equal(
            """{"found":true,"keys":2,"expiresAt":"2026-12-10T00:00:00.000Z","declared":"2027-05-31T00:00:00.000Z","matchesConfig":false}""",
            entry.GetProperty("auth0").GetRawText().Replace(" ", "", StringComparison.Ordinal).ReplaceLineEndings(""));
        Assert.Equal(3, json.GetProperty("tenantRequests").GetInt32());
    }

    [Fact]
    public async Task Only_the_keys_the_method_lists_count_the_earliest_of_them_and_never_later_than_the_configs_date()
    {
        using var tenant = AuditKeysTests.MatchingKeyDev();
        // Not attached: Auth0 accepts no assertion signed with it, so its earlier date does not count.
        tenant.ClientCredentials["cid-reconciler"].Add(AuditFakeTenant.Credential("cred_old", "nightly-reconciler-r-1", "2026-12-01T00:00:00.000Z"));
        var unattached = Reconciler(await ReportAsync(tenant, AuditKeysTests.KeyDev()));
        // r1 (the newest, which consumers sign with) expires first: the client's date is its.
        tenant.ClientCredentials["cid-reconciler"][0]["expires_at"] = "2026-12-20T00:00:00.000Z";
        var earliest = Reconciler(await ReportAsync(tenant, AuditKeysTests.KeyDev()));
        // Keys that never expire in Auth0 (or expire later) still stop at the config's date: the Action refuses the client.
        tenant.ClientCredentials["cid-reconciler"].ForEach(c => c.Remove("expires_at"));
        var report = await ReportAsync(tenant, AuditKeysTests.KeyDev());

        Assert.Equal((ExpiryStatus.Valid, 2, AuditKeysTests.ReconcilerExpiresAt), (unattached.Status, unattached.InAuth0!.Keys, unattached.InAuth0.ExpiresAt));
        Assert.Equal((ExpiryStatus.Expiring, new DateOnly(2026, 12, 20), "2026-12-20T00:00:00.000Z"), (earliest.Status, earliest.Expires!.Value, earliest.InAuth0!.ExpiresAt));
        var reconciler = Reconciler(report);
        Assert.Equal((ExpiryStatus.Valid, new DateOnly(2027, 5, 31), (string?)null), (reconciler.Status, reconciler.Expires!.Value, reconciler.InAuth0!.ExpiresAt));
        Assert.Contains("(keys: Auth0 holds expires_at none on 2 keys, the config 2027-05-31T00:00:00.000Z: run pulumi up)", ExpiryReport.Render(report, OutputFormat.Text), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_client_missing_in_auth0_or_without_keys_on_its_method_keeps_the_configs_date_and_says_so()
    {
        using var tenant = AuditKeysTests.MatchingKeyDev();
        AuditFakeTenant.UseKeys(tenant.ClientById("cid-reconciler"));
        var none = Reconciler(await ReportAsync(tenant, AuditKeysTests.KeyDev()));
        tenant.Clients.Remove(tenant.ClientById("cid-reconciler"));

        var missing = Reconciler(await ReportAsync(tenant, AuditKeysTests.KeyDev()));

        Assert.Equal((new KeyExpiryInAuth0(true, 0, null, AuditKeysTests.ReconcilerExpiresAt), new DateOnly(2027, 5, 31), ExpiryStatus.Valid), (none.InAuth0, none.Expires!.Value, none.Status));
        Assert.Equal((new KeyExpiryInAuth0(false, 0, null, AuditKeysTests.ReconcilerExpiresAt), new DateOnly(2027, 5, 31)), (missing.InAuth0, missing.Expires!.Value));
        var report = new ExpiryResult("dev", Today, 30, [], [none, missing]);
        var text = ExpiryReport.Render(report, OutputFormat.Text);
        Assert.Contains("(keys: Auth0 accepts none of its keys (its private_key_jwt method lists none): run pulumi up)", text, StringComparison.Ordinal);
        Assert.Contains("(keys: the client is not in Auth0: deploy it, or check the domain)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_key_client_keeps_its_own_date_beside_the_disabled_key_auth0_holds()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        AuditFakeTenant.UseKeys(tenant.ClientById("cid-reconciler"), "cred_d");
        tenant.ClientCredentials["cid-reconciler"] = [AuditFakeTenant.Credential("cred_d", "nightly-reconciler-disabled", null)];

        var reconciler = Reconciler(await ReportAsync(tenant, AuditKeysTests.KeyDev(c => c["disabled"] = true)));

        // The disabled key is declared without expiry, as Auth0 holds it; the client's own date is still the report's.
        Assert.Equal((new KeyExpiryInAuth0(true, 1, null, null), true), (reconciler.InAuth0, reconciler.InAuth0!.MatchesConfig));
        Assert.Equal((new DateOnly(2027, 5, 31), ExpiryStatus.Valid, true), (reconciler.Expires!.Value, reconciler.Status, reconciler.Disabled));
    }

    [Fact]
    public async Task Without_key_clients_nothing_is_read_and_no_credentials_are_needed()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Publish();

        var report = await ExpiryReport.ComputeAsync(StackHarness.StackFile(), Today, 30, null, access => TenantAudit.ReadKeysAsync(access, "infra", "dev", null, tenant.Options()));

        Assert.Empty(tenant.Requests);
        Assert.Equal(0, report.TenantRequests);
        Assert.All(report.Credentials, c => Assert.Null(c.InAuth0));
        Assert.Equal(ExpiryReport.Compute(StackHarness.StackFile(), Today, 30).Credentials, report.Credentials);
    }

    [Fact]
    public async Task The_command_reads_the_tenant_with_the_audit_clients_credentials_and_stops_on_a_missing_scope_or_credential()
    {
        using var tenant = AuditKeysTests.MatchingKeyDev();
        tenant.ClientCredentials["cid-reconciler"].ForEach(c => c["expires_at"] = "2026-12-10T00:00:00.000Z");
        tenant.Publish();
        using var folder = new TemporaryProject();
        folder.Write("Pulumi.dev.yaml", AuditKeysTests.KeyDevFile());
        var environment = new Dictionary<string, string?> { [AuditCredentials.ClientIdVariable] = AuditFakeTenant.ClientId, [AuditCredentials.ClientSecretVariable] = AuditFakeTenant.Secret };
        string[] args = ["expiry", "dev", "--project", folder.Path, "--today", "2026-11-28", "--from-tenant", "--tenant-url", tenant.Url.ToString(), "--max-rps", "1000"];

        var run = await ToolInProcess.RunAsync(environment, args);
        var offline = await ToolInProcess.RunAsync(environment, args[..6]);
        tenant.TokenScopes = "read:clients";
        tenant.Publish();
        var scopeless = await ToolInProcess.RunAsync(environment, args);
        var anonymous = await ToolInProcess.RunAsync(new Dictionary<string, string?> { [AuditCredentials.ClientIdVariable] = null, [AuditCredentials.ClientSecretVariable] = null }, args);

        Assert.Equal((2, ""), (run.ExitCode, run.Error));
        Assert.Contains("  expiring      nightly-reconciler             2026-12-10    12  team-warehouse  (keys: Auth0 holds expires_at 2026-12-10T00:00:00.000Z on 2 keys, the config 2027-05-31T00:00:00.000Z: run pulumi up)", run.Output, StringComparison.Ordinal);
        Assert.Contains("  ok            nightly-reconciler             2027-05-31   184  team-warehouse  (keys: Auth0 enforces the date)", offline.Output, StringComparison.Ordinal);
        Assert.Equal(1, scopeless.ExitCode);
        Assert.StartsWith("The expiry report could not read the tenant: The audit client's token lacks read:client_credentials (granted: read:clients).", scopeless.Error, StringComparison.Ordinal);
        Assert.Equal((1, "The expiry report could not read the tenant: Set AUTH0_AUDIT_CLIENT_ID and AUTH0_AUDIT_CLIENT_SECRET: the audit client's credentials come from the environment only (docs/audit.md)."), (anonymous.ExitCode, anonymous.Error.TrimEnd()));
        Assert.DoesNotContain(AuditFakeTenant.Secret, run.Output + run.Error + scopeless.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_team_stacks_key_client_is_found_by_its_environments_name()
    {
        using var tenant = AuditFakeTenant.MatchingStaging();
        AuditFakeTenant.UseKeys(tenant.ClientById("cid-reconciler"), "cred_s0");
        tenant.ClientCredentials["cid-reconciler"] = [AuditFakeTenant.Credential("cred_s0", "nightly-reconciler-r0", null)];
        tenant.Publish();
        using var folder = new TemporaryProject();
        var root = StackHarness.RepositoryRoot();
        foreach (var stack in new[] { "staging", "staging.checkout" })
        {
            folder.Write($"Pulumi.{stack}.yaml", File.ReadAllText(Path.Combine(root, $"Pulumi.{stack}.yaml")));
        }

        const string owner = "      owner: team-warehouse\n";
        var warehouse = File.ReadAllText(Path.Combine(root, "Pulumi.staging.warehouse.yaml")).ReplaceLineEndings("\n");
        Assert.Contains(owner, warehouse, StringComparison.Ordinal);
        folder.Write("Pulumi.staging.warehouse.yaml", warehouse.Replace(owner, owner + "      authentication: private_key_jwt\n", StringComparison.Ordinal));
        var environment = new Dictionary<string, string?> { [AuditCredentials.ClientIdVariable] = AuditFakeTenant.ClientId, [AuditCredentials.ClientSecretVariable] = AuditFakeTenant.Secret };

        var run = await ToolInProcess.RunAsync(environment, "expiry", "staging.warehouse", "--project", folder.Path, "--today", "2026-11-28", "--from-tenant", "--tenant-url", tenant.Url.ToString(), "--max-rps", "1000", "--format", "json");

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        var entry = JsonDocument.Parse(run.Output).RootElement.GetProperty("credentials").EnumerateArray().Single(c => c.GetProperty("client").GetString() == "nightly-reconciler");
        // Its metadata names the environment, staging, not the team stack: found, with the one key it holds.
        Assert.Equal((true, 1), (entry.GetProperty("auth0").GetProperty("found").GetBoolean(), entry.GetProperty("auth0").GetProperty("keys").GetInt32()));
    }
}
