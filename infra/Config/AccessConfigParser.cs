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

    /// <summary>The <c>applicationCredentialLimit</c> value.</summary>
    public string? ApplicationCredentialLimit { get; init; }

    /// <summary>The <c>catalogueStack</c> value: set in a team stack.</summary>
    public string? CatalogueStack { get; init; }

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
            ApplicationCredentialLimit = Project("applicationCredentialLimit"),
            CatalogueStack = Project("catalogueStack"),
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

    /// <summary>The keys this program reads under the project namespace, as <see cref="StackConfigKeys.Project"/> declares them.</summary>
    public static readonly IReadOnlyList<string> ProjectKeys = [.. StackConfigKeys.Project.Select(k => k.Name)];

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

        var tokenLifetime = WholeNumber(raw.TokenLifetime, ns, "tokenLifetime", problems) ?? DefaultTokenLifetimeSeconds;
        var policy = new StackPolicy(
            Boolean(raw.Protect, ns, "protect", problems),
            Boolean(raw.Production, ns, "production", problems),
            tokenLifetime)
        {
            MaxCredentialLifetimeDays = WholeNumber(raw.MaxCredentialLifetimeDays, ns, "maxCredentialLifetimeDays", problems),
            RoleAssignmentBudget = WholeNumber(raw.RoleAssignmentBudget, ns, "roleAssignmentBudget", problems) ?? StackPolicy.AzureRoleAssignmentLimit,
            ApplicationCredentialLimit = WholeNumber(raw.ApplicationCredentialLimit, ns, "applicationCredentialLimit", problems) ?? StackPolicy.Auth0ApplicationCredentialLimit,
        };
        var keyVault = ParseKeyVault(Document(raw.KeyVault), $"{ns}:keyVault", problems);
        var apis = StrictObject.List(Document(raw.Apis), $"{ns}:apis", StackConfigKeys.ProjectKey("apis"), problems)
            .Select(a => ParseApi(a.Item, a.Path, tokenLifetime, problems))
            .ToList();
        var clients = StrictObject.List(Document(raw.Clients), $"{ns}:clients", StackConfigKeys.ProjectKey("clients"), problems)
            .Select(c => ParseClient(c.Item, c.Path, problems))
            .ToList();

        var config = new AccessConfig(policy, new Auth0Tenant(raw.Auth0Domain?.Trim() ?? ""), keyVault, apis, clients)
        {
            // Pulumi.yaml declares it with an empty default, which every stack that is not a team stack gets.
            CatalogueStack = string.IsNullOrEmpty(raw.CatalogueStack) ? null : raw.CatalogueStack,
        };
        problems.AddRange(AccessConfigValidator.Validate(config, ns, raw.Today));
        problems.AddRange(AccessConfigValidator.ValidateTeamStack(config, ns, raw.StackName));
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

    private static int? WholeNumber(string? text, string ns, string key, List<ConfigProblem> problems)
    {
        var declared = StackConfigKeys.ProjectKey(key, ConfigType.Integer);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        problems.Add(new($"{ns}:{key}", $"must be a whole number of {declared.What}."));
        return null;
    }

    private static bool Boolean(string? text, string ns, string key, List<ConfigProblem> problems)
    {
        var declared = StackConfigKeys.ProjectKey(key, ConfigType.Boolean);
        switch (text)
        {
            case null or "false":
                return false;
            case "true":
                return true;
            default:
                problems.Add(new($"{ns}:{key}", $"must be {declared.What}."));
                return false;
        }
    }

    private static KeyVaultTarget ParseKeyVault(JsonElement element, string path, List<ConfigProblem> problems)
    {
        if (element.ValueKind is JsonValueKind.Undefined)
        {
            problems.Add(new(path, $"is required: set {StackConfigKeys.ProjectKey("keyVault").What} as {StackConfigKeys.KeyVault.RequiredKeys} in Pulumi.<stack>.yaml."));
            return new KeyVaultTarget("", "", DefaultSecretPrefix);
        }

        var vault = StrictObject.Open(element, path, problems, StackConfigKeys.KeyVault);
        if (vault is null)
        {
            return new KeyVaultTarget("", "", DefaultSecretPrefix);
        }

        var create = vault.OptionalObject("create");
        return new KeyVaultTarget(
            vault.RequiredString("name"),
            vault.RequiredString("resourceGroup"),
            vault.OptionalString("secretPrefix", DefaultSecretPrefix))
        {
            ExistingVaultIsPrivate = vault.OptionalBool("privateDataPlane", false),
            Create = create is null
                ? null
                : new ManagedVaultSettings(
                    create.RequiredString("location"),
                    create.OptionalString("publicNetworkAccess", "Enabled"),
                    create.RequiredString("deployerObjectId")),
        };
    }

    private static ApiDefinition ParseApi(JsonElement element, string path, int defaultTokenLifetime, List<ConfigProblem> problems)
    {
        var api = StrictObject.Open(element, path, problems, StackConfigKeys.Api);
        if (api is null)
        {
            return new ApiDefinition("", "", "", [], defaultTokenLifetime, SigningAlgorithm);
        }

        var scopes = api.RequiredList("scopes")
            .Select(s => ParseScope(s.Item, s.Path, problems))
            .ToList();
        return new ApiDefinition(
            api.RequiredString("key"),
            api.RequiredString("name"),
            api.RequiredString("identifier"),
            scopes,
            api.OptionalInt("tokenLifetime", defaultTokenLifetime) ?? defaultTokenLifetime,
            api.OptionalString("signingAlg", SigningAlgorithm))
        {
            PreviousKeys = api.Strings("previousKeys"),
            ImportId = api.OptionalString("import"),
            Owners = api.Strings("owners"),
            MaxCredentialLifetimeDays = api.OptionalInt("maxCredentialLifetimeDays", 0) ?? 0,
        };
    }

    private static ApiScope ParseScope(JsonElement element, string path, List<ConfigProblem> problems)
    {
        var scope = StrictObject.Open(element, path, problems, StackConfigKeys.Scope);
        return scope is null
            ? new ApiScope("", "")
            : new ApiScope(
                scope.RequiredString("value"),
                scope.RequiredString("description"));
    }

    private static M2MClientDefinition ParseClient(JsonElement element, string path, List<ConfigProblem> problems)
    {
        var client = StrictObject.Open(element, path, problems, StackConfigKeys.Client);
        if (client is null)
        {
            return new M2MClientDefinition("", "", "", "", []);
        }

        var grants = client.RequiredList("grants")
            .Select(g => ParseGrant(g.Item, g.Path, problems))
            .ToList();
        return new M2MClientDefinition(
            client.RequiredString("key"),
            client.RequiredString("name"),
            client.RequiredString("description"),
            client.RequiredString("owner"),
            grants)
        {
            Readers = client.OptionalList("readers")
                .Select(r => ParseReader(r.Item, r.Path, problems))
                .ToList(),
            PreviousKeys = client.Strings("previousKeys"),
            ImportId = client.OptionalString("import"),
            Expires = Date(client.OptionalString("expires"), $"{path}.expires", problems),
            Rotation = client.OptionalInt("rotation", 0) ?? 0,
            Disabled = client.OptionalBool("disabled", false),
            Authentication = Authentication(client.OptionalString("authentication"), $"{path}.authentication", problems),
            // Absent is null; a value of the wrong type is a problem already, and null then too.
            KeysSinceRotation = client.OptionalInt("keysSinceRotation", int.MinValue) is { } since and not int.MinValue ? since : null,
        };
    }

    /// <summary>The config names of the authentication methods, as Auth0 names them.</summary>
    public static readonly IReadOnlyDictionary<string, ClientAuthentication> AuthenticationMethods = new Dictionary<string, ClientAuthentication>(StringComparer.Ordinal)
    {
        ["client_secret_post"] = ClientAuthentication.ClientSecret,
        ["private_key_jwt"] = ClientAuthentication.PrivateKeyJwt,
    };

    /// <summary>The config (and Auth0) name of <paramref name="authentication"/>: <c>client_secret_post</c> or <c>private_key_jwt</c>.</summary>
    public static string MethodName(ClientAuthentication authentication)
        => AuthenticationMethods.Single(m => m.Value == authentication).Key;

    private static ClientAuthentication Authentication(string? text, string path, List<ConfigProblem> problems)
    {
        if (text is null)
        {
            return ClientAuthentication.ClientSecret;
        }

        if (AuthenticationMethods.TryGetValue(text, out var method))
        {
            return method;
        }

        problems.Add(new(path, $"must be client_secret_post or private_key_jwt; it is '{text}'."));
        return ClientAuthentication.ClientSecret;
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
        var reader = StrictObject.Open(element, path, problems, StackConfigKeys.Reader);
        return reader is null
            ? new SecretReader("", "")
            : new SecretReader(
                reader.RequiredString("objectId"),
                reader.RequiredString("principalType"));
    }

    private static ClientGrantPlan ParseGrant(JsonElement element, string path, List<ConfigProblem> problems)
    {
        var grant = StrictObject.Open(element, path, problems, StackConfigKeys.Grant);
        if (grant is null)
        {
            return new ClientGrantPlan("", []);
        }

        var scopes = grant.Strings("scopes");
        return new ClientGrantPlan(grant.RequiredString("api"), scopes)
        {
            ImportId = grant.OptionalString("import"),
        };
    }
}
