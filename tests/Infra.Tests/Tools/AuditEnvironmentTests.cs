using Infra.Tests.Support;
using Infra.Tool;
using Infra.Tool.Audit;
using Infra.Tool.Environments;

namespace Infra.Tests.Tools;

/// <summary>The audit of an environment split into team stacks: one read of the tenant, every stack's clients managed.</summary>
public class AuditEnvironmentTests
{
    private static EnvironmentCheckResult Staging()
    {
        var root = StackHarness.RepositoryRoot();
        return EnvironmentCheck.Run(ProjectStacks.Load(root).EnvironmentOf("staging")!, StackFiles.ProjectDefaults(root), today: null);
    }

    private static string Line(AuditedClient c) => AuditTests.Line(c);

    [Fact]
    public async Task The_clients_of_every_stack_of_the_environment_are_managed_and_matched_in_one_read()
    {
        using var tenant = AuditFakeTenant.MatchingStaging();
        tenant.Publish();

        var result = await TenantAudit.RunAsync(Staging(), AuditFakeTenant.Credentials, tenant.Options());

        Assert.Equal(["Matching checkout-service cid-checkout ", "Matching load-test-runner cid-loadtest ", "Matching nightly-reconciler cid-reconciler "], result.Clients.Select(Line));
        Assert.Equal(("staging", 0), (result.Stack, result.ExitCode));
        // The stack alone would count the team stacks' clients as unmanaged holders of grants on its APIs.
        tenant.Publish();
        var alone = await TenantAudit.RunAsync(StackHarness.StackFile("staging"), AuditFakeTenant.Credentials, tenant.Options());
        Assert.Equal([AuditStatus.Unmanaged, AuditStatus.Unmanaged], alone.Clients.Where(c => c.Key is null).Select(c => c.Status));
    }

    [Fact]
    public async Task A_team_stacks_key_client_is_managed_and_its_credentials_read_in_the_one_read_of_the_tenant()
    {
        using var tenant = AuditFakeTenant.MatchingStaging();
        AuditFakeTenant.UseKeys(tenant.ClientById("cid-reconciler"), "cred_s0");
        tenant.ClientCredentials["cid-reconciler"] = [AuditFakeTenant.Credential("cred_s0", "nightly-reconciler-r0", null)];
        tenant.Publish();
        var staging = Staging();
        // staging.warehouse's nightly-reconciler on keys from the start: Auth0 holds r0, without expiry like the client.
        var keys = staging with
        {
            Stacks = [.. staging.Stacks.Select(s => s.Config.Stack != "staging.warehouse" ? s : s with
            {
                Access = s.Access! with { Clients = [.. s.Access.Clients.Select(c => c with { Authentication = Infra.Config.ClientAuthentication.PrivateKeyJwt })] },
            })],
        };

        var result = await TenantAudit.RunAsync(keys, AuditFakeTenant.Credentials, tenant.Options());
        tenant.ClientCredentials["cid-reconciler"][0]["name"] = "nightly-reconciler-r1";
        tenant.Publish();
        var renamed = await TenantAudit.RunAsync(keys, AuditFakeTenant.Credentials, tenant.Options());

        Assert.Equal(["Matching checkout-service cid-checkout ", "Matching load-test-runner cid-loadtest ", "Matching nightly-reconciler cid-reconciler "], result.Clients.Select(Line));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            "Drifted nightly-reconciler cid-reconciler credential nightly-reconciler-r0: RS256, no expiry -> (none); credential nightly-reconciler-r1: (none) -> cred_s0 (RS256, no expiry, attached)",
            Line(Assert.Single(renamed.Clients, c => c.Key == "nightly-reconciler")));
        // Each run: the tenant once (1 token, 1 APIs, 1 clients, 2 grant pages), and the one key client's credentials.
        Assert.Equal(6, result.Requests);
        Assert.Equal(["/api/v2/clients/cid-reconciler/credentials"], tenant.Requests.Select(r => r.RequestMessage.Path).Where(p => p.EndsWith("/credentials", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Without_credentials_a_valid_environment_names_the_variables_and_reads_nothing()
    {
        using var tenant = AuditFakeTenant.MatchingStaging();
        tenant.Publish();

        var error = await Assert.ThrowsAsync<AuditConnectionException>(() => TenantAudit.RunAsync(Staging(), null, tenant.Options()));

        Assert.Equal("Set AUTH0_AUDIT_CLIENT_ID and AUTH0_AUDIT_CLIENT_SECRET: the audit client's credentials come from the environment only (docs/audit.md).", error.Message);
        Assert.Empty(tenant.Requests);
    }

    [Fact]
    public async Task A_team_client_without_its_stack_or_in_the_wrong_one_is_drift()
    {
        using var tenant = AuditFakeTenant.MatchingStaging();
        tenant.ClientById("cid-checkout")["client_metadata"]!.AsObject().Remove("stack");
        tenant.ClientById("cid-loadtest")["client_metadata"]!["stack"] = "staging.checkout";
        tenant.Publish();

        var result = await TenantAudit.RunAsync(Staging(), AuditFakeTenant.Credentials, tenant.Options());

        Assert.Equal(
            [
                "Drifted checkout-service cid-checkout client_metadata.stack: staging.checkout -> (none)",
                "Drifted load-test-runner cid-loadtest client_metadata.stack: (none) -> staging.checkout",
                "Matching nightly-reconciler cid-reconciler ",
            ],
            result.Clients.Select(Line));
    }

    [Fact]
    public async Task The_command_audits_the_environment_of_a_team_stack_it_is_given()
    {
        using var tenant = AuditFakeTenant.MatchingStaging();
        tenant.Publish();
        var credentials = new Dictionary<string, string?> { [AuditCredentials.ClientIdVariable] = AuditFakeTenant.ClientId, [AuditCredentials.ClientSecretVariable] = AuditFakeTenant.Secret };

        var run = await ToolInProcess.RunAsync(credentials, "audit", "staging.warehouse", "--max-rps", "1000", "--tenant-url", tenant.Url.ToString(), "--format", "json");

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        var json = System.Text.Json.Nodes.JsonNode.Parse(run.Output)!;
        Assert.Equal("staging", (string?)json["stack"]);
        Assert.Equal(["checkout-service", "load-test-runner", "nightly-reconciler"], json["clients"]!.AsArray().Select(c => (string?)c!["key"]));
    }

    [Fact]
    public async Task An_invalid_stack_of_the_environment_stops_the_audit_before_any_request()
    {
        using var tenant = AuditFakeTenant.MatchingStaging();
        var staging = Staging();
        var broken = staging with { Problems = [new("Pulumi.staging.checkout.yaml infra:clients[0].owner", "is required: set the accountable team or person.")] };

        var result = await TenantAudit.RunAsync(broken, null, tenant.Options());

        Assert.Equal(["Pulumi.staging.checkout.yaml infra:clients[0].owner: is required: set the accountable team or person."], result.Problems.Select(p => p.ToString()));
        Assert.Empty(tenant.Server.LogEntries);
    }
}
