using Infra.Tests.Support;
using Infra.Tests.Tools;
using Infra.Tool;
using Infra.Tool.Plan;
using Infra.Tool.Preview;

namespace Infra.Tests.Docs;

/// <summary>
/// What SECURITY.md and the credentials document say about a disabled client's secret and a first deploy, against
/// what the program does: Key Vault disables one version, and on a first create the document comes before Auth0's
/// secret.
/// </summary>
public class LifecycleWordingTests
{
    private static readonly string Root = StackHarness.RepositoryRoot();

    [Fact]
    public async Task A_disabled_client_is_a_new_disabled_version_and_security_md_says_older_versions_stay_enabled()
    {
        var security = File.ReadAllText(Path.Combine(Root, "SECURITY.md"));
        var disabled = StackHarness.StackFileText("dev").Replace("    - key: nightly-reconciler\n", "    - key: nightly-reconciler\n      disabled: true\n", StringComparison.Ordinal);
        using var project = new TemporaryProject();
        project.Write("Pulumi.dev.yaml", disabled);

        var plan = await OfflinePlan.RunAsync(StackFiles.Load(project.Path, "dev"), PulumiConfigScope.Today);

        // An update of the secret's properties is a new version (azure-native's PUT); its enabled flag is that version's.
        var document = plan.Resources.Single(r => r.Name == "m2m--nightly-reconciler");
        Assert.False(document.Inputs["properties"]!["attributes"]!["enabled"]!.GetValue<bool>());
        Assert.DoesNotContain("so no role can read it", security, StringComparison.Ordinal);
        Assert.Contains("Key Vault\n  disables per version: the older versions stay enabled", security, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_first_create_the_document_comes_before_auth0s_secret_and_the_page_says_so()
    {
        var page = File.ReadAllText(Path.Combine(Root, "docs", "credentials-document.md"));
        var plan = await OfflinePlan.RunAsync(StackHarness.StackFile("dev"), PulumiConfigScope.Today);

        var credentials = plan.Resources.Single(r => r.Type == "auth0:index/clientCredentials:ClientCredentials" && r.Name == "checkout-service");
        var document = plan.Resources.Single(r => r.Name == "m2m--checkout-service");
        Assert.Contains(document.Urn, OperationsPreview.Dependencies(plan)[credentials.Urn]);
        Assert.DoesNotContain("so a consumer that finds its credentials can use them", page, StringComparison.Ordinal);
        Assert.Contains("On a client's first deploy it exists for a moment before Auth0 accepts its secret", page, StringComparison.Ordinal);
    }
}
