namespace Infra.Config;

/// <summary>The whole, validated access model of one stack: APIs, the clients granted on them, and where credentials go.</summary>
/// <param name="Tenant">The Auth0 tenant the stack deploys into.</param>
/// <param name="KeyVault">The vault that receives each client's credentials.</param>
/// <param name="Apis">The APIs, in config order.</param>
/// <param name="Clients">The machine-to-machine clients, in config order.</param>
public sealed record AccessConfig(
    Auth0Tenant Tenant,
    KeyVaultTarget KeyVault,
    IReadOnlyList<ApiDefinition> Apis,
    IReadOnlyList<M2MClientDefinition> Clients);

/// <summary>The Auth0 tenant: its domain is where consumers exchange credentials for tokens.</summary>
public sealed record Auth0Tenant(string Domain)
{
    /// <summary>The OAuth 2.0 token endpoint a consumer posts its client credentials to.</summary>
    public string TokenEndpoint => $"https://{Domain}/oauth/token";

    /// <summary>The Auth0 Management API audience; granting it would hand a consumer the tenant.</summary>
    public string ManagementApiIdentifier => $"https://{Domain}/api/v2/";
}

/// <summary>An existing Azure Key Vault and the prefix of the secret names this stack writes into it.</summary>
public sealed record KeyVaultTarget(string Name, string ResourceGroup, string SecretPrefix);

/// <summary>An API protected by Auth0 access tokens (an Auth0 resource server).</summary>
/// <param name="Key">Stable key: the Pulumi resource name. Changing it replaces the API.</param>
/// <param name="Name">Display name in the Auth0 dashboard; renaming updates in place.</param>
/// <param name="Identifier">The audience (<c>aud</c>) that tokens for this API carry.</param>
/// <param name="Scopes">The permissions clients can be granted, in config order.</param>
/// <param name="TokenLifetimeSeconds">Access-token lifetime; also how long a revoked grant keeps working.</param>
/// <param name="SigningAlgorithm">Always RS256: consumers verify with the tenant's public JWKS.</param>
public sealed record ApiDefinition(
    string Key,
    string Name,
    string Identifier,
    IReadOnlyList<ApiScope> Scopes,
    int TokenLifetimeSeconds,
    string SigningAlgorithm);

/// <summary>One permission an API defines, such as <c>orders:read</c>.</summary>
public sealed record ApiScope(string Value, string Description);

/// <summary>A consumer (service, job, partner integration) with its own Auth0 machine-to-machine application.</summary>
/// <param name="Key">Stable key: the Pulumi resource name and part of its Key Vault secret names.</param>
/// <param name="Name">Display name in the Auth0 dashboard; renaming updates in place.</param>
/// <param name="Description">What the consumer is, for whoever reviews the tenant.</param>
/// <param name="Owner">The team or person accountable for it.</param>
/// <param name="Grants">Per API, exactly the scopes it may request.</param>
public sealed record M2MClientDefinition(
    string Key,
    string Name,
    string Description,
    string Owner,
    IReadOnlyList<ClientGrantPlan> Grants);

/// <summary>The scopes one client may request on one API.</summary>
public sealed record ClientGrantPlan(string ApiKey, IReadOnlyList<string> Scopes);
