using System.Text.Json;
using System.Text.Json.Serialization;

namespace Infra.Config;

/// <summary>
/// Everything a consumer needs to get a token, as the one Key Vault secret of its client holds it (JSON, content type
/// <c>application/json</c>). One read gives a consistent set: the id, the secrets and the endpoint always belong together.
/// </summary>
/// <param name="ClientId">The Auth0 client id.</param>
/// <param name="ClientSecret">The secret in force; null while the client is disabled.</param>
/// <param name="FallbackClientSecret">
/// The other secret of the rotation: while a rotation is under way Auth0 may still hold it. A consumer whose
/// <paramref name="ClientSecret"/> is refused (HTTP 401, <c>invalid_client</c>) retries once with it. Null before the
/// first rotation and while disabled.
/// </param>
/// <param name="TokenEndpoint">The tenant's <c>/oauth/token</c> URL.</param>
/// <param name="Audiences">Per API key, the identifier (audience) of each API the client is granted on.</param>
/// <param name="Expires">The first day (UTC, <c>YYYY-MM-DD</c>) without tokens; null when it does not expire.</param>
/// <param name="Disabled">Whether the client is disabled (no secrets then, and no reader can read the document).</param>
public sealed record ConsumerCredentials(
    string ClientId,
    string? ClientSecret,
    string? FallbackClientSecret,
    string TokenEndpoint,
    IReadOnlyDictionary<string, string> Audiences,
    string? Expires,
    bool Disabled)
{
    /// <summary>The layout version; a consumer that finds another one must not guess.</summary>
    [JsonRequired]
    public int Version { get; init; } = CurrentVersion;

    /// <summary>The version this program writes.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The content type of the secret.</summary>
    public const string ContentType = "application/json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Every field is written, null or not; one missing means the document is not one of ours.
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        // Written always in the same form, so that the same credentials give the same value (no churn).
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The serializer's settings, for what describes the document (its JSON Schema); read-only.</summary>
    internal static JsonSerializerOptions SerializerOptions => Json;

    /// <summary>The document as the secret's value: camelCase JSON, audiences sorted by API key.</summary>
    public string ToJson() => JsonSerializer.Serialize(this with { Audiences = new SortedDictionary<string, string>(Audiences.ToDictionary(), StringComparer.Ordinal) }, Json);

    /// <summary>Reads a document; throws <see cref="JsonException"/> on anything else, an unknown key included.</summary>
    public static ConsumerCredentials Parse(string json)
    {
        var credentials = JsonSerializer.Deserialize<ConsumerCredentials>(json, Json) ?? throw new JsonException("The secret holds no credentials document.");
        return credentials.Version == CurrentVersion
            ? credentials
            : throw new JsonException($"The credentials document has version {credentials.Version}; this reader knows version {CurrentVersion}.");
    }
}

/// <summary>
/// The credentials document of a <c>private_key_jwt</c> client: what a consumer needs to sign a client assertion
/// (RFC 7523) and nothing else. A layout of its own, version 2, so that a reader of version 1 refuses it rather than
/// taking a key document for a disabled secret one.
/// </summary>
/// <param name="ClientId">The Auth0 client id: the assertion's <c>iss</c> and <c>sub</c>.</param>
/// <param name="KeyId">The key's id in Auth0 (its RFC 7638 thumbprint), the assertion header's <c>kid</c>; null while disabled.</param>
/// <param name="Algorithm">The signing algorithm Auth0 registered the key with: the header's <c>alg</c>.</param>
/// <param name="PrivateKey">The private key, PKCS#8 PEM; null while disabled.</param>
/// <param name="AssertionAudience">The assertion's <c>aud</c>: the tenant's URL with its trailing slash, as Auth0 requires.</param>
/// <param name="TokenEndpoint">The tenant's <c>/oauth/token</c> URL.</param>
/// <param name="Audiences">Per API key, the identifier (audience) of each API the client is granted on.</param>
/// <param name="Expires">The first day (UTC, <c>YYYY-MM-DD</c>) without tokens; Auth0 refuses the key from then on.</param>
/// <param name="Disabled">Whether the client is disabled (no key then, and no reader can read the document).</param>
/// <param name="FallbackClientSecret">
/// Only in the deploy that moves a client from its secret to keys: the secret Auth0 takes until it switches. A
/// consumer whose assertion is refused retries once with it. Null otherwise.
/// </param>
public sealed record ConsumerKeyCredentials(
    string ClientId,
    string? KeyId,
    string Algorithm,
    string? PrivateKey,
    string AssertionAudience,
    string TokenEndpoint,
    IReadOnlyDictionary<string, string> Audiences,
    string? Expires,
    bool Disabled,
    string? FallbackClientSecret)
{
    /// <summary>The layout version of a key document.</summary>
    [JsonRequired]
    public int Version { get; init; } = CurrentVersion;

    /// <summary>The authentication method, as Auth0 names it; what tells the two kinds apart.</summary>
    [JsonRequired]
    public string Authentication { get; init; } = Method;

    /// <summary>The version this program writes for key documents.</summary>
    public const int CurrentVersion = 2;

    /// <summary>The value of <see cref="Authentication"/>.</summary>
    public const string Method = "private_key_jwt";

    /// <summary>The document as the secret's value, in the same form every time.</summary>
    public string ToJson() => JsonSerializer.Serialize(this with { Audiences = new SortedDictionary<string, string>(Audiences.ToDictionary(), StringComparer.Ordinal) }, ConsumerCredentials.SerializerOptions);

    /// <summary>Reads a key document; throws <see cref="JsonException"/> on anything else.</summary>
    public static ConsumerKeyCredentials Parse(string json)
    {
        var credentials = JsonSerializer.Deserialize<ConsumerKeyCredentials>(json, ConsumerCredentials.SerializerOptions) ?? throw new JsonException("The secret holds no credentials document.");
        return credentials is { Version: CurrentVersion, Authentication: Method }
            ? credentials
            : throw new JsonException($"The credentials document has version {credentials.Version} and authentication '{credentials.Authentication}'; this reader knows version {CurrentVersion}, {Method}.");
    }

    /// <summary>Whether <paramref name="json"/> is a key document rather than a secret one, by its version alone.</summary>
    public static bool IsKeyDocument(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("version", out var version)
            && version.ValueKind == JsonValueKind.Number
            && version.TryGetInt32(out var v)
            && v == CurrentVersion;
    }
}

