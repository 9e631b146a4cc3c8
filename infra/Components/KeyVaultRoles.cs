using UUIDNext;

namespace Infra.Components;

/// <summary>The built-in Key Vault RBAC roles this program assigns, and how it names their assignments.</summary>
public static class KeyVaultRoles
{
    /// <summary>Key Vault Secrets User: read secret values. Referenced by id, which never changes; names can.</summary>
    public const string SecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    /// <summary>Key Vault Secrets Officer: manage secrets, for the identity that deploys into a vault this stack creates.</summary>
    public const string SecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";

    // Fixed namespace for this project's name-based assignment ids; changing it would duplicate every assignment.
    private static readonly Guid AssignmentNamespace = new("6f1c2a52-8b0e-4c63-9d8e-2f4b3c7a9e10");

    /// <summary>The subscription-scoped id of a built-in role definition.</summary>
    public static string DefinitionId(string subscriptionId, string role)
        => $"/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{role}";

    /// <summary>
    /// A name-based (version 5) GUID of scope, principal and role: the same assignment always gets the same name, so a
    /// rerun updates it instead of creating a second one (Azure rejects a duplicate assignment under a new name).
    /// ARM ids ignore case, so the inputs are lower-cased first.
    /// </summary>
    public static string AssignmentName(string scope, string principalId, string role)
        => Uuid.NewNameBased(AssignmentNamespace, $"{scope}|{principalId}|{role}".ToLowerInvariant()).ToString();
}
