using System.Text.Json;

namespace Infra.Config;

/// <summary>A stack's config as the Pulumi engine hands it over: structured values arrive as JSON text.</summary>
/// <param name="Namespace">The project's config namespace (the project name), used in error paths.</param>
/// <param name="StackName">The stack, which is also the environment recorded on each client.</param>
/// <param name="Auth0Domain">The <c>auth0:domain</c> config, or the <c>AUTH0_DOMAIN</c> variable the provider also reads.</param>
/// <param name="KeyVault">The <c>keyVault</c> value.</param>
/// <param name="Apis">The <c>apis</c> value.</param>
/// <param name="Clients">The <c>clients</c> value.</param>
public sealed record RawStackConfig(
    string Namespace,
    string StackName,
    string? Auth0Domain,
    string? KeyVault,
    string? Apis,
    string? Clients)
{
    /// <summary>The <c>protect</c> value.</summary>
    public string? Protect { get; init; }

    /// <summary>The <c>production</c> value.</summary>
    public string? Production { get; init; }

    /// <summary>The <c>tokenLifetime</c> value: the stack's default for APIs that set none.</summary>
    public string? TokenLifetime { get; init; }

    /// <summary>The <c>maxCredentialLifetimeDays</c> value.</summary>
    public string? MaxCredentialLifetimeDays { get; init; }

    /// <summary>The <c>roleAssignmentBudget</c> value.</summary>
    public string? RoleAssignmentBudget { get; init; }

    /// <summary>Today (UTC), for expiry dates; null skips the checks that depend on the date.</summary>
    public DateOnly? Today { get; init; }

    /// <summary>Every key set under the project namespace, when the engine says; any not read here is a misspelling.</summary>
    public IReadOnlyCollection<string>? ProjectKeys { get; init; }

    /// <summary>
    /// From a full config map as the engine passes it (<c>namespace:key</c> to text), for tools that read stack files.
    /// </summary>
    /// <param name="ns">The project namespace.</param>
    /// <param name="stackName">The stack.</param>
    /// <param name="config">Every config value, keyed <c>namespace:key</c>.</param>
    /// <param name="auth0DomainVariable">The <c>AUTH0_DOMAIN</c> value, used when <c>auth0:domain</c> is not set.</param>
    /// <param name="today">Today (UTC), for expiry dates; null skips the checks that depend on the date.</param>
    public static RawStackConfig FromMap(string ns, string stackName, IReadOnlyDictionary<string, string> config, string? auth0DomainVariable = null, DateOnly? today = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        string? Project(string key) => config.GetValueOrDefault($"{ns}:{key}");
        return new RawStackConfig(ns, stackName, config.GetValueOrDefault("auth0:domain") ?? auth0DomainVariable, Project("keyVault"), Project("apis"), Project("clients"))
        {
            Protect = Project("protect"),
            Production = Project("production"),
            TokenLifetime = Project("tokenLifetime"),
            MaxCredentialLifetimeDays = Project("maxCredentialLifetimeDays"),
            RoleAssignmentBudget = Project("roleAssignmentBudget"),
            Today = today,
            ProjectKeys = config.Keys.Where(k => k.StartsWith($"{ns}:", StringComparison.Ordinal)).Select(k => k[(ns.Length + 1)..]).ToList(),
        };
    }
}

/// <summary>Turns raw stack config into an <see cref="AccessConfig"/>, or fails with every problem at once.</summary>
public static class AccessConfigParser
{
    /// <summary>One hour: short enough that removing a grant takes effect within the hour, long enough to keep token requests (billed by Auth0) rare.</summary>
    public const int DefaultTokenLifetimeSeconds = 3600;

    /// <summary>The first segment of every Key Vault secret name unless <c>keyVault.secretPrefix</c> says otherwise.</summary>
    public const string DefaultSecretPrefix = "m2m";

    /// <summary>The only signing algorithm allowed: RS256 tokens are verified with the tenant's public keys, HS256 would need the signing secret in every API.</summary>
    public const string SigningAlgorithm = "RS256";

    /// <summary>The keys this program reads under the project namespace.</summary>
    public static readonly IReadOnlyList<string> ProjectKeys = ["keyVault", "apis", "clients", "protect", "production", "tokenLifetime", "maxCredentialLifetimeDays", "roleAssignmentBudget"];

