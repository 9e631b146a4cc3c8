namespace Infra.Tool.Audit;

/// <summary>
/// The Auth0 Management API scopes the audit identity needs, per request it sends; docs/identities.md lists the union
/// and a test checks the list against this table and every request the audit tests see.
/// </summary>
public static class AuditPermissions
{
    /// <summary>Per request the audit sends (method and path), the scope it needs.</summary>
    public static IReadOnlyDictionary<string, string> ScopeByRequest { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["GET /api/v2/resource-servers"] = "read:resource_servers",
        ["GET /api/v2/clients"] = "read:clients",
        ["GET /api/v2/client-grants"] = "read:client_grants",
        // Only with --last-use.
        ["GET /api/v2/logs"] = "read:logs",
    };

    /// <summary>
    /// Every scope the audit identity is granted, sorted. Never read:client_keys: the audit asks for no secret, and
    /// without that scope Auth0 returns none even if asked.
    /// </summary>
    public static IReadOnlyList<string> AuditIdentityScopes { get; } = [.. ScopeByRequest.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
