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
    string? Clients);

/// <summary>Turns raw stack config into an <see cref="AccessConfig"/>, or fails with every problem at once.</summary>
public static class AccessConfigParser
{
    /// <summary>One hour: short enough that removing a grant takes effect within the hour, long enough to keep token requests (billed by Auth0) rare.</summary>
    public const int DefaultTokenLifetimeSeconds = 3600;

    /// <summary>The first segment of every Key Vault secret name unless <c>keyVault.secretPrefix</c> says otherwise.</summary>
    public const string DefaultSecretPrefix = "m2m";

    /// <summary>The only signing algorithm allowed: RS256 tokens are verified with the tenant's public keys, HS256 would need the signing secret in every API.</summary>
    public const string SigningAlgorithm = "RS256";

    /// <summary>Parses and validates; throws <see cref="ConfigValidationException"/> listing every problem.</summary>
    public static AccessConfig Parse(RawStackConfig raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var problems = new List<ConfigProblem>();
        var ns = raw.Namespace;

        var keyVault = ParseKeyVault(Document(raw.KeyVault), $"{ns}:keyVault", problems);
        var apis = StrictObject.List(Document(raw.Apis), $"{ns}:apis", "APIs ({key, name, identifier, scopes})", problems)
            .Select(a => ParseApi(a.Item, a.Path, problems))
            .ToList();
        var clients = StrictObject.List(Document(raw.Clients), $"{ns}:clients", "clients ({key, name, description, owner, grants})", problems)
            .Select(c => ParseClient(c.Item, c.Path, problems))
            .ToList();

        var config = new AccessConfig(new Auth0Tenant(raw.Auth0Domain?.Trim() ?? ""), keyVault, apis, clients);
        problems.AddRange(AccessConfigValidator.Validate(config, ns));
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

    private static KeyVaultTarget ParseKeyVault(JsonElement element, string path, List<ConfigProblem> problems)
    {
        if (element.ValueKind is JsonValueKind.Undefined)
        {
            problems.Add(new(path, "is required: set the existing vault as {name, resourceGroup} in Pulumi.<stack>.yaml."));
            return new KeyVaultTarget("", "", DefaultSecretPrefix);
        }

        var vault = StrictObject.Open(element, path, problems, "name", "resourceGroup", "secretPrefix");
        return vault is null
            ? new KeyVaultTarget("", "", DefaultSecretPrefix)
            : new KeyVaultTarget(
                vault.RequiredString("name", "the name of the existing Key Vault"),
                vault.RequiredString("resourceGroup", "the vault's resource group"),
                vault.OptionalString("secretPrefix", DefaultSecretPrefix, "the first segment of the secret names"));
    }

    private static ApiDefinition ParseApi(JsonElement element, string path, List<ConfigProblem> problems)
    {
        var api = StrictObject.Open(element, path, problems, "key", "name", "identifier", "scopes", "tokenLifetime", "signingAlg");
        if (api is null)
        {
            return new ApiDefinition("", "", "", [], DefaultTokenLifetimeSeconds, SigningAlgorithm);
        }

        var scopes = api.RequiredList("scopes", "scopes ({value, description})")
            .Select(s => ParseScope(s.Item, s.Path, problems))
            .ToList();
        return new ApiDefinition(
            api.RequiredString("key", "a stable key such as orders-api"),
            api.RequiredString("name", "the display name"),
            api.RequiredString("identifier", "the audience, such as https://orders.example.com"),
            scopes,
            api.OptionalInt("tokenLifetime", DefaultTokenLifetimeSeconds, "seconds") ?? DefaultTokenLifetimeSeconds,
            api.OptionalString("signingAlg", SigningAlgorithm, "RS256"));
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
        var client = StrictObject.Open(element, path, problems, "key", "name", "description", "owner", "grants");
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
            grants);
    }

    private static ClientGrantPlan ParseGrant(JsonElement element, string path, List<ConfigProblem> problems)
    {
        var grant = StrictObject.Open(element, path, problems, "api", "scopes");
        if (grant is null)
        {
            return new ClientGrantPlan("", []);
        }

        var scopes = grant.RequiredList("scopes", "scope values")
            .Select(s => StrictObject.StringItem(s.Item, s.Path, "a scope value declared on the API", problems))
            .ToList();
        return new ClientGrantPlan(grant.RequiredString("api", "the key of an API under apis"), scopes);
    }
}