    /// <summary>Parses and validates; throws <see cref="ConfigValidationException"/> listing every problem.</summary>
    public static AccessConfig Parse(RawStackConfig raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var problems = new List<ConfigProblem>();
        var ns = raw.Namespace;

        foreach (var key in raw.ProjectKeys?.Where(k => !ProjectKeys.Contains(k, StringComparer.Ordinal)) ?? [])
        {
            var suggestion = StrictObject.Suggest(key, ProjectKeys);
            var fix = suggestion is null ? $"remove it (known keys: {string.Join(", ", ProjectKeys.Select(k => $"{ns}:{k}"))})." : $"did you mean '{ns}:{suggestion}'?";
            problems.Add(new($"{ns}:{key}", $"unknown key; {fix}"));
        }


        var tokenLifetime = WholeNumber(raw.TokenLifetime, $"{ns}:tokenLifetime", problems) ?? DefaultTokenLifetimeSeconds;
        var policy = new StackPolicy(
            Boolean(raw.Protect, $"{ns}:protect", problems),
            Boolean(raw.Production, $"{ns}:production", problems),
            tokenLifetime)
        {
            MaxCredentialLifetimeDays = WholeNumber(raw.MaxCredentialLifetimeDays, $"{ns}:maxCredentialLifetimeDays", problems, "days"),
            RoleAssignmentBudget = WholeNumber(raw.RoleAssignmentBudget, $"{ns}:roleAssignmentBudget", problems, "role assignments") ?? StackPolicy.AzureRoleAssignmentLimit,
        };
        var keyVault = ParseKeyVault(Document(raw.KeyVault), $"{ns}:keyVault", problems);
        var apis = StrictObject.List(Document(raw.Apis), $"{ns}:apis", "APIs ({key, name, identifier, scopes})", problems)
            .Select(a => ParseApi(a.Item, a.Path, tokenLifetime, problems))
            .ToList();
        var clients = StrictObject.List(Document(raw.Clients), $"{ns}:clients", "clients ({key, name, description, owner, grants})", problems)
            .Select(c => ParseClient(c.Item, c.Path, problems))
            .ToList();

        var config = new AccessConfig(policy, new Auth0Tenant(raw.Auth0Domain?.Trim() ?? ""), keyVault, apis, clients);
        problems.AddRange(AccessConfigValidator.Validate(config, ns, raw.Today));
        if (problems.Count > 0)
        {
            throw new ConfigValidationException(problems);
        }

        return config;
    }

    private static JsonElement Document(string? text)
    {
        if (text is null)
        {
            // Undefined: the readers report the key as required.
            return default;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Pulumi hands plain scalars over as raw text; the readers report it as a string of the wrong type.
            return JsonSerializer.SerializeToElement(text);
        }
    }

    private static int? WholeNumber(string? text, string path, List<ConfigProblem> problems, string unit = "seconds")
    {
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        problems.Add(new(path, $"must be a whole number of {unit}."));
        return null;
    }

    private static bool Boolean(string? text, string path, List<ConfigProblem> problems)
    {
        switch (text)
        {
            case null or "false":
                return false;
            case "true":
                return true;
            default:
                problems.Add(new(path, "must be true or false."));
                return false;
        }
    }

    private static KeyVaultTarget ParseKeyVault(JsonElement element, string path, List<ConfigProblem> problems)
    {
        if (element.ValueKind is JsonValueKind.Undefined)
        {
            problems.Add(new(path, "is required: set the existing vault as {name, resourceGroup} in Pulumi.<stack>.yaml."));
            return new KeyVaultTarget("", "", DefaultSecretPrefix);
        }

        var vault = StrictObject.Open(element, path, problems, "name", "resourceGroup", "secretPrefix", "create");
        if (vault is null)
        {
            return new KeyVaultTarget("", "", DefaultSecretPrefix);
        }

        var create = vault.OptionalObject("create", "location", "publicNetworkAccess", "deployerObjectId");
        return new KeyVaultTarget(
            vault.RequiredString("name", "the name of the Key Vault"),
            vault.RequiredString("resourceGroup", "the vault's resource group"),
            vault.OptionalString("secretPrefix", DefaultSecretPrefix, "the first segment of the secret names"))
        {
            Create = create is null
                ? null
                : new ManagedVaultSettings(
                    create.RequiredString("location", "the Azure region, such as westeurope"),
                    create.OptionalString("publicNetworkAccess", "Enabled", "Enabled or Disabled"),
                    create.RequiredString("deployerObjectId", "the object id of the identity that runs pulumi up (`az ad sp show --id <app id> --query id`)")),
        };
    }

    private static IReadOnlyList<string> Strings(StrictObject owner, string key, string what, List<ConfigProblem> problems)
        => owner.OptionalList(key, what)
            .Select(item => StrictObject.StringItem(item.Item, item.Path, what, problems))
            .ToList();

