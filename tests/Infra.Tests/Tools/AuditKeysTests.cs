using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Config;
using Infra.Tests.Support;
using Infra.Tool;
using Infra.Tool.Audit;
using Infra.Tool.Plan;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Infra.Tests.Tools;

/// <summary>
/// The audit of private_key_jwt clients: the credentials Auth0 holds against those the config declares
/// (<see cref="ClientKeys.Credentials"/>), and how each client authenticates, through the real SDK against the fake tenant.
/// </summary>
public class AuditKeysTests
{
    /// <summary>nightly-reconciler's expiry (2027-05-31) as its credentials' expires_at.</summary>
    internal const string ReconcilerExpiresAt = "2027-05-31T00:00:00.000Z";

    private const string CredentialsPath = "/api/v2/clients/cid-reconciler/credentials";

    private static StackConfig Dev => StackHarness.StackFile();

    /// <summary>The dev stack with nightly-reconciler on keys from the start and rotated once: Auth0 holds r0 and r1.</summary>
    internal static StackConfig KeyDev(Action<JsonNode>? edit = null) => Dev with
    {
        Values = Dev.Values.Edit("infra:clients", c =>
        {
            c[1]!["authentication"] = "private_key_jwt";
            c[1]!["rotation"] = 1;
            edit?.Invoke(c[1]!);
        }),
    };

    /// <summary>The dev tenant with nightly-reconciler holding and using exactly the keys <see cref="KeyDev"/> declares.</summary>
    internal static AuditFakeTenant MatchingKeyDev()
    {
        var tenant = AuditFakeTenant.MatchingDev();
        AuditFakeTenant.UseKeys(tenant.ClientById("cid-reconciler"), "cred_r0", "cred_r1");
        tenant.ClientCredentials["cid-reconciler"] =
        [
            AuditFakeTenant.Credential("cred_r1", "nightly-reconciler-r1", ReconcilerExpiresAt),
            AuditFakeTenant.Credential("cred_r0", "nightly-reconciler-r0", ReconcilerExpiresAt),
        ];
        return tenant;
    }

    private static async Task<AuditResult> AuditAsync(AuditFakeTenant tenant, StackConfig config)
    {
        tenant.Publish();
        return await TenantAudit.RunAsync(config, AuditFakeTenant.Credentials, tenant.Options());
    }

    private static string Reconciler(AuditResult result) => AuditTests.Line(Assert.Single(result.Clients, c => c.Key == "nightly-reconciler"));

