using System.Text.Json.Nodes;
using Infra.Components;
using Infra.Tests.Support;
using Pulumi;

namespace Infra.Tests.Components;

public class ManagedKeyVaultTests
{
    private static readonly Dictionary<string, string> WithOwnVault = StackHarness.StackConfig()
        .Edit("infra:keyVault", v => v["create"] = new JsonObject { ["location"] = "westeurope", ["publicNetworkAccess"] = "Disabled", ["deployerObjectId"] = "6a1f3c5e-8b2d-4e7f-9a0c-1d3e5f7a9b2c" });

    [Fact]
    public async Task The_stack_creates_a_hardened_rbac_vault_in_its_own_resource_group()
    {
        var run = await StackHarness.RunAsync(WithOwnVault);

        var group = run.Single(ResourceTypes.ResourceGroup, "rg-acme-identity-dev");
        Assert.Equal(("rg-acme-identity-dev", "westeurope"), (group.Input<string>("resourceGroupName"), group.Input<string>("location")));
        var vault = run.Single(ResourceTypes.Vault, "kv-acme-m2m-dev");
        Assert.Equal(("kv-acme-m2m-dev", "rg-acme-identity-dev", "westeurope"), (vault.Input<string>("vaultName"), vault.Input<string>("resourceGroupName"), vault.Input<string>("location")));
        var properties = vault.Map("properties");
        Assert.Equal(ProviderFakes.TenantId, properties["tenantId"]);
        Assert.Equal(true, properties["enableRbacAuthorization"]);
        Assert.Equal(true, properties["enableSoftDelete"]);
        Assert.Equal(90d, properties["softDeleteRetentionInDays"]);
        Assert.Equal(true, properties["enablePurgeProtection"]);
        Assert.Equal("Disabled", properties["publicNetworkAccess"]);
        var sku = (System.Collections.Immutable.ImmutableDictionary<string, object>)properties["sku"];
        Assert.Equal(("A", "standard"), ((string)sku["family"], (string)sku["name"]));
        // The SDK's own defaults, which a vault for credentials keeps: no VM, disk-encryption or ARM-template access.
        Assert.Equal((false, false, false), ((bool)properties["enabledForDeployment"], (bool)properties["enabledForDiskEncryption"], (bool)properties["enabledForTemplateDeployment"]));
        Assert.Equal(10, properties.Count);
    }

    [Fact]
    public async Task The_configured_deploy_identity_not_whoever_runs_becomes_secrets_officer_before_any_secret_is_written()
    {
        var captured = await StackHarness.CaptureAsync(WithOwnVault);
        var run = await StackHarness.RunAsync(WithOwnVault);

        var officer = run.Single(ResourceTypes.RoleAssignment, "kv-acme-m2m-dev--secrets-officer");
        var scope = $"/subscriptions/{ProviderFakes.SubscriptionId}/resourceGroups/rg-acme-identity-dev/providers/Microsoft.KeyVault/vaults/kv-acme-m2m-dev";
        Assert.Equal(scope, officer.Input<string>("scope"));
        // From config: a preview run under another identity (ProviderFakes.DeployerObjectId) must not see it change.
        const string configured = "6a1f3c5e-8b2d-4e7f-9a0c-1d3e5f7a9b2c";
        Assert.NotEqual(configured, ProviderFakes.DeployerObjectId);
        Assert.Equal(configured, officer.Input<string>("principalId"));
        Assert.Equal("ServicePrincipal", officer.Input<string>("principalType"));
        Assert.Equal($"/subscriptions/{ProviderFakes.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/b86a8fe4-44ce-4948-aee5-eccb2c155cd7", officer.Input<string>("roleDefinitionId"));
        Assert.Equal(KeyVaultRoles.AssignmentName(scope, configured, KeyVaultRoles.SecretsOfficer), officer.Input<string>("roleAssignmentName"));

        var secrets = captured.Where(c => c.Resource is Pulumi.AzureNative.KeyVault.Secret).ToList();
        Assert.Equal(3, secrets.Count);
        foreach (var secret in secrets)
        {
            var dependsOn = await StackHarness.ValueAsync(((InputList<Resource>)secret.Options.DependsOn).ToOutput());
            Assert.Contains(dependsOn, d => d.GetResourceName() == "kv-acme-m2m-dev--secrets-officer");
        }
    }

