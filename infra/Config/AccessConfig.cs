namespace Infra.Config;

/// <summary>The whole, validated access model of one stack: APIs, the clients granted on them, and where credentials go.</summary>
/// <param name="Policy">Stack-wide safety settings.</param>
/// <param name="Tenant">The Auth0 tenant the stack deploys into.</param>
/// <param name="KeyVault">The vault that receives each client's credentials.</param>
/// <param name="Apis">The APIs, in config order.</param>
/// <param name="Clients">The machine-to-machine clients, in config order.</param>
public sealed record AccessConfig(
    StackPolicy Policy,
    Auth0Tenant Tenant,
    KeyVaultTarget KeyVault,
    IReadOnlyList<ApiDefinition> Apis,
    IReadOnlyList<M2MClientDefinition> Clients)
{
    /// <summary>
    /// In a team stack, the name of the environment's catalogue stack, which deploys the APIs and the Action this
    /// stack's clients rely on; null in a catalogue stack or a stack that is not split.
    /// </summary>
    public string? CatalogueStack { get; init; }
}

/// <summary>Stack-wide safety settings.</summary>
/// <param name="Protect">Sets Pulumi's <c>protect</c> on APIs, clients, grants, credentials, the vault and its secrets.</param>
/// <param name="Production">Marks the stack as production, which requires <paramref name="Protect"/>.</param>
/// <param name="DefaultTokenLifetimeSeconds">The access-token lifetime of APIs that set none.</param>
public sealed record StackPolicy(bool Protect, bool Production, int DefaultTokenLifetimeSeconds)
{
    /// <summary>When set above 0, every client must expire, at most this many days ahead.</summary>
    public int? MaxCredentialLifetimeDays { get; init; }

    /// <summary>Azure's limit of role assignments per subscription, shared by everything in it.</summary>
    public const int AzureRoleAssignmentLimit = 4000;

    /// <summary>How many role assignments the stack may declare: its share of the subscription's limit.</summary>
    public int RoleAssignmentBudget { get; init; } = AzureRoleAssignmentLimit;

    /// <summary>
    /// Auth0's limit on application credentials in an Enterprise tenant (Auth0 docs, "Entity Limit Policy":
    /// "Application Credentials | 2,000"); the self-service plans have no Private Key JWT.
    /// </summary>
    public const int Auth0ApplicationCredentialLimit = 2000;

    /// <summary>How many application credentials the tenant may hold, over every stack of the environment.</summary>
    public int ApplicationCredentialLimit { get; init; } = Auth0ApplicationCredentialLimit;
}

/// <summary>What a stack declares that counts against a provider's limits.</summary>
/// <param name="RoleAssignments">Azure role assignments: one per reader of an enabled client, and the deployer's on a created vault.</param>
/// <param name="Clients">Auth0 applications.</param>
/// <param name="Grants">Auth0 client grants.</param>
/// <param name="ResourceServers">Auth0 APIs.</param>
public sealed record StackCapacity(int RoleAssignments, int Clients, int Grants, int ResourceServers)
{
    /// <summary>Auth0 application credentials: the public keys of the key clients, one or two each (ClientKeys).</summary>
    public int ApplicationCredentials { get; init; }

    /// <summary>Counts what <paramref name="config"/> declares.</summary>
    public static StackCapacity Of(AccessConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new(
            config.Clients.Where(c => !c.Disabled).Sum(c => c.Readers.Count) + (config.KeyVault.Create is null ? 0 : 1),
            config.Clients.Count,
            config.Clients.Sum(c => c.Grants.Count),
            // A team stack grants on its catalogue's APIs and declares none.
            config.CatalogueStack is null ? config.Apis.Count : 0)
        {
            ApplicationCredentials = config.Clients.Sum(c => ClientKeys.Credentials(c).Count),
        };
    }
}

/// <summary>The Auth0 tenant: its domain is where consumers exchange credentials for tokens.</summary>
public sealed record Auth0Tenant(string Domain)
{
    /// <summary>The OAuth 2.0 token endpoint a consumer posts its client credentials to.</summary>
    public string TokenEndpoint => $"https://{Domain}/oauth/token";

    /// <summary>
    /// The <c>aud</c> of a client assertion: the tenant's URL with the trailing slash, which Auth0 requires (Auth0 docs,
    /// "Authenticate with Private Key JWT": <c>https://{yourTenant}.auth0.com/</c>, "including the trailing slash").
    /// </summary>
    public string AssertionAudience => $"https://{Domain}/";

    /// <summary>The Auth0 Management API audience; granting it would hand a consumer the tenant.</summary>
    public string ManagementApiIdentifier => $"https://{Domain}/api/v2/";
}

/// <summary>The Azure Key Vault that receives the credentials, and the prefix of the secret names this stack writes into it.</summary>
public sealed record KeyVaultTarget(string Name, string ResourceGroup, string SecretPrefix)
{
    /// <summary>When set, the stack creates the resource group and the vault itself; otherwise they must exist.</summary>
    public ManagedVaultSettings? Create { get; init; }

    /// <summary>What config says of an existing vault: its data plane is closed to public networks (<c>keyVault.privateDataPlane</c>).</summary>
    public bool ExistingVaultIsPrivate { get; init; }