    private static List<string> CredentialRequests(AuditFakeTenant tenant)
        => [.. tenant.Requests.Select(r => r.RequestMessage.Path).Where(p => p.EndsWith("/credentials", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task A_key_client_whose_credentials_match_is_ok_and_only_its_credentials_are_read()
    {
        using var tenant = MatchingKeyDev();

        var result = await AuditAsync(tenant, KeyDev());

        Assert.Equal(["Matching checkout-service cid-checkout ", "Matching nightly-reconciler cid-reconciler ", "Matching partner-globex cid-globex "], result.Clients.Select(AuditTests.Line));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal([CredentialsPath], CredentialRequests(tenant));
        // 1 token + 1 APIs + 1 clients + 2 grant pages + 1 credentials.
        Assert.Equal((6, 6), (tenant.Requests.Count, result.Requests));
        var clients = tenant.Requests.Single(r => r.RequestMessage.Path == "/api/v2/clients").RequestMessage.Query!;
        Assert.Equal("client_id,name,app_type,grant_types,client_metadata,token_endpoint_auth_method,client_authentication_methods", clients["fields"].Single());
    }

    [Fact]
    public async Task A_credential_the_config_does_not_declare_is_named_with_its_fix_in_every_format()
    {
        using var tenant = MatchingKeyDev();
        // In the client's pool, not enabled on private_key_jwt (which takes at most two).
        tenant.ClientCredentials["cid-reconciler"].Add(AuditFakeTenant.Credential("cred_laptop", "laptop-test", null));

        var result = await AuditAsync(tenant, KeyDev());

        Assert.Equal("Drifted nightly-reconciler cid-reconciler credential laptop-test: (none) -> cred_laptop (RS256, no expiry, not attached)", Reconciler(result));
        Assert.Equal(2, result.ExitCode);
        const string Fix = "not declared: remove it in Auth0, or, if it is from an earlier rotation that did not finish, run pulumi up";
        Assert.Contains(
            "  DRIFTED   client nightly-reconciler cid-reconciler owner team-warehouse\n"
                + "      credential laptop-test: expected (none), actual cred_laptop (RS256, no expiry, not attached)\n"
                + $"        fix: {Fix}\n",
            AuditReport.Render(result, OutputFormat.Text),
            StringComparison.Ordinal);
        Assert.Contains($"| credential laptop-test: expected (none), actual cred_laptop (RS256, no expiry, not attached) (fix: {Fix}) |", AuditReport.Render(result, OutputFormat.Markdown), StringComparison.Ordinal);
        var json = JsonNode.Parse(AuditReport.Render(result, OutputFormat.Json))!["clients"]!.AsArray().Single(c => (string?)c!["key"] == "nightly-reconciler")!;
        Assert.Equal(
            $$"""[{"field":"credential laptop-test","expected":"(none)","actual":"cred_laptop (RS256, no expiry, not attached)","fix":"{{Fix}}"}]""",
            json["differences"]!.ToJsonString());
    }

    [Fact]
    public async Task A_declared_credential_missing_in_auth0_is_reported_with_its_fix()
    {
        using var tenant = MatchingKeyDev();
        // r0 deleted by hand (and detached).
        AuditFakeTenant.UseKeys(tenant.ClientById("cid-reconciler"), "cred_r1");
        tenant.ClientCredentials["cid-reconciler"].RemoveAll(c => (string?)c["id"] == "cred_r0");

        var result = await AuditAsync(tenant, KeyDev());

        Assert.Equal($"Drifted nightly-reconciler cid-reconciler credential nightly-reconciler-r0: RS256, expires {ReconcilerExpiresAt} -> (none)", Reconciler(result));
        Assert.Equal("declared, not in Auth0: run pulumi up (with --refresh if it was deleted by hand)", Assert.Single(result.Clients.Single(c => c.Key == "nightly-reconciler").Differences).Fix);
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task A_rotation_not_yet_deployed_shows_the_key_two_back_undeclared_and_the_new_one_missing()
    {
        using var tenant = MatchingKeyDev();

        // Rotation raised to 2 in config; Auth0 still holds r0 and r1.
        var result = await AuditAsync(tenant, KeyDev(c => c["rotation"] = 2));

        Assert.Equal(
            $"Drifted nightly-reconciler cid-reconciler credential nightly-reconciler-r2: RS256, expires {ReconcilerExpiresAt} -> (none); "
                + $"credential nightly-reconciler-r0: (none) -> cred_r0 (RS256, expires {ReconcilerExpiresAt}, attached)",
            Reconciler(result));
    }

    [Fact]
    public async Task An_expires_at_other_than_the_declared_one_shows_auth0s_value_and_the_configs()
    {
        using var tenant = MatchingKeyDev();
        tenant.ClientCredentials["cid-reconciler"][0]["expires_at"] = "2027-08-31T00:00:00.000Z";
        tenant.ClientCredentials["cid-reconciler"][1].Remove("expires_at");

        var result = await AuditAsync(tenant, KeyDev());

        Assert.Equal(
            $"Drifted nightly-reconciler cid-reconciler credential nightly-reconciler-r0 expires_at: {ReconcilerExpiresAt} -> (none); "
                + $"credential nightly-reconciler-r1 expires_at: {ReconcilerExpiresAt} -> 2027-08-31T00:00:00.000Z",
            Reconciler(result));
        Assert.All(result.Clients.Single(c => c.Key == "nightly-reconciler").Differences, d => Assert.StartsWith("Auth0 refuses the key from its expires_at on: run pulumi up", d.Fix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_renamed_key_clients_credentials_keep_their_old_names_until_the_next_rotation()
    {
        using var tenant = MatchingKeyDev();
        // Renamed from nightly-reconciler to stock-reconciler: the metadata says so once deployed, the credentials do not.
        tenant.ClientById("cid-reconciler")["client_metadata"]!["key"] = "stock-reconciler";
        var renamed = KeyDev(c =>
        {
            c["key"] = "stock-reconciler";
            c["previousKeys"] = new JsonArray("nightly-reconciler");
        });

        var result = await AuditAsync(tenant, renamed);
        // The next rotation registers r2 under the new name and drops r0; r1 keeps the old one.
        tenant.ClientCredentials["cid-reconciler"][1] = AuditFakeTenant.Credential("cred_r2", "stock-reconciler-r2", ReconcilerExpiresAt);
        AuditFakeTenant.UseKeys(tenant.ClientById("cid-reconciler"), "cred_r1", "cred_r2");
        var rotated = await AuditAsync(tenant, KeyDev(c =>
        {
            c["key"] = "stock-reconciler";
            c["previousKeys"] = new JsonArray("nightly-reconciler");
            c["rotation"] = 2;
        }));

        Assert.Equal("Matching stock-reconciler cid-reconciler ", AuditTests.Line(Assert.Single(result.Clients, c => c.Key == "stock-reconciler")));
        Assert.Equal("Matching stock-reconciler cid-reconciler ", AuditTests.Line(Assert.Single(rotated.Clients, c => c.Key == "stock-reconciler")));
        Assert.Equal(0, rotated.ExitCode);
    }

    [Fact]
    public async Task An_expiry_auth0_holds_where_the_config_has_none_names_the_fix_auth0_allows()
    {
        using var tenant = MatchingKeyDev();

        var result = await AuditAsync(tenant, KeyDev(c => c.AsObject().Remove("expires")));

        var reconciler = result.Clients.Single(c => c.Key == "nightly-reconciler");
        Assert.Equal(
            $"Drifted nightly-reconciler cid-reconciler client_metadata.expires_at: (none) -> 2027-05-31; credential nightly-reconciler-r0 expires_at: (none) -> {ReconcilerExpiresAt}; credential nightly-reconciler-r1 expires_at: (none) -> {ReconcilerExpiresAt}",
            AuditTests.Line(reconciler));
        Assert.Equal("Auth0 cannot clear an expiry: set the date in config, or raise rotation for a key without one", reconciler.Differences[1].Fix);
    }

    [Fact]
    public async Task A_credential_of_another_algorithm_or_type_is_drift()
    {
        using var tenant = MatchingKeyDev();
        tenant.ClientCredentials["cid-reconciler"][0] = AuditFakeTenant.Credential("cred_r1", "nightly-reconciler-r1", ReconcilerExpiresAt, alg: "PS256");
        tenant.ClientCredentials["cid-reconciler"][1] = AuditFakeTenant.Credential("cred_r0", "nightly-reconciler-r0", ReconcilerExpiresAt, alg: null, type: "x509_cert");

        var result = await AuditAsync(tenant, KeyDev());

        Assert.Equal(
            "Drifted nightly-reconciler cid-reconciler credential nightly-reconciler-r0 credential_type: public_key -> x509_cert; credential nightly-reconciler-r0 alg: RS256 -> (none); "
                + "credential nightly-reconciler-r1 alg: RS256 -> PS256",
            Reconciler(result));
    }

    [Fact]
    public async Task A_declared_credential_the_method_does_not_list_and_a_listed_id_without_a_credential_are_drift()
    {
        using var tenant = MatchingKeyDev();
        AuditFakeTenant.UseKeys(tenant.ClientById("cid-reconciler"), "cred_gone", "cred_r1");

        var result = await AuditAsync(tenant, KeyDev());

        Assert.Equal(
            "Drifted nightly-reconciler cid-reconciler credential nightly-reconciler-r0 attached: true -> false; "
                + "credential cred_gone: (none) -> listed in client_authentication_methods.private_key_jwt, not among the client's credentials",
            Reconciler(result));
    }

    [Fact]
    public async Task A_secret_client_that_holds_keys_is_drift_and_its_credentials_are_named()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        AuditFakeTenant.UseKeys(tenant.ClientById("cid-checkout"), "cred_x");
        tenant.ClientCredentials["cid-checkout"] = [AuditFakeTenant.Credential("cred_x", "added-by-hand", "2027-01-01T00:00:00.000Z")];

        var result = await AuditAsync(tenant, Dev);

        Assert.Equal(
            "Drifted checkout-service cid-checkout authentication: client_secret_post -> private_key_jwt; credential added-by-hand: (none) -> cred_x (RS256, expires 2027-01-01T00:00:00.000Z, attached)",
            AuditTests.Line(Assert.Single(result.Clients, c => c.Key == "checkout-service")));
        Assert.StartsWith("the config declares a client secret: run pulumi up --refresh", result.Clients.Single(c => c.Key == "checkout-service").Differences[0].Fix, StringComparison.Ordinal);
        Assert.Equal(["/api/v2/clients/cid-checkout/credentials"], CredentialRequests(tenant));
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task A_key_client_that_still_authenticates_with_a_secret_and_secret_clients_of_another_method_are_drift()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.ClientById("cid-checkout")["token_endpoint_auth_method"] = "client_secret_basic";
        // Absent reads as no method at all (so would "none").
        tenant.ClientById("cid-globex").Remove("token_endpoint_auth_method");

        // The reconciler declares keys; Auth0 still has it on its secret, without credentials.
        var result = await AuditAsync(tenant, KeyDev());

        Assert.Equal(
            [
                "Drifted checkout-service cid-checkout authentication: client_secret_post -> client_secret_basic",
                $"Drifted nightly-reconciler cid-reconciler authentication: private_key_jwt -> client_secret_post; credential nightly-reconciler-r0: RS256, expires {ReconcilerExpiresAt} -> (none); "
                    + $"credential nightly-reconciler-r1: RS256, expires {ReconcilerExpiresAt} -> (none)",
                "Drifted partner-globex cid-globex authentication: client_secret_post -> (none)",
            ],
            result.Clients.Select(AuditTests.Line));
        Assert.Equal("Auth0 does not take this client's keys: run pulumi up (with --refresh if the method was changed by hand)", result.Clients[1].Differences[0].Fix);
        Assert.Equal([CredentialsPath], CredentialRequests(tenant));
    }

    [Fact]
    public async Task Credentials_are_read_only_for_declared_key_clients_and_managed_clients_whose_client_object_lists_credentials()
    {
        using var tenant = MatchingKeyDev();
        // A secret client holding keys: read. A secret client without: not read.
        AuditFakeTenant.UseKeys(tenant.ClientById("cid-globex"), "cred_g");
        tenant.ClientCredentials["cid-globex"] = [AuditFakeTenant.Credential("cred_g", "globex-key", null)];
        // An unmanaged client with keys and a grant on a declared API: a finding already, not read.
        tenant.Clients.Add(AuditFakeTenant.UseKeys(AuditFakeTenant.Client("cid-handmade", "Hand-made", new JsonObject()), "cred_h"));
        tenant.Grants.Add(AuditFakeTenant.Grant("cgr_h", "cid-handmade", "https://api.acme.example/orders", "orders:read"));
        // A client out of scope (no grant on a declared API) with keys: not read.
        tenant.Clients.Add(AuditFakeTenant.UseKeys(AuditFakeTenant.Client("cid-other", "Other API's client", new JsonObject()), "cred_o"));

        var result = await AuditAsync(tenant, KeyDev());

        Assert.Equal(["/api/v2/clients/cid-globex/credentials", CredentialsPath], CredentialRequests(tenant));
        Assert.Equal((7, 7), (tenant.Requests.Count, result.Requests));
        Assert.Equal(
            ["Drifted partner-globex cid-globex authentication: client_secret_post -> private_key_jwt; credential globex-key: (none) -> cred_g (RS256, no expiry, attached)", "Unmanaged - cid-handmade ", "Matching checkout-service cid-checkout ", "Matching nightly-reconciler cid-reconciler "],
            result.Clients.Select(AuditTests.Line));
    }

    [Fact]
    public async Task A_disabled_key_client_expects_only_its_disabled_key_without_expiry()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        var reconciler = tenant.ClientById("cid-reconciler");
        reconciler["client_metadata"]!["disabled"] = "true";
        AuditFakeTenant.UseKeys(reconciler, "cred_d");
        tenant.ClientCredentials["cid-reconciler"] = [AuditFakeTenant.Credential("cred_d", "nightly-reconciler-disabled", null), AuditFakeTenant.Credential("cred_r1", "nightly-reconciler-r1", ReconcilerExpiresAt)];

        var result = await AuditAsync(tenant, KeyDev(c => c["disabled"] = true));

        // Its own keys stay in the state only: one left in Auth0 is not declared.
        Assert.Equal($"Drifted nightly-reconciler cid-reconciler credential nightly-reconciler-r1: (none) -> cred_r1 (RS256, expires {ReconcilerExpiresAt}, not attached)", Reconciler(result));
        tenant.ClientCredentials["cid-reconciler"].RemoveAt(1);
        Assert.Equal("Matching nightly-reconciler cid-reconciler ", Reconciler(await AuditAsync(tenant, KeyDev(c => c["disabled"] = true))));
    }

    [Fact]
    public async Task A_403_on_the_credentials_read_names_read_client_credentials_and_the_fix_and_exits_1()
    {
        using var tenant = MatchingKeyDev();
        // A token response that does not list its scopes, so the refusal comes from the credentials read itself.
        tenant.TokenScopes = null;
        tenant.Publish();
        tenant.Server.Given(Request.Create().WithPath(new RegexMatcher("/credentials$")).UsingGet()).AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(403).WithHeader("Content-Type", "application/json")
                .WithBody("""{"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: read:client_credentials","errorCode":"insufficient_scope"}"""));
        using var folder = new TemporaryProject();
        folder.Write("Pulumi.dev.yaml", KeyDevFile());
        var environment = new Dictionary<string, string?> { [AuditCredentials.ClientIdVariable] = AuditFakeTenant.ClientId, [AuditCredentials.ClientSecretVariable] = AuditFakeTenant.Secret };

        var run = await ToolInProcess.RunAsync(environment, "audit", "dev", "--project", folder.Path, "--tenant-url", tenant.Url.ToString(), "--max-rps", "1000");

        Assert.Equal((1, ""), (run.ExitCode, run.Output));
        Assert.Equal(
            "The audit could not read the tenant: The tenant refused GET /api/v2/clients/cid-reconciler/credentials (403 insufficient_scope: Insufficient scope, expected any of: read:client_credentials). "
                + "The audit client needs read:client_credentials to read the credentials of clients that use private_key_jwt: grant it to the audit client on the Auth0 Management API "
                + "(Applications > APIs > Auth0 Management API > Machine To Machine Applications; docs/identities.md lists every scope the audit needs), then run the audit again.",
            run.Error.TrimEnd());
        Assert.DoesNotContain(AuditFakeTenant.Secret, run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_without_read_client_credentials_stops_the_audit_before_any_read()
    {
        using var tenant = MatchingKeyDev();
        tenant.TokenScopes = "read:clients read:client_grants read:resource_servers";
        tenant.Publish();

        var error = await Assert.ThrowsAsync<AuditConnectionException>(() => TenantAudit.RunAsync(KeyDev(), AuditFakeTenant.Credentials, tenant.Options()));

        Assert.Equal(
            "The audit client's token lacks read:client_credentials (granted: read:clients read:client_grants read:resource_servers). Grant it to the audit client on the Auth0 Management API "
                + "(Applications > APIs > Auth0 Management API > Machine To Machine Applications; docs/identities.md lists every scope the audit needs), then run the audit again. "
                + "Without read:client_credentials Auth0 leaves client_authentication_methods out of the client list and refuses GET /api/v2/clients/{id}/credentials, so the audit cannot see which credentials a client holds.",
            error.Message);
        Assert.Equal(["/oauth/token"], tenant.Requests.Select(r => r.RequestMessage.Path));
        // read:logs only with --last-use: without it, a token lacking only read:logs audits; with it, it stops.
        tenant.TokenScopes = "read:clients read:client_credentials read:client_grants read:resource_servers";
        tenant.Publish();
        Assert.Equal(0, (await TenantAudit.RunAsync(KeyDev(), AuditFakeTenant.Credentials, tenant.Options())).ExitCode);
        var logs = await Assert.ThrowsAsync<AuditConnectionException>(() => TenantAudit.RunAsync(Dev, AuditFakeTenant.Credentials, tenant.Options(lastUse: new LastUseWindow(90, 30))));
        Assert.StartsWith("The audit client's token lacks read:logs (granted: ", logs.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_key_clients_the_audit_needs_no_read_client_credentials_and_still_sees_a_secret_client_moved_to_keys()
    {
        // The least the audit identity holds where no client uses keys: read:client_credentials would show it every secret.
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.TokenScopes = "read:clients read:client_grants read:resource_servers";
        AuditFakeTenant.UseKeys(tenant.ClientById("cid-checkout"), "cred_x");
        tenant.ClientCredentials["cid-checkout"] = [AuditFakeTenant.Credential("cred_x", "added-by-hand", null)];

        var result = await AuditAsync(tenant, Dev);

        // The client list leaves out client_authentication_methods (the fake tenant does as Auth0 does): no method, no credentials read.
        var checkout = Assert.Single(result.Clients, c => c.Key == "checkout-service");
        Assert.Equal("Drifted checkout-service cid-checkout authentication: client_secret_post -> (none)", AuditTests.Line(checkout));
        Assert.StartsWith("no method in Auth0: set to none by hand, or moved to credentials (listed only to a token with read:client_credentials); the config declares a client secret: run pulumi up --refresh", checkout.Differences[0].Fix, StringComparison.Ordinal);
        Assert.Empty(CredentialRequests(tenant));
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task The_command_reports_key_drift_with_exit_2_and_prints_neither_the_secret_nor_a_key()
    {
        using var tenant = MatchingKeyDev();
        tenant.ClientCredentials["cid-reconciler"][0]["expires_at"] = "2027-08-31T00:00:00.000Z";
        // The audit asks for fields without client_secret; were Auth0 to send one anyway (read:client_credentials lets it), it is dropped.
        tenant.ClientById("cid-checkout")["client_secret"] = "Checkout-S3cret-never-printed";
        tenant.Publish();
        using var folder = new TemporaryProject();
        folder.Write("Pulumi.dev.yaml", KeyDevFile());
        var environment = new Dictionary<string, string?> { [AuditCredentials.ClientIdVariable] = AuditFakeTenant.ClientId, [AuditCredentials.ClientSecretVariable] = AuditFakeTenant.Secret };

        var run = await ToolInProcess.RunAsync(environment, "audit", "dev", "--project", folder.Path, "--tenant-url", tenant.Url.ToString(), "--max-rps", "1000", "--format", "json");

        Assert.Equal((2, ""), (run.ExitCode, run.Error));
        var reconciler = JsonDocument.Parse(run.Output).RootElement.GetProperty("clients").EnumerateArray().Single(c => c.GetProperty("key").GetString() == "nightly-reconciler");
        Assert.Equal("credential nightly-reconciler-r1 expires_at", reconciler.GetProperty("differences")[0].GetProperty("field").GetString());
        Assert.DoesNotContain(AuditFakeTenant.Secret, run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Checkout-S3cret-never-printed", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("client_secret\"", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("PUBLIC KEY", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("kid-cred_", run.Output, StringComparison.Ordinal);
    }

    /// <summary>The dev stack file with nightly-reconciler as <see cref="KeyDev"/> declares it.</summary>
    internal static string KeyDevFile()
    {
        const string expires = "      expires: 2027-05-31\n";
        var text = StackHarness.StackFileText();
        Assert.Contains(expires, text, StringComparison.Ordinal);
        return text.Replace(expires, expires + "      authentication: private_key_jwt\n      rotation: 1\n", StringComparison.Ordinal);
    }
}