    [Fact]
    public async Task Public_network_access_defaults_to_enabled_and_an_existing_vault_is_not_declared()
    {
        var defaulted = await StackHarness.RunAsync(StackHarness.StackConfig()
            .Edit("infra:keyVault", v => v["create"] = new JsonObject { ["location"] = "northeurope", ["deployerObjectId"] = "6a1f3c5e-8b2d-4e7f-9a0c-1d3e5f7a9b2c" }));
        var existing = await StackHarness.RunAsync(StackHarness.StackConfig());

        Assert.Equal("Enabled", defaulted.Single(ResourceTypes.Vault, "kv-acme-m2m-dev").Map("properties")["publicNetworkAccess"]);
        Assert.Empty(existing.OfType(ResourceTypes.Vault));
        Assert.Empty(existing.OfType(ResourceTypes.ResourceGroup));
        Assert.Empty(existing.OfType(ManagedKeyVault.TypeToken));
    }

    [Fact]
    public async Task The_group_and_the_vault_carry_the_stack_tags_and_the_officer_role_waits_for_the_vault()
    {
        var (captured, fakes) = await StackHarness.RunCapturingAsync(WithOwnVault);
        var run = new StackRun(fakes, [], new Dictionary<string, object?>());

        // The tags say who manages the resource and for which stack: an operator in the portal must not delete them by hand.
        string[] tags = ["environment=dev", "managed-by=pulumi:infra"];
        Assert.Equal(tags, run.Single(ResourceTypes.ResourceGroup, "rg-acme-identity-dev").Map("tags").Select(t => $"{t.Key}={t.Value}").Order(StringComparer.Ordinal));
        Assert.Equal(tags, run.Single(ResourceTypes.Vault, "kv-acme-m2m-dev").Map("tags").Select(t => $"{t.Key}={t.Value}").Order(StringComparer.Ordinal));
        // The role cannot be assigned on a vault that does not exist yet, and a replaced assignment with the same name
        // must be deleted first: Azure refuses two assignments of one role to one principal at one scope.
        var officer = captured.Single(c => c.Resource.GetResourceName() == "kv-acme-m2m-dev--secrets-officer");
        var dependsOn = await StackHarness.ValueAsync(((InputList<Resource>)officer.Options.DependsOn).ToOutput());
        Assert.Equal(["kv-acme-m2m-dev"], dependsOn.Select(d => d.GetResourceName()));
        Assert.True(((CustomResourceOptions)officer.Options).DeleteBeforeReplace);
        var uri = await StackHarness.ValueAsync(run.OutputsOf(ManagedKeyVault.TypeToken, "kv-acme-m2m-dev")["vaultUri"]);
        Assert.Equal("https://kv-acme-m2m-dev.vault.azure.net/", uri);
    }

    [Fact]
    public async Task The_component_refuses_a_vault_the_stack_does_not_create_and_a_missing_deployer()
    {
        var existing = new Infra.Config.KeyVaultTarget("kv-acme-m2m-dev", "rg-acme-identity-dev", "m2m");
        var created = existing with { Create = new Infra.Config.ManagedVaultSettings("westeurope", "Enabled", "6a1f3c5e-8b2d-4e7f-9a0c-1d3e5f7a9b2c") };

        var notCreated = await Declare(() => new ManagedKeyVault(existing, Pulumi.AzureNative.Authorization.GetClientConfig.Invoke(), protect: false));
        var noDeployer = await Declare(() => new ManagedKeyVault(created, null!, protect: false));

        var argument = Assert.IsType<ArgumentException>(notCreated);
        Assert.Equal(("vault", "The vault is not one this stack creates. (Parameter 'vault')"), (argument.ParamName, argument.Message));
        Assert.Equal("deployer", Assert.IsType<ArgumentNullException>(noDeployer).ParamName);
    }

    /// <summary>What declaring the component alone, under the mock engine, throws.</summary>
    private static async Task<Exception?> Declare(Func<ManagedKeyVault> declare)
    {
        Exception? thrown = null;
        using var scope = new PulumiConfigScope(StackHarness.StackConfig());
        await Record.ExceptionAsync(() => Deployment.TestAsync(new ProviderFakes(StackHarness.SecretOf).Mock.Object, StackHarness.Options("dev"), () =>
        {
            thrown = Record.Exception(() => declare());
            return new Dictionary<string, object?>();
        }));
        return thrown;
    }
}
