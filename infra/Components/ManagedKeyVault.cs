using Infra.Config;
using Pulumi;
using Pulumi.AzureNative.Authorization;
using Pulumi.AzureNative.KeyVault;
using Pulumi.AzureNative.KeyVault.Inputs;
using Pulumi.AzureNative.Resources;

namespace Infra.Components;

/// <summary>
/// A Key Vault this stack owns: its resource group, the vault hardened for credentials (RBAC authorization, 90 days
/// of soft delete, purge protection), and the right for the deploying identity (named in config) to write secrets into it.
/// </summary>
public sealed class ManagedKeyVault : ComponentResource
{
    /// <summary>The component's Pulumi type token.</summary>
    public const string TypeToken = "infra:azure:ManagedKeyVault";

    /// <summary>Soft-deleted secrets and vaults are recoverable for this long; Azure's maximum.</summary>
    public const int SoftDeleteRetentionDays = 90;

    /// <summary>Declares the resource group, the vault and the deployer's role on it.</summary>
    /// <param name="vault">The vault from config; <see cref="KeyVaultTarget.Create"/> must be set.</param>
    /// <param name="deployer">The identity the Azure provider runs as.</param>
    /// <param name="protect">Whether the group and the vault are protected from deletion.</param>
    /// <param name="options">Component options.</param>
    public ManagedKeyVault(KeyVaultTarget vault, Output<GetClientConfigResult> deployer, bool protect, ComponentResourceOptions? options = null)
        : base(TypeToken, (vault ?? throw new ArgumentNullException(nameof(vault))).Name, options)
    {
        var create = vault.Create ?? throw new ArgumentException("The vault is not one this stack creates.", nameof(vault));
        ArgumentNullException.ThrowIfNull(deployer);
        var tags = new InputMap<string> { ["managed-by"] = $"pulumi:{Deployment.Instance.ProjectName}", ["environment"] = Deployment.Instance.StackName };

        var group = new ResourceGroup(vault.ResourceGroup, new ResourceGroupArgs
        {
            ResourceGroupName = vault.ResourceGroup,
            Location = create.Location,
            Tags = tags,
        }, new CustomResourceOptions { Parent = this, Protect = protect });

        var keyVault = new Vault(vault.Name, new VaultArgs
        {
            VaultName = vault.Name,
            ResourceGroupName = group.Name,
            Location = create.Location,
            Tags = tags,
            Properties = new VaultPropertiesArgs
            {
                TenantId = deployer.Apply(c => c.TenantId),
                Sku = new SkuArgs { Family = SkuFamily.A, Name = SkuName.Standard },
                // Set explicitly: access policies would grant vault-wide reads, RBAC allows one secret per consumer.
                EnableRbacAuthorization = true,
                EnableSoftDelete = true,
                SoftDeleteRetentionInDays = SoftDeleteRetentionDays,
                EnablePurgeProtection = true,
                PublicNetworkAccess = create.PublicNetworkAccess,
            },
        }, new CustomResourceOptions { Parent = this, Protect = protect });

        // The principal comes from config, not from getClientConfig: a preview or drift check runs as another identity,
        // and a principal taken from whoever runs would show this assignment replaced on every such run.
        var scope = deployer.Apply(c => vault.Scope(c.SubscriptionId));
        var principal = create.DeployerObjectId.ToLowerInvariant();
        var officer = new RoleAssignment($"{vault.Name}--secrets-officer", new RoleAssignmentArgs
        {
            Scope = scope,
            PrincipalId = principal,
            PrincipalType = "ServicePrincipal",
            RoleDefinitionId = deployer.Apply(c => KeyVaultRoles.DefinitionId(c.SubscriptionId, KeyVaultRoles.SecretsOfficer)),
            RoleAssignmentName = scope.Apply(s => KeyVaultRoles.AssignmentName(s, principal, KeyVaultRoles.SecretsOfficer)),
        }, new CustomResourceOptions { Parent = this, DependsOn = { keyVault }, DeleteBeforeReplace = true });

        SecretWriteAccess = officer;
        VaultUri = Output.Create(vault.Uri);
        RegisterOutputs(new Dictionary<string, object?> { ["vaultUri"] = VaultUri });
    }

    /// <summary>What a secret written into this vault depends on: the deployer may write only once its role exists.</summary>
    public Resource SecretWriteAccess { get; }

    /// <summary>The vault's data-plane URI.</summary>
    [Output("vaultUri")]
    public Output<string> VaultUri { get; }
}
