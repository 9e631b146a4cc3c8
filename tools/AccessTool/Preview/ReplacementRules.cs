namespace Infra.Tool.Preview;

/// <summary>
/// What a provider does with a changed input, per resource type: which inputs force a replacement, and which inputs
/// form the object's physical identity (two live objects cannot share them). Taken from the providers' sources at the
/// versions the project pins; the source of every entry is beside it. A type the table lacks makes the preview fail
/// rather than guess.
/// </summary>
public static class ReplacementRules
{
    /// <summary>The rules by Pulumi type token.</summary>
    public static IReadOnlyDictionary<string, ResourceRule> ByType { get; } = new Dictionary<string, ResourceRule>(StringComparer.Ordinal)
    {
        // pulumi-auth0 v3.49.0 bridges auth0/terraform-provider-auth0 v1.53.0 (submodule `upstream` at 7ab86e5) and
        // overrides no ForceNew and no DeleteBeforeReplace (provider/resources.go:71-85).
        ["auth0:index/client:Client"] = new(
            // internal/auth0/client/resource.go:294-300: jwt_configuration.secret_encoded is the only ForceNew.
            ReplaceOnChange: ["jwtConfiguration.secretEncoded"],
            // Auth0 allocates the client id: two clients never collide.
            Identity: [],
            Source: "terraform-provider-auth0 v1.53.0 internal/auth0/client/resource.go:294-300"),
        ["auth0:index/clientCredentials:ClientCredentials"] = new(
            // internal/auth0/client/resource_credentials_schema.go:39-44; client_secret and authentication_method update
            // in place (:45-106) with PATCH /api/v2/clients/{id} (resource_credentials.go:745-767). private_key_jwt's
            // credentials are a set with no ForceNew field (:107-190), applied one credential at a time
            // (resource_credentials.go:386-455; the rotation proof models its order).
            ReplaceOnChange: ["clientId"],
            // Delete resets the client's token endpoint auth method (resource_credentials.go:148-192): a create before
            // that delete on the same client would be undone by it.
            Identity: ["clientId"],
            Source: "terraform-provider-auth0 v1.53.0 internal/auth0/client/resource_credentials_schema.go:39-44, resource_credentials.go:148-192"),
        ["auth0:index/clientGrant:ClientGrant"] = new(
            // internal/auth0/client/resource_grant.go:34-47, :72-81, :96-105; scopes update in place (:48-71).
            ReplaceOnChange: ["clientId", "audience", "subjectType", "defaultFor"],
            // Auth0 allows one grant per client, audience and subject type; create adopts an existing one
            // (resource_grant.go:116-154), so a create before delete would adopt the grant and then delete it.
            Identity: ["clientId", "audience", "subjectType"],
            Source: "terraform-provider-auth0 v1.53.0 internal/auth0/client/resource_grant.go:34-111, :116-154")
        {
            // subject_type is Optional and Computed (resource_grant.go:72-80): the SDKv2 diff of an attribute the config
            // no longer sets is none (terraform-plugin-sdk v2.40.1, the provider's go.mod:14, helper/schema/schema.go:1746-1751:
            // `if removed && schema.Computed { return nil }`), so the state keeps it.
            KeptWhenUnset = ["subjectType"],
        },
        ["auth0:index/resourceServer:ResourceServer"] = new(
            // internal/auth0/resourceserver/resource.go:43-49: identifier is the only ForceNew.
            ReplaceOnChange: ["identifier"],
            // The identifier (audience) is unique in a tenant.
            Identity: ["identifier"],
            Source: "terraform-provider-auth0 v1.53.0 internal/auth0/resourceserver/resource.go:43-49"),
        ["auth0:index/resourceServerScopes:ResourceServerScopes"] = new(
            // internal/auth0/resourceserver/resource_scopes.go:20-25; the scope set updates in place (:26-45).
            ReplaceOnChange: ["resourceServerIdentifier"],
            // Delete empties the API's scope list (resource_scopes.go:117-129): after a create on the same API it
            // would remove the scopes just written.
            Identity: ["resourceServerIdentifier"],
            Source: "terraform-provider-auth0 v1.53.0 internal/auth0/resourceserver/resource_scopes.go:20-45, :117-129"),
        ["auth0:index/action:Action"] = new(
            // internal/auth0/action/resource.go has no ForceNew: every input updates in place.
            ReplaceOnChange: [],
            Identity: [],
            Source: "terraform-provider-auth0 v1.53.0 internal/auth0/action/resource.go (no ForceNew)"),
        ["auth0:index/triggerAction:TriggerAction"] = new(
            // internal/auth0/action/resource_trigger_action.go:29-53; display_name updates in place (:54-59).
            ReplaceOnChange: ["trigger", "actionId"],
            // Create adopts an existing binding of the action, delete unbinds it (:64-116, :220-251).
            Identity: ["trigger", "actionId"],
            Source: "terraform-provider-auth0 v1.53.0 internal/auth0/action/resource_trigger_action.go:29-59, :64-116, :220-251"),

        // pulumi-random v4.21.1 bridges hashicorp/terraform-provider-random v3.9.0 (provider/go.mod:197).
        ["random:index/randomPassword:RandomPassword"] = new(
            // internal/provider/resource_password.go:557-750: every input carries RequiresReplace; keepers replace
            // when a non-null value changes (internal/planmodifiers/map/mapplanmodifiers.go:12-99).
            ReplaceOnChange: ["keepers", "length", "special", "upper", "lower", "number", "numeric", "minNumeric", "minUpper", "minLower", "minSpecial", "overrideSpecial"],
            // Nothing outside the state: replacing it only draws a new value.
            Identity: [],
            Source: "terraform-provider-random v3.9.0 internal/provider/resource_password.go:557-750"),

        // pulumi-tls v5.5.1 bridges hashicorp/terraform-provider-tls (provider/go.mod:126).
        ["tls:index/privateKey:PrivateKey"] = new(
            // internal/provider/resource_private_key.go:57-85: algorithm, rsa_bits and ecdsa_curve all RequiresReplace;
            // Update and Read do nothing (:265-272).
            ReplaceOnChange: ["algorithm", "rsaBits", "ecdsaCurve"],
            // Nothing outside the state: a key pair is generated, never registered anywhere by this resource.
            Identity: [],
            // The pinned pseudo-version's commit could not be read; these lines are the same at main d72d90e1 and tag v4.2.1.
            Source: "terraform-provider-tls v1.2.1-0.20260513075833-609226f53114 (pulumi-tls v5.5.1 provider/go.mod:126) internal/provider/resource_private_key.go:57-85, :265-272"),

        // azure-native 3.28.0: the parameters in a resource's PUT path force replacement, as do properties marked
        // create-only (x-ms-mutability) or listed in forceNewMap (provider/pkg/provider/diff.go calculateDetailedDiff;
        // provider/pkg/gen/properties.go forceNew; provider/pkg/gen/replacement.go forceNewMap). The PUT path is the
        // resource id, so those parameters are its identity too. Its Diff asks for delete-before-replace on every
        // replacement of a resource whose name the program gives (provider/pkg/provider/provider.go Diff:
        // `deleteBeforeReplace := len(replaces) > 0`, reversed only by the __createBeforeDelete flag that applyDefaults
        // sets for a randomly auto-named resource), and every resource here is named: ProviderDeletesFirst. The engine
        // takes that answer unless the resource option sets one (pulumi/pulumi v3.259.0 step_generator.go:2041-2047).
        ["azure-native:resources:ResourceGroup"] = new(
            // PUT /subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}; forceNewMap Resources.ResourceGroup: location.
            ReplaceOnChange: ["resourceGroupName", "location"],
            Identity: ["resourceGroupName"],
            Source: "azure-native 3.28.0 provider/pkg/gen/replacement.go forceNewMap; path /subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}")
        {
            ProviderDeletesFirst = true,
        },
        ["azure-native:keyvault:Vault"] = new(
            // PUT .../resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/vaults/{vaultName}; no forceNewMap entry.
            ReplaceOnChange: ["resourceGroupName", "vaultName"],
            // A vault name is a global DNS name ({name}.vault.azure.net).
            Identity: ["vaultName"],
            Source: "azure-native 3.28.0 path .../providers/Microsoft.KeyVault/vaults/{vaultName}; no forceNewMap entry for KeyVault")
        {
            ProviderDeletesFirst = true,
            // Key Vault soft-deletes a vault or secret, and a soft-deleted name cannot be reused until purged, which purge
            // protection forbids for the retention period (learn.microsoft.com/azure/key-vault/general/soft-delete-overview).
            NameHeldAfterDelete = true,
        },
        ["azure-native:keyvault:Secret"] = new(
            // PUT .../vaults/{vaultName}/secrets/{secretName} (customresources/custom_keyvault.go); properties.* update in
            // place, each update a new secret version.
            ReplaceOnChange: ["resourceGroupName", "vaultName", "secretName"],
            Identity: ["vaultName", "secretName"],
            Source: "azure-native 3.28.0 provider/pkg/resources/customresources/custom_keyvault.go keyVaultSecret path")
        {
            ProviderDeletesFirst = true,
            // No NameHeldAfterDelete: azure-native's create recovers a soft-deleted secret of that name and writes over it
            // (custom_keyvault.go createOrUpdateArmResourceRecoveringSoftDeleted, pulumi/pulumi-azure-native#4759). A
            // retained one still exists, and creating where one exists is refused (OperationsPreview's name-held rule).
        },
        ["azure-native:authorization:RoleAssignment"] = new(
            // PUT /{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}
            // (customresources/custom_roleassignment.go roleAssignmentPath); forceNewMap Authorization.RoleAssignment: principalId, scope.
            ReplaceOnChange: ["scope", "roleAssignmentName", "principalId"],
            Identity: ["scope", "roleAssignmentName"],
            Source: "azure-native 3.28.0 provider/pkg/gen/replacement.go forceNewMap; customresources/custom_roleassignment.go roleAssignmentPath")
        {
            ProviderDeletesFirst = true,
        },
    };

