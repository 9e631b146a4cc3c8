using System.Text.Json;
using System.Text.Json.Serialization;

namespace Acme.M2M.Credentials;

/// <summary>The credentials document of one client, as its Key Vault secret holds it (schema/credentials-document.schema.json).</summary>
/// <param name="ClientId">The Auth0 client id.</param>
/// <param name="ClientSecret">The secret in force; null while the client is disabled.</param>
/// <param name="FallbackClientSecret">The other secret of a rotation under way, tried once when the first is refused.</param>
/// <param name="TokenEndpoint">The tenant's <c>/oauth/token</c> URL.</param>
/// <param name="Audiences">Per API key, the audience to request.</param>
/// <param name="Disabled">Whether the client is disabled.</param>
/// <param name="Version">The layout version; only 1 is read.</param>
public sealed record CredentialsDocument(
    string ClientId,
    string? ClientSecret,
    string? FallbackClientSecret,
    Uri TokenEndpoint,
    IReadOnlyDictionary<string, string> Audiences,
    bool Disabled,
    int Version)
{
    /// <summary>The layout version this library reads.</summary>
    public const int SupportedVersion = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { RespectRequiredConstructorParameters = true };

    /// <summary>Reads the secret's value; a document of another version, or not one at all, is refused with what it is.</summary>
    /// <param name="json">The secret's value.</param>
    /// <param name="secretName">The secret, for the message.</param>
    public static CredentialsDocument Parse(string json, string secretName)
    {
        ArgumentNullException.ThrowIfNull(json);
        CredentialsDocument? document;
        try
        {
            // A reader of version 1 ignores fields it does not know: a later writer may add some within the version.
            document = JsonSerializer.Deserialize<CredentialsDocument>(json, Json);
        }
        catch (JsonException e)
        {
            // The message names the JSON path, never a value.
            throw new M2MCredentialsException($"'{secretName}' does not hold a credentials document: {e.Message}", e);
        }

        if (document is null || document.Version != SupportedVersion)
        {
            throw new M2MCredentialsException($"'{secretName}' holds a credentials document of version {document?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}; this library reads version {SupportedVersion}: update Acme.M2M.Credentials.");
        }

        return document;
    }

    /// <summary>The audience of the API with key <paramref name="apiKey"/>, or a refusal naming what the client is granted.</summary>
    public string AudienceOf(string apiKey)
        => Audiences.TryGetValue(apiKey, out var audience)
            ? audience
            : throw new M2MCredentialsException($"Client '{ClientId}' is not granted access to API '{apiKey}'; it is granted: {(Audiences.Count == 0 ? "none" : string.Join(", ", Audiences.Keys.Order(StringComparer.Ordinal)))}.");

    /// <summary>The secrets to try, in order.</summary>
    [JsonIgnore]
    internal IReadOnlyList<string> Secrets => [.. new[] { ClientSecret, FallbackClientSecret }.OfType<string>()];
}

/// <summary>The credentials cannot give a token: the document is missing, unreadable, disabled, or Auth0 refused it.</summary>
public sealed class M2MCredentialsException(string message, Exception? inner = null) : Exception(message, inner);
