using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Acme.M2M.Credentials;

/// <summary>How a client authenticates to Auth0's token endpoint, as its credentials document says.</summary>
public enum ClientAuthentication
{
    /// <summary>A client secret in the request body (<c>client_secret_post</c>): a version 1 document.</summary>
    ClientSecretPost,

    /// <summary>An assertion signed with the client's private key (<c>private_key_jwt</c>, RFC 7523): a version 2 document.</summary>
    PrivateKeyJwt,
}

/// <summary>
/// The credentials document of one client, as its Key Vault secret holds it (docs/credentials-document.md): a client
/// secret (version 1), or a private key that signs assertions (version 2, <see cref="ClientAuthentication.PrivateKeyJwt"/>).
/// </summary>
/// <param name="ClientId">The Auth0 client id.</param>
/// <param name="ClientSecret">The secret in force; null while the client is disabled, and in a key document.</param>
/// <param name="FallbackClientSecret">A secret tried once when the first credential is refused: the other secret of a rotation under way, or in a key document the secret the client had before it moved to keys.</param>
/// <param name="TokenEndpoint">The tenant's <c>/oauth/token</c> URL.</param>
/// <param name="Audiences">Per API key, the audience to request.</param>
/// <param name="Disabled">Whether the client is disabled.</param>
/// <param name="Version">The layout version: <see cref="SecretVersion"/> or <see cref="KeyVersion"/>.</param>
public sealed record CredentialsDocument(
    string ClientId,
    string? ClientSecret,
    string? FallbackClientSecret,
    Uri TokenEndpoint,
    IReadOnlyDictionary<string, string> Audiences,
    bool Disabled,
    int Version)
{
    /// <summary>The version of a document that holds a client secret.</summary>
    public const int SecretVersion = 1;

    /// <summary>The version of a document that holds a private key (with <c>"authentication": "private_key_jwt"</c>).</summary>
    public const int KeyVersion = 2;

    // The algorithms Auth0 accepts for Private Key JWT, and so the ones a key document may name.
    internal static readonly IReadOnlyList<string> Algorithms = ["RS256", "RS384", "PS256"];

    private const string PrivateKeyJwtName = "private_key_jwt";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { RespectRequiredConstructorParameters = true };

    /// <summary>How the client authenticates: with <see cref="ClientSecret"/>, or with an assertion signed by <see cref="PrivateKey"/>.</summary>
    public ClientAuthentication Authentication { get; init; }

    /// <summary>The <c>kid</c> Auth0 gave the client's public key (its RFC 7638 thumbprint); null in a secret document and while disabled.</summary>
    public string? KeyId { get; init; }

    /// <summary>The assertion's signing algorithm: <c>RS256</c>, <c>RS384</c> or <c>PS256</c>; null in a secret document.</summary>
    public string? Algorithm { get; init; }

    /// <summary>The client's RSA private key, PKCS#8 PEM; null in a secret document and while disabled.</summary>
    public string? PrivateKey { get; init; }

    /// <summary>The assertion's <c>aud</c>: the tenant's URL with its trailing slash; null in a secret document.</summary>
    public string? AssertionAudience { get; init; }

    /// <summary>Reads the secret's value; a document of another version or kind, or not one at all, is refused with what it is and none of its values.</summary>
    /// <param name="json">The secret's value.</param>
    /// <param name="secretName">The secret, for the message.</param>
    public static CredentialsDocument Parse(string json, string secretName)
    {
        ArgumentNullException.ThrowIfNull(json);
        // A reader ignores fields it does not know within a version: a later writer may add some.
        var kind = Read<Kind>(json, secretName);
        return kind switch
        {
            { Version: SecretVersion } => Read<SecretDocument>(json, secretName).ToDocument(),
            { Version: KeyVersion, Authentication: PrivateKeyJwtName } => Read<KeyDocument>(json, secretName).ToDocument(secretName),
            // Neither message repeats what the document holds there: a value in the wrong field could be a secret.
            { Version: KeyVersion } => throw new M2MCredentialsException($"'{secretName}' holds a version {KeyVersion} credentials document whose authentication this library does not know; it reads '{PrivateKeyJwtName}': update Acme.M2M.Credentials."),
            _ => throw new M2MCredentialsException($"'{secretName}' holds a credentials document of {(kind.Version is null ? "no version" : "a version this library does not read")}; it reads versions {SecretVersion} and {KeyVersion}: update Acme.M2M.Credentials."),
        };
    }

    /// <summary>The audience of the API with key <paramref name="apiKey"/>, or a refusal naming what the client is granted.</summary>
    public string AudienceOf(string apiKey)
        => Audiences.TryGetValue(apiKey, out var audience)
            ? audience
            : throw new M2MCredentialsException($"Client '{ClientId}' is not granted access to API '{apiKey}'; it is granted: {(Audiences.Count == 0 ? "none" : string.Join(", ", Audiences.Keys.Order(StringComparer.Ordinal)))}.");

    /// <summary>The credentials to try, in order: the key's assertion or the secret, then the fallback secret.</summary>
    internal IReadOnlyList<Credential> Credentials
    {
        get
        {
            var first = Authentication == ClientAuthentication.PrivateKeyJwt
                ? this is { KeyId: { } keyId, Algorithm: { } algorithm, PrivateKey: { } key, AssertionAudience: { } audience } ? new SigningKey(keyId, algorithm, key, audience) : null
                : ClientSecret is null ? null : (Credential)new Secret(ClientSecret);
            return [.. new[] { first, FallbackClientSecret is null ? null : new Secret(FallbackClientSecret) }.OfType<Credential>()];
        }
    }

    // A record prints every property; this one holds secrets, which must never reach a log or a test's output.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Version = {Version}, Authentication = {Authentication}, ClientId = {ClientId}, ")
            .Append(CultureInfo.InvariantCulture, $"ClientSecret = {Redacted(ClientSecret)}, FallbackClientSecret = {Redacted(FallbackClientSecret)}, ")
            .Append(CultureInfo.InvariantCulture, $"KeyId = {KeyId}, Algorithm = {Algorithm}, PrivateKey = {Redacted(PrivateKey)}, AssertionAudience = {AssertionAudience}, ")
            .Append(CultureInfo.InvariantCulture, $"TokenEndpoint = {TokenEndpoint}, Audiences = [{string.Join(", ", Audiences.Keys.Order(StringComparer.Ordinal))}], Disabled = {Disabled}");
        return true;
    }

    private static string Redacted(string? value) => value is null ? "(null)" : "(redacted)";

    private static T Read<T>(string json, string secretName)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Json) ?? throw new JsonException("The document is null.");
        }
        catch (JsonException e)
        {
            // The message names the JSON path, never a value.
            throw new M2MCredentialsException($"'{secretName}' does not hold a credentials document: {e.Message}", e);
        }
    }

    // What says which document it is; other fields are neither required nor read here.
    private sealed class Kind
    {
        public int? Version { get; init; }

        public string? Authentication { get; init; }
    }

    private sealed record SecretDocument(string ClientId, string? ClientSecret, string? FallbackClientSecret, Uri TokenEndpoint, IReadOnlyDictionary<string, string> Audiences, bool Disabled, int Version)
    {
        public CredentialsDocument ToDocument() => new(ClientId, ClientSecret, FallbackClientSecret, TokenEndpoint, Audiences, Disabled, Version);
    }

    private sealed record KeyDocument(
        int Version,
        string Authentication,
        string ClientId,
        string? KeyId,
        string? Algorithm,
        string? PrivateKey,
        string? AssertionAudience,
        Uri TokenEndpoint,
        IReadOnlyDictionary<string, string> Audiences,
        bool Disabled,
        string? FallbackClientSecret)
    {
        public CredentialsDocument ToDocument(string secretName)
        {
            // A disabled client's document has no key to sign with; an enabled one's must have all it needs.
            if (!Disabled)
            {
                var missing = new[] { ("keyId", KeyId), ("algorithm", Algorithm), ("privateKey", PrivateKey), ("assertionAudience", AssertionAudience) }
                    .Where(field => field.Item2 is null).Select(field => field.Item1).ToList();
                if (missing.Count > 0)
                {
                    throw new M2MCredentialsException($"'{secretName}' holds the key document of an enabled client without its {string.Join(", ", missing)}.");
                }

                if (!Algorithms.Contains(Algorithm, StringComparer.Ordinal))
                {
                    throw new M2MCredentialsException($"'{secretName}' names a signing algorithm this library does not sign with; it signs {string.Join(", ", Algorithms)}: update Acme.M2M.Credentials.");
                }

                CheckPrivateKey(PrivateKey!, secretName);
            }

            return new(ClientId, null, FallbackClientSecret, TokenEndpoint, Audiences, Disabled, Version)
            {
                Authentication = ClientAuthentication.PrivateKeyJwt,
                KeyId = KeyId,
                Algorithm = Algorithm,
                PrivateKey = PrivateKey,
                AssertionAudience = AssertionAudience,
            };
        }

        // Refused when read rather than at the first token request. Neither exception's message holds the PEM's text.
        private static void CheckPrivateKey(string pem, string secretName)
        {
            try
            {
                using var rsa = RSA.Create();
                rsa.ImportFromPem(pem);
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                throw new M2MCredentialsException($"'{secretName}' holds a privateKey that is not an RSA private key in PEM.", e);
            }
        }
    }
}

/// <summary>One way the client can authenticate, with what it needs; its text never holds the secret.</summary>
internal abstract record Credential;

/// <summary>A client secret, sent in the request body.</summary>
internal sealed record Secret(string Value) : Credential
{
    public override string ToString() => "client secret";
}

/// <summary>A private key that signs an assertion for each request.</summary>
internal sealed record SigningKey(string KeyId, string Algorithm, string PrivateKeyPem, string AssertionAudience) : Credential
{
    public override string ToString() => $"private key {KeyId} ({Algorithm})";
}

/// <summary>The credentials cannot give a token: the document is missing, unreadable, disabled, or Auth0 refused it.</summary>
public sealed class M2MCredentialsException(string message, Exception? inner = null) : Exception(message, inner);
