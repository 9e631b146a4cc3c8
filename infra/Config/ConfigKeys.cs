namespace Infra.Config;

/// <summary>The type a config value has in the stack file.</summary>
public enum ConfigType
{
    /// <summary>Text.</summary>
    String,

    /// <summary>A whole number.</summary>
    Integer,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>A map with the keys of its <see cref="ConfigKey.Shape"/>.</summary>
    Object,

    /// <summary>A non-empty list: of objects with its <see cref="ConfigKey.Shape"/>, or else of strings.</summary>
    List,
}

/// <summary>
/// One config key, declared once: the strict reader accepts exactly the declared keys, with their types, and the
/// stack files' JSON Schema (<c>access-tool schema</c>) is generated from the same declarations.
/// </summary>
/// <param name="Name">The key as the stack file writes it.</param>
/// <param name="Type">Its type.</param>
/// <param name="Required">Whether it must be set.</param>
/// <param name="What">What it holds, as config problems name it: "is required: set {What}", "must be a list of {What}".</param>
/// <param name="Description">What it is for, as an editor shows it on hover.</param>
public sealed record ConfigKey(string Name, ConfigType Type, bool Required, string What, string Description)
{
    /// <summary>The keys of the object it holds, or of each item of a list of objects.</summary>
    public ConfigShape? Shape { get; init; }

    /// <summary>For a list of strings, what each item is, as problems name it; by default <see cref="What"/>.</summary>
    public string? ItemWhat { get; init; }

    /// <summary>Whether the stack file must hold it encrypted (<c>secure:</c>), never as plain text.</summary>
    public bool Secret { get; init; }

    /// <summary>For a list: whether <c>[]</c> is a value of its own rather than a mistake.</summary>
    public bool MayBeEmpty { get; init; }

    /// <summary>How problems name a list: a list of objects with the keys each item must have.</summary>
    public string Listed => Shape is null ? What : $"{What} ({Shape.RequiredKeys})";
}

/// <summary>The keys of one kind of config object, in the order stack files write them.</summary>
public sealed class ConfigShape
{
    /// <summary>Declares an object kind named <paramref name="name"/> (the schema's definition name) with <paramref name="keys"/>.</summary>
    public ConfigShape(string name, string description, params ConfigKey[] keys)
    {
        Name = name;
        Description = description;
        Keys = keys;
        Names = [.. keys.Select(k => k.Name)];
    }

    /// <summary>The kind's name, such as <c>client</c>.</summary>
    public string Name { get; }

    /// <summary>What one such object is.</summary>
    public string Description { get; }

    /// <summary>Its keys.</summary>
    public IReadOnlyList<ConfigKey> Keys { get; }

    /// <summary>The keys' names, in order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The keys every such object must have, as problems list them: <c>{key, name, grants}</c>.</summary>
    public string RequiredKeys => $"{{{string.Join(", ", Keys.Where(k => k.Required).Select(k => k.Name))}}}";

    /// <summary>The declaration of <paramref name="key"/>; reading an undeclared key is a bug in the reader.</summary>
    public ConfigKey this[string key]
        => Keys.FirstOrDefault(k => k.Name == key) ?? throw new InvalidOperationException($"The config object '{Name}' declares no key '{key}': declare it in {nameof(StackConfigKeys)}.");
}

/// <summary>
/// Every key a stack file sets for this program: the single declaration of the config's shape. The parser reads
/// exactly these keys with these types, and <c>access-tool schema</c> generates schema/stack-config.schema.json from
/// them, so an editor knows the same keys as the program.
/// </summary>
public static class StackConfigKeys
{
    /// <summary>The vault a stack creates: <c>keyVault.create</c>.</summary>
    public static readonly ConfigShape ManagedVault = new(
        "keyVaultCreate",
        "Create the resource group and the vault in this stack instead of using existing ones.",
        new("location", ConfigType.String, true, "the Azure region, such as westeurope", "The Azure region of the resource group and the vault, such as westeurope."),
        new("publicNetworkAccess", ConfigType.String, false, "Enabled or Disabled", "Enabled (the default) or Disabled: whether the vault's data plane is reachable from public networks; with Disabled, consumers need a private endpoint."),
        new("deployerObjectId", ConfigType.String, true, "the object id of the identity that runs pulumi up (`az ad sp show --id <app id> --query id`)", "The object id of the identity that runs pulumi up; the stack makes it Key Vault Secrets Officer on the vault."));