/// <summary>
/// Where a client's credentials go: one Key Vault secret named <c>{prefix}--{client}</c>. Client keys are lowercase
/// with single hyphens, so no two names of a stack collide (Key Vault ignores case) and a stack with its own prefix
/// shares a vault with no other. .NET's Key Vault configuration provider reads <c>--</c> as <c>:</c>, so an app that
/// loads the vault into <c>IConfiguration</c> finds the document at <c>{prefix}:{client}</c>.
/// </summary>
public static class ConsumerSecretLayout
{
    /// <summary>Key Vault's own limit on a secret name.</summary>
    public const int MaxSecretNameLength = 127;

    /// <summary>The name of the one secret of <paramref name="client"/>.</summary>
    public static string SecretName(KeyVaultTarget vault, M2MClientDefinition client)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(client);
        return SecretName(vault, client.Key);
    }

    /// <summary>The name of the one secret of the client with key <paramref name="clientKey"/>.</summary>
    public static string SecretName(KeyVaultTarget vault, string clientKey)
    {
        ArgumentNullException.ThrowIfNull(vault);
        return $"{vault.SecretPrefix}--{clientKey}";
    }
}

/// <summary>
/// The two generated secrets a client alternates between, so that the one it had before a rotation is still at hand
/// as the fallback while Auth0 switches. Rotation <c>R</c> lives in slot <c>R % 2</c>; the other slot keeps rotation
/// <c>R - 1</c>. Raising the rotation replaces only the other slot, which becomes the new secret, and the old one stays
/// the fallback. Disabling replaces the other slot too and gives that value, which no consumer ever sees, to Auth0.
/// </summary>
public static class SecretSlots
{
    /// <summary>How many generated secrets a client has.</summary>
    public const int Count = 2;

    /// <summary>The slot of the secret in force at <paramref name="rotation"/>.</summary>
    public static int Active(int rotation) => rotation % Count;

    /// <summary>The slot that is not in force: the previous secret, or while disabled the one Auth0 holds.</summary>
    public static int Other(int rotation) => (rotation + 1) % Count;

    /// <summary>
    /// The slots a client needs: the active one always, except for an adopted client that still keeps its live secret;
    /// the other one only once it holds something, the previous rotation's secret or, while disabled, Auth0's. A client
    /// that never rotated has no fallback, so its other slot is not declared: the first rotation creates it rather than
    /// replacing a secret nobody used, and a stack of new clients has one resource fewer per client.
    /// </summary>
    /// <param name="rotation">The client's rotation counter.</param>
    /// <param name="disabled">Whether the client is disabled.</param>
    /// <param name="adopted">Whether the client was imported (its first secret is the live one, not a slot's).</param>
    public static IReadOnlyList<int> InUse(int rotation, bool disabled, bool adopted)
        => disabled ? [Active(rotation), Other(rotation)]
            : adopted && rotation == 0 ? []
            // An adopted client's fallback at its first rotation is the live secret it came with, read from Auth0.
            : rotation == 0 || (adopted && rotation == 1) ? [Active(rotation)]
            : [Active(rotation), Other(rotation)];

    /// <summary>
    /// What slot <paramref name="slot"/> holds at this rotation, as the keeper of its generated secret: a change of it
    /// draws a new secret. Values are stable, so an unchanged config draws nothing.
    /// </summary>
    public static string Keeper(int slot, int rotation, bool disabled)
        => slot == Active(rotation)
            ? rotation.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : disabled
                ? $"disabled-{rotation.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
                : (rotation - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
