using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Infra.Tests.Support;
using Infra.Tool.Audit;
using Infra.Tool.Plan;

namespace Infra.Tests.Tools;

/// <summary>docs/identities.md and docs/audit.md say what the audit code does: its scopes, its sample report, its cost.</summary>
public class AuditDocTests
{
    private static string Doc(string name) => File.ReadAllText(Path.Combine(StackHarness.RepositoryRoot(), "docs", name)).ReplaceLineEndings("\n");

    [Fact]
    public void The_identities_doc_lists_exactly_the_audit_identitys_scopes_and_never_client_keys()
    {
        var section = Regex.Match(Doc("identities.md"), "<!-- audit-scopes -->\n`([^`]*)`\n<!-- /audit-scopes -->");

        Assert.True(section.Success, "no <!-- audit-scopes --> section with one backticked list");
        var documented = section.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(AuditPermissions.AuditIdentityScopes, documented);
        Assert.DoesNotContain("read:client_keys", documented);
    }

    [Fact]
    public async Task The_sample_report_in_docs_is_the_real_output_of_its_fixture()
    {
        using var tenant = SampleTenant();
        tenant.Publish();

        var result = await TenantAudit.RunAsync(StackHarness.StackFile(), AuditFakeTenant.Credentials, tenant.Options(lastUse: new LastUseWindow(90, 30)));

        var sample = Regex.Match(Doc("audit.md"), "<!-- audit-sample -->\n```text\n(.*?)```\n<!-- /audit-sample -->", RegexOptions.Singleline);
        Assert.True(sample.Success, "no <!-- audit-sample --> block");
        Assert.Equal(sample.Groups[1].Value, AuditReport.Render(result, OutputFormat.Text).ReplaceLineEndings("\n"));
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public void The_audit_doc_states_the_request_count_the_budget_test_measures()
    {
        var doc = Doc("audit.md");

        Assert.Contains("**155 requests** for 5,000 clients", doc, StringComparison.Ordinal);
        Assert.Contains("With 50 of the 5,000 on keys, the same test counts 205", doc, StringComparison.Ordinal);
        Assert.Contains("`read:clients read:client_grants read:resource_servers`, plus `read:client_credentials` where the environment has\n`private_key_jwt` clients and `read:logs` for `--last-use`", doc, StringComparison.Ordinal);
    }

    /// <summary>The dev stack's tenant with one of each finding a daily run might show.</summary>
    internal static AuditFakeTenant SampleTenant()
    {
        var tenant = AuditFakeTenant.MatchingDev();
        tenant.Apis[0]["token_lifetime"] = 86400;
        tenant.Apis[0]["token_lifetime_for_web"] = 7200;
        tenant.Grants.Single(g => (string?)g["id"] == "cgr_1")["scope"] = new JsonArray("orders:read", "orders:write", "orders:cancel");
        tenant.ClientById("cid-globex")["client_metadata"]!["owner"] = "bob@acme.example";
        // A key given by hand to a client the config has on its secret.
        AuditFakeTenant.UseKeys(tenant.ClientById("cid-globex"), "cred_1m7sfABoNTTKYwTQ8qt6tX");
        tenant.ClientCredentials["cid-globex"] = [AuditFakeTenant.Credential("cred_1m7sfABoNTTKYwTQ8qt6tX", "globex-test", null)];
        tenant.Clients.Add(AuditFakeTenant.Client("cid-handmade", "Quick test app", new JsonObject()));
        tenant.Grants.Add(AuditFakeTenant.Grant("cgr_h", "cid-handmade", "https://api.acme.example/orders", "orders:cancel", "orders:read"));
        var since = new DateOnly(2026, 10, 29);
        tenant.LastEvent("seccft", "cid-checkout", since, new DateTime(2026, 11, 28, 4, 12, 0, DateTimeKind.Utc));
        tenant.LastEvent("seccft", "cid-globex", since, new DateTime(2026, 11, 20, 16, 3, 0, DateTimeKind.Utc));
        tenant.LastEvent("feccft", "cid-handmade", since, new DateTime(2026, 11, 2, 9, 45, 0, DateTimeKind.Utc));
        return tenant;
    }
}