    /// <summary>The vault that receives the credentials: <c>keyVault</c>.</summary>
    public static readonly ConfigShape KeyVault = new(
        "keyVault",
        "The Key Vault that receives each client's credentials.",
        new("name", ConfigType.String, true, "the name of the Key Vault", "The Key Vault's name (3-24 letters, digits and single hyphens)."),
        new("resourceGroup", ConfigType.String, true, "the vault's resource group", "The vault's resource group."),
        new("secretPrefix", ConfigType.String, false, "the first segment of the secret names", "The first segment of every secret name (default m2m): at most 32 letters and digits in hyphen-joined groups."),
        new("create", ConfigType.Object, false, "the vault to create", "When present, the stack creates the resource group and the vault instead of using existing ones.") { Shape = ManagedVault },
        new("privateDataPlane", ConfigType.Boolean, false, "whether the existing vault's data plane is closed to public networks", "For an existing vault whose data plane is closed to public networks (the catalogue stack's, created with publicNetworkAccess Disabled): removed secrets are then retained, as a hosted pipeline cannot delete them."));

    /// <summary>A scope an API declares: <c>apis[].scopes[]</c>.</summary>
    public static readonly ConfigShape Scope = new(
        "scope",
        "A scope the API declares.",
        new("value", ConfigType.String, true, "the scope, such as orders:read", "The scope, such as orders:read: at most 280 characters, no spaces."),
        new("description", ConfigType.String, true, "what the scope allows", "What the scope allows: at most 500 characters."));

    /// <summary>An API: <c>apis[]</c>.</summary>
    public static readonly ConfigShape Api = new(
        "api",
        "An API: an Auth0 resource server.",
        new("key", ConfigType.String, true, "a stable key such as orders-api", "Stable key, the Pulumi resource name: lowercase letters and digits in single-hyphen groups, at most 40. Never change it: a new key replaces the API (list the old one under previousKeys)."),
        new("name", ConfigType.String, true, "the display name", "Display name, at most 200 characters; renaming updates in place."),
        new("identifier", ConfigType.String, true, "the audience, such as https://orders.example.com", "The audience (aud) of its tokens, unique in the tenant, such as https://api.acme.example/orders."),
        new("scopes", ConfigType.List, true, "scopes", "The scopes clients may be granted.") { Shape = Scope },
        new("tokenLifetime", ConfigType.Integer, false, "seconds", "Access-token lifetime in seconds (1-2592000); default: the stack's tokenLifetime. Also the revocation delay: a token issued before a grant is removed works until it expires."),
        new("signingAlg", ConfigType.String, false, "RS256", "Only RS256: APIs verify tokens with the tenant's public keys."),
        new("previousKeys", ConfigType.List, false, "keys this API had before", "Keys the API had before; each becomes a Pulumi alias, so a changed key keeps the live API."),
        new("import", ConfigType.String, false, "the Auth0 id of the resource server to adopt", "The Auth0 id (24 hexadecimal characters) of an existing API to adopt instead of creating it."),
        new("owners", ConfigType.List, false, "GitHub users (@login) or teams (@org/team)", "Who approves access to this API: GitHub users (@login) or teams (@org/team-slug). A pull request that increases access on it (a new grant, added scopes, re-enabling, a longer expiry, a new reader) needs an approving review of its head by one of them (docs/gitops.md).") { ItemWhat = "a GitHub user (@login) or team (@org/team-slug)" },
        new("maxCredentialLifetimeDays", ConfigType.Integer, false, "days", "When above 0, every client granted this API must have an expires date at most this many days ahead (up to 3650), on top of the stack's maxCredentialLifetimeDays; default 0, no maximum of its own."));

