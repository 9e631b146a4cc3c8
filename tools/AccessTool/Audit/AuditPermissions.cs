namespace Infra.Tool.Audit;

/// <summary>
/// The Auth0 Management API scopes the audit identity needs, per request it sends; docs/identities.md lists the union
/// and a test checks the list against this table and every request the audit tests see.
/// </summary>
public static class AuditPermissions
{
    /// <summary>The scope of the credentials reads, which also lets the client list show the clients' credentials.</summary>
    public const string ClientCredentialsScope = "read:client_credentials";

    /// <summary>The scope of the log searches, needed only with <c>--last-use</c>.</summary>
    public const string LogsScope = "read:logs";

    /// <summary>Per request the audit sends (method and path), the scopes it needs.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ScopesByRequest { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["GET /api/v2/resource-servers"] = ["read:resource_servers"],
        // read:clients for the fields compared. client_authentication_methods, which lists the credentials a client
        // authenticates with, "can only be retrieved with the read:client_keys or read:client_credentials scope" (the
        // Management API's description of GET /api/v2/clients, as go-auth0 v2.14.0 management/clients/client/client.go:67-70
        // carries it): without either Auth0 leaves the field out and says nothing. The same sentence lists client_secret,
        // so read:client_credentials would let the audit identity read every client secret; it is asked for only where
        // the environment has key clients (Required), and a secret client given keys by hand still shows, because Auth0
        // then drops its token_endpoint_auth_method, which read:clients returns.
        ["GET /api/v2/clients"] = ["read:clients"],
        ["GET /api/v2/client-grants"] = ["read:client_grants"],
        // Only for the clients that declare keys or whose client object lists credentials. Scope per the Management API
        // reference, https://auth0.com/docs/api/management/v2/clients/get-credentials (its source, auth0/docs-v2
        // main/docs/api/management/v2/clients/get-credentials.mdx: <Scopes scopes={["read:client_credentials"]} />); the
        // SDK's call is ClientsClient.GetAllCredentialsAsync (auth0.net mgmt-7.47.0
        // src/Auth0.ManagementApi/Clients/ClientsClient.cs:172-175, GET clients/{id}/credentials).
        ["GET /api/v2/clients/{id}/credentials"] = [ClientCredentialsScope],
        // Only with --last-use.
        ["GET /api/v2/logs"] = [LogsScope],
    };

    /// <summary>
    /// Every scope the audit identity may need, sorted. Never read:client_keys, and the audit asks for no secret; but
    /// read:client_credentials, which the credentials reads need, also lets Auth0 return client_secret if asked.
    /// </summary>
    public static IReadOnlyList<string> AuditIdentityScopes { get; } = [.. ScopesByRequest.Values.SelectMany(s => s).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>
    /// The scopes a run needs, sorted: <c>read:logs</c> only with <c>--last-use</c>, <c>read:client_credentials</c> only
    /// when the audited config (a whole environment for team stacks) has a <c>private_key_jwt</c> client.
    /// </summary>
    public static IReadOnlyList<string> Required(bool lastUse, bool keyClients)
        => [.. AuditIdentityScopes.Where(s => (lastUse || s != LogsScope) && (keyClients || s != ClientCredentialsScope))];

    /// <summary>The scopes of the expiry report's tenant read: the client list and the key clients' credentials.</summary>
    public static IReadOnlyList<string> KeyReadScopes { get; } =
        [.. ScopesByRequest["GET /api/v2/clients"].Concat(ScopesByRequest["GET /api/v2/clients/{id}/credentials"]).Order(StringComparer.Ordinal)];
}