    private static ApiDefinition ParseApi(JsonElement element, string path, int defaultTokenLifetime, List<ConfigProblem> problems)
    {
        var api = StrictObject.Open(element, path, problems, "key", "name", "identifier", "scopes", "tokenLifetime", "signingAlg", "previousKeys", "import");
        if (api is null)
        {
            return new ApiDefinition("", "", "", [], defaultTokenLifetime, SigningAlgorithm);
        }

        var scopes = api.RequiredList("scopes", "scopes ({value, description})")
            .Select(s => ParseScope(s.Item, s.Path, problems))
            .ToList();
        return new ApiDefinition(
            api.RequiredString("key", "a stable key such as orders-api"),
            api.RequiredString("name", "the display name"),
            api.RequiredString("identifier", "the audience, such as https://orders.example.com"),
            scopes,
            api.OptionalInt("tokenLifetime", defaultTokenLifetime, "seconds") ?? defaultTokenLifetime,
            api.OptionalString("signingAlg", SigningAlgorithm, "RS256"))
        {
            PreviousKeys = Strings(api, "previousKeys", "keys this API had before", problems),
            ImportId = api.OptionalString("import", "the Auth0 id of the resource server to adopt"),
        };
    }

    private static ApiScope ParseScope(JsonElement element, string path, List<ConfigProblem> problems)
    {
        var scope = StrictObject.Open(element, path, problems, "value", "description");
        return scope is null
            ? new ApiScope("", "")
            : new ApiScope(
                scope.RequiredString("value", "the scope, such as orders:read"),
                scope.RequiredString("description", "what the scope allows"));
    }

    private static M2MClientDefinition ParseClient(JsonElement element, string path, List<ConfigProblem> problems)
    {
        var client = StrictObject.Open(element, path, problems, "key", "name", "description", "owner", "grants", "readers", "previousKeys", "import", "expires", "rotation", "disabled");
        if (client is null)
        {
            return new M2MClientDefinition("", "", "", "", []);
        }

        var grants = client.RequiredList("grants", "grants ({api, scopes})")
            .Select(g => ParseGrant(g.Item, g.Path, problems))
            .ToList();
        return new M2MClientDefinition(
            client.RequiredString("key", "a stable key such as orders-sync"),
            client.RequiredString("name", "the display name"),
            client.RequiredString("description", "what the consumer is"),
            client.RequiredString("owner", "the accountable team or person"),
            grants)
        {
            Readers = client.OptionalList("readers", "readers ({objectId, principalType})")
                .Select(r => ParseReader(r.Item, r.Path, problems))
                .ToList(),
            PreviousKeys = Strings(client, "previousKeys", "keys this client had before", problems),
            ImportId = client.OptionalString("import", "the Auth0 client id of the application to adopt"),
            Expires = Date(client.OptionalString("expires", "the expiry date, such as 2027-03-31"), $"{path}.expires", problems),
            Rotation = client.OptionalInt("rotation", 0, "the rotation counter") ?? 0,
            Disabled = client.OptionalBool("disabled", false),
        };
    }

    private static DateOnly? Date(string? text, string path, List<ConfigProblem> problems)
    {
        if (text is null || text.Length == 0)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
        {
            return date;
        }

        problems.Add(new(path, "must be a date written YYYY-MM-DD, such as 2027-03-31."));
        return null;
    }

    private static SecretReader ParseReader(JsonElement element, string path, List<ConfigProblem> problems)
    {
        var reader = StrictObject.Open(element, path, problems, "objectId", "principalType");
        return reader is null
            ? new SecretReader("", "")
            : new SecretReader(
                reader.RequiredString("objectId", "the principal's object id (a GUID)"),
                reader.RequiredString("principalType", "ServicePrincipal or Group"));
    }

    private static ClientGrantPlan ParseGrant(JsonElement element, string path, List<ConfigProblem> problems)
    {
        var grant = StrictObject.Open(element, path, problems, "api", "scopes", "import");
        if (grant is null)
        {
            return new ClientGrantPlan("", []);
        }

        var scopes = grant.RequiredList("scopes", "scope values")
            .Select(s => StrictObject.StringItem(s.Item, s.Path, "a scope value declared on the API", problems))
            .ToList();
        return new ClientGrantPlan(grant.RequiredString("api", "the key of an API under apis"), scopes)
        {
            ImportId = grant.OptionalString("import", "the Auth0 id (cgr_…) of the grant to adopt"),
        };
    }
}