    /// <summary>What a client may call: <c>clients[].grants[]</c>.</summary>
    public static readonly ConfigShape Grant = new(
        "grant",
        "What the client may request from one API.",
        new("api", ConfigType.String, true, "the key of an API under apis", "The key of an API under apis."),
        new("scopes", ConfigType.List, true, "scope values", "The scopes, declared on that API, the client may request.") { ItemWhat = "a scope value declared on the API" },
        new("import", ConfigType.String, false, "the Auth0 id (cgr_…) of the grant to adopt", "The Auth0 id (cgr_ and 16 letters and digits) of an existing grant to adopt."));

    /// <summary>Who may read a client's secret: <c>clients[].readers[]</c>.</summary>
    public static readonly ConfigShape Reader = new(
        "reader",
        "An Azure principal that may read this client's secret, and nothing else in the vault.",
        new("objectId", ConfigType.String, true, "the principal's object id (a GUID)", "The principal's object id, a GUID: a managed identity's principalId, an app's service principal or a group."),
        new("principalType", ConfigType.String, true, "ServicePrincipal or Group", "ServicePrincipal (a managed identity or an app registration) or Group."));

    /// <summary>A machine-to-machine client: <c>clients[]</c>.</summary>
    public static readonly ConfigShape Client = new(
        "client",
        "A machine-to-machine client: an Auth0 application whose credentials go to its own Key Vault secret.",
        new("key", ConfigType.String, true, "a stable key such as orders-sync", "Stable key, the Pulumi resource name and part of its Key Vault secret's name: lowercase letters and digits in single-hyphen groups, at most 40. Never change it (list the old one under previousKeys)."),
        new("name", ConfigType.String, true, "the display name", "Display name in the Auth0 dashboard; renaming updates in place."),
        new("description", ConfigType.String, true, "what the consumer is", "What the consumer is, at most 140 characters."),
        new("owner", ConfigType.String, true, "the accountable team or person", "The accountable team or person, recorded in the client's metadata."),
        new("grants", ConfigType.List, true, "grants", "The APIs the client may call, one grant per API.") { Shape = Grant },
        new("readers", ConfigType.List, false, "readers", "The Azure principals that may read the client's secret.") { Shape = Reader },
        new("previousKeys", ConfigType.List, false, "keys this client had before", "Keys the client had before; each becomes a Pulumi alias."),
        new("import", ConfigType.String, false, "the Auth0 client id of the application to adopt", "The Auth0 client id (32 letters and digits) of an existing application to adopt, with its credentials."),
        new("expires", ConfigType.String, false, "the expiry date, such as 2027-03-31", "The first day (UTC, YYYY-MM-DD) the client gets no more tokens."),
        new("rotation", ConfigType.Integer, false, "the rotation counter", "Rotation counter: raise it by exactly one to give the client a new secret in the next pulumi up."),
        new("disabled", ConfigType.Boolean, false, "whether the client is disabled", "Disable the client: no more tokens, its Auth0 secret replaced, its Key Vault document emptied, its readers removed. Removing the flag restores it."),
        new("authentication", ConfigType.String, false, "client_secret_post or private_key_jwt", "How the client authenticates: client_secret_post (the default, a generated client secret) or private_key_jwt (a generated key pair; Auth0 holds only the public keys, each expiring on the client's expires date; Enterprise plans). docs/credential-lifecycle.md."),
        new("keysSinceRotation", ConfigType.Integer, false, "the rotation at which the client moved to keys", "For a private_key_jwt client that had a client secret before: the rotation at which it moved, raised by one in the same change as authentication. Leave it out for a client that has had keys from the start."));