    /// <summary>The rule for <paramref name="type"/>; component resources have no provider and never replace.</summary>
    public static ResourceRule For(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (ByType.TryGetValue(type, out var rule))
        {
            return rule;
        }

        return type.StartsWith("infra:", StringComparison.Ordinal)
            ? ResourceRule.Component
            : throw new NotSupportedException($"The operations preview has no replacement rule for {type}: add one to ReplacementRules, from the provider's source.");
    }
}

/// <summary>How one resource type reacts to changed inputs.</summary>
/// <param name="ReplaceOnChange">Input paths (dotted for nested) whose change forces a replacement.</param>
/// <param name="Identity">Inputs that name the live object: two objects with the same values cannot coexist.</param>
/// <param name="Source">Where in the provider's source this comes from.</param>
public sealed record ResourceRule(IReadOnlyList<string> ReplaceOnChange, IReadOnlyList<string> Identity, string Source)
{
    /// <summary>
    /// Whether the provider's diff asks for delete-before-replace whenever it replaces: the engine then deletes the old
    /// object first unless the resource option says otherwise.
    /// </summary>
    public bool ProviderDeletesFirst { get; init; }

    /// <summary>
    /// Top-level inputs that are Optional and Computed: a program that stops setting one keeps the value in the state
    /// (no diff), it does not change it.
    /// </summary>
    public IReadOnlyList<string> KeptWhenUnset { get; init; } = [];

    /// <summary>Whether a deleted object keeps its name taken for a while (Key Vault's soft delete), so a replacement under the same name fails.</summary>
    public bool NameHeldAfterDelete { get; init; }

    /// <summary>A component resource: no provider, nothing to replace.</summary>
    public static ResourceRule Component { get; } = new([], [], "component resource (no provider)");
}
