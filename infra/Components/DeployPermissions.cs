namespace Infra.Components;

/// <summary>
/// The Auth0 Management API scopes the identities that run this program need, per resource type it declares: the
/// deploy identity (<c>pulumi up</c>) and the read-only identity of previews and drift checks. Taken from the calls
/// terraform-provider-auth0 v1.53.0 (bridged by pulumi-auth0 v3.49.0) makes for each resource; docs/identities.md lists the union.
/// </summary>
public static class DeployPermissions
{
    /// <summary>Per Pulumi type token, the scopes <c>pulumi up</c> needs to create, read, update and delete it.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> DeployScopes { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        // internal/auth0/client/resource.go: GET, POST, PATCH, DELETE /api/v2/clients.
        ["auth0:index/client:Client"] = ["read:clients", "create:clients", "update:clients", "delete:clients"],
        // internal/auth0/client/resource_credentials.go:745-767 sets client_secret with PATCH /api/v2/clients/{id}
        // (update:client_keys); the read after every create, update and refresh returns client_secret only with
        // read:client_keys, else an empty string (resource_credentials_schema.go:77-81) that every preview shows as drift.
        // Deleting them (a removed client) lists the client's credentials first (resource_credentials.go:148-192, :166
        // api.Client.ListCredentials: GET /api/v2/clients/{id}/credentials, which Auth0 guards with
        // read:client_credentials), then resets the token endpoint auth method with PATCH (update:clients). The list is
        // empty for a client-secret client, so its DeleteCredential (delete:client_credentials) never runs here.
        ["auth0:index/clientCredentials:ClientCredentials"] = ["read:clients", "update:clients", "read:client_keys", "update:client_keys", "read:client_credentials"],
        // internal/auth0/client/resource_grant.go:116-206: list, POST, PATCH, DELETE /api/v2/client-grants.
        ["auth0:index/clientGrant:ClientGrant"] = ["read:client_grants", "create:client_grants", "update:client_grants", "delete:client_grants"],
        // internal/auth0/resourceserver/resource.go: GET, POST, PATCH, DELETE /api/v2/resource-servers.
        ["auth0:index/resourceServer:ResourceServer"] = ["read:resource_servers", "create:resource_servers", "update:resource_servers", "delete:resource_servers"],
        // internal/auth0/resourceserver/resource_scopes.go:58-129: GET and PATCH the resource server's scope list.
        ["auth0:index/resourceServerScopes:ResourceServerScopes"] = ["read:resource_servers", "update:resource_servers"],
        // internal/auth0/action/resource.go: GET, POST, PATCH, DELETE /api/v2/actions/actions, and the deploy call.
        ["auth0:index/action:Action"] = ["read:actions", "create:actions", "update:actions", "delete:actions"],
        // internal/auth0/action/resource_trigger_action.go:64-251: GET and PATCH /api/v2/actions/triggers/{id}/bindings.
        ["auth0:index/triggerAction:TriggerAction"] = ["read:actions", "update:actions", "read:triggers", "update:triggers"],
    };

    /// <summary>Every scope the deploy identity needs, sorted: what its Auth0 application is granted on the Management API.</summary>
    public static IReadOnlyList<string> DeployIdentityScopes { get; } = [.. DeployScopes.Values.SelectMany(s => s).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>
    /// What previews and drift checks need: every read scope. It includes <c>read:client_keys</c>: without it the
    /// provider reads every client secret back as empty and each preview reports a change to every credential. So the
    /// preview identity can read secrets (as can whoever decrypts the state) and is guarded like the deploy identity.
    /// </summary>
    public static IReadOnlyList<string> PreviewIdentityScopes { get; } = [.. DeployIdentityScopes.Where(s => s.StartsWith("read:", StringComparison.Ordinal))];
}