    /// <summary>
    /// Whether the vault's data plane is closed to public networks, so a hosted pipeline cannot delete secrets: a created
    /// vault with <c>publicNetworkAccess: Disabled</c>, or an existing one config says is (a team stack writing into
    /// its catalogue stack's vault).
    /// </summary>
    public bool PrivateDataPlane => Create?.PrivateDataPlane ?? ExistingVaultIsPrivate;

    /// <summary>The vault's data-plane URI.</summary>
    public string Uri => $"https://{Name}.vault.azure.net/";

    /// <summary>The Azure resource id of the vault.</summary>
    public string Scope(string subscriptionId)
        => $"/subscriptions/{subscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.KeyVault/vaults/{Name}";

    /// <summary>The Azure resource id of a secret in this vault, the scope of its role assignments.</summary>
    public string SecretScope(string subscriptionId, string secretName) => $"{Scope(subscriptionId)}/secrets/{secretName}";
}

/// <summary>How the stack creates its own vault.</summary>
/// <param name="Location">The Azure region of the resource group and the vault.</param>
/// <param name="PublicNetworkAccess"><c>Enabled</c> or <c>Disabled</c>: whether the vault's data plane is reachable from public networks.</param>
/// <param name="DeployerObjectId">
/// The object id of the identity that runs <c>pulumi up</c>, made Key Vault Secrets Officer. Configured rather than
/// read from whoever runs: a preview or drift check under another identity must see no change.
/// </param>
public sealed record ManagedVaultSettings(string Location, string PublicNetworkAccess, string DeployerObjectId)
{
    /// <summary>Whether the data plane is closed to public networks, so a hosted pipeline cannot delete secrets.</summary>
    public bool PrivateDataPlane => PublicNetworkAccess == "Disabled";
}

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
    string SigningAlgorithm)
{
    /// <summary>Keys this API had before; each becomes an alias so a key change keeps the live API.</summary>
    public IReadOnlyList<string> PreviousKeys { get; init; } = [];

    /// <summary>The Auth0 id of an existing resource server to adopt instead of creating one.</summary>
    public string? ImportId { get; init; }

    /// <summary>Who approves access to it: GitHub users (<c>@login</c>) and teams (<c>@org/team-slug</c>).</summary>
    public IReadOnlyList<string> Owners { get; init; } = [];

    /// <summary>Above 0: the most days ahead a client granted this API may expire; 0, no cap of its own.</summary>
    public int MaxCredentialLifetimeDays { get; init; }
}

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
    IReadOnlyList<ClientGrantPlan> Grants)
{
    /// <summary>The Azure principals that may read this client's credentials, and nothing else in the vault.</summary>
    public IReadOnlyList<SecretReader> Readers { get; init; } = [];

    /// <summary>Keys this client had before; each becomes an alias so a key change keeps the live client.</summary>
    public IReadOnlyList<string> PreviousKeys { get; init; } = [];

    /// <summary>The Auth0 client id of an existing application to adopt instead of creating one.</summary>
    public string? ImportId { get; init; }

    /// <summary>The first day (UTC) on which the client gets no more tokens; null: it does not expire.</summary>
    public DateOnly? Expires { get; init; }

    /// <summary>The rotation counter: raising it gives the client a new secret in the next <c>pulumi up</c>.</summary>
    public int Rotation { get; init; }

    /// <summary>A disabled client gets no tokens (the Action refuses it) and its secret is replaced.</summary>
    public bool Disabled { get; init; }

    /// <summary>How the client proves itself to Auth0: a client secret (the default) or a key pair.</summary>
    public ClientAuthentication Authentication { get; init; }

    /// <summary>
    /// For a key client that had a client secret before: the rotation at which it moved to keys, whose deploy still
    /// hands the consumer that secret as the fallback. Null for a client that has had keys from the start.
    /// </summary>
    public int? KeysSinceRotation { get; init; }

    /// <summary>Whether this deploy moves the client from its client secret to keys (doc first, Auth0 after).</summary>
    public bool MovesToKeys => Authentication == ClientAuthentication.PrivateKeyJwt && KeysSinceRotation is { } since && since == Rotation && !Disabled;
}

/// <summary>How a client authenticates at the token endpoint.</summary>
public enum ClientAuthentication
{
    /// <summary><c>client_secret_post</c>: a shared secret, generated by this program, that Auth0 holds too.</summary>
    ClientSecret,

    /// <summary>
    /// <c>private_key_jwt</c>: the consumer signs a short assertion (RFC 7523) with a private key; Auth0 holds only the
    /// public keys, each with its own expiry, two at a time (Enterprise plans).
    /// </summary>
    PrivateKeyJwt,
}

/// <summary>The scopes one client may request on one API.</summary>
public sealed record ClientGrantPlan(string ApiKey, IReadOnlyList<string> Scopes)
{
    /// <summary>The Auth0 id (<c>cgr_…</c>) of an existing grant to adopt instead of creating one.</summary>
    public string? ImportId { get; init; }
}

/// <summary>An Azure principal allowed to read one client's secrets.</summary>
/// <param name="ObjectId">The principal's object id, a GUID in lowercase.</param>
/// <param name="PrincipalType"><c>ServicePrincipal</c> (a managed identity or an app registration) or <c>Group</c>.</param>
public sealed record SecretReader(string ObjectId, string PrincipalType);