    /// <summary>The keys under the project's namespace (<c>infra:</c>), in the order problems list them.</summary>
    public static readonly IReadOnlyList<ConfigKey> Project =
    [
        new("keyVault", ConfigType.Object, true, "the existing vault", "The Key Vault that receives each client's credentials.") { Shape = KeyVault },
        new("apis", ConfigType.List, true, "APIs", "The APIs (Auth0 resource servers); Pulumi.yaml declares the catalogue every stack shares.") { Shape = Api },
        // [] is a stack of APIs only: the catalogue stack of an environment whose clients all live in team stacks.
        new("clients", ConfigType.List, true, "clients", "The machine-to-machine clients; [] for a stack that holds only the APIs.") { Shape = Client, MayBeEmpty = true },
        new("protect", ConfigType.Boolean, false, "true or false", "Protect APIs, scopes, the Action, clients, credentials, grants, the vault and its group: pulumi up then refuses to delete or replace them."),
        new("production", ConfigType.Boolean, false, "true or false", "Marks a production stack; such a stack must set protect to true."),
        new("tokenLifetime", ConfigType.Integer, false, "seconds", "Access-token lifetime in seconds (1-2592000) of every API that sets none; default 3600."),
        new("maxCredentialLifetimeDays", ConfigType.Integer, false, "days", "When above 0, every client must have an expires date at most this many days ahead (up to 3650); default 0, no maximum."),
        new("roleAssignmentBudget", ConfigType.Integer, false, "role assignments", "The most Azure role assignments the stack may declare (one per reader of each enabled client, and the deployer's on a created vault); default 4000, a whole subscription's limit."),
        new("applicationCredentialLimit", ConfigType.Integer, false, "application credentials", "The most application credentials (private_key_jwt public keys) the tenant holds, counted over every stack of the environment: each key client has one or two. Default 2000, Auth0's limit on Enterprise tenants (its entity limit policy)."),
        new("catalogueStack", ConfigType.String, false, "the name of the environment's catalogue stack, such as prod", "Makes this a team stack of that environment: the named stack deploys the APIs of Pulumi.yaml and the Action, this one only its own clients, their grants, secrets and readers. Name this stack <catalogueStack>.<team>, such as prod.payments (docs/team-stacks.md)."),
    ];

    /// <summary>The Auth0 provider's keys a stack file sets (<c>auth0:</c>); the program reads the domain.</summary>
    public static readonly IReadOnlyList<ConfigKey> Auth0 =
    [
        // Not required in the file: the provider, and the program, take AUTH0_DOMAIN from the environment instead.
        new("domain", ConfigType.String, false, "the tenant's domain", "The Auth0 tenant's domain, such as acme.eu.auth0.com (or the AUTH0_DOMAIN variable); also gives the token endpoint."),
        new("clientId", ConfigType.String, false, "the management client's id", "The client id of the management application Pulumi deploys with (or the AUTH0_CLIENT_ID variable)."),
        new("clientSecret", ConfigType.String, false, "the management client's secret", "Its secret, only ever encrypted: pulumi config set --secret auth0:clientSecret (or the AUTH0_CLIENT_SECRET variable).") { Secret = true },
    ];

    /// <summary>The project key <paramref name="name"/>; reading an undeclared key is a bug in the reader.</summary>
    public static ConfigKey ProjectKey(string name)
        => Project.FirstOrDefault(k => k.Name == name) ?? throw new InvalidOperationException($"No project config key '{name}' is declared in {nameof(StackConfigKeys)}.{nameof(Project)}.");

    /// <summary>
    /// The project key <paramref name="name"/>, which the parser reads as <paramref name="type"/> (all top-level keys
    /// are optional text): a declaration that disagrees would give the schema and the parser different types.
    /// </summary>
    public static ConfigKey ProjectKey(string name, ConfigType type)
    {
        var declared = ProjectKey(name);
        return declared.Type == type ? declared : throw new InvalidOperationException($"The project config key '{name}' is declared as {declared.Type} but read as {type}.");
    }
}
