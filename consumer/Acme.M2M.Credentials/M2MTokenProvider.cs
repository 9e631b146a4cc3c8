using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace Acme.M2M.Credentials;

/// <summary>
/// Access tokens for one machine-to-machine client whose credentials document is in Key Vault, with its client secret
/// or with an assertion signed by its private key (<c>private_key_jwt</c>). The document is read once, and again only
/// when Auth0 refuses its credentials (a rotation has moved on); tokens are cached per audience until shortly before
/// they expire. Safe to share: one instance per client, for the life of the app.
/// </summary>
public sealed class M2MTokenProvider
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly SecretClient _vault;
    private readonly string _secretName;
    private readonly Func<HttpClient> _http;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RenewAt)> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _requests = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _reading = new(1, 1);
    private CredentialsDocument? _document;

    /// <summary>A provider reading <paramref name="secretName"/> from <paramref name="vault"/> and asking the tenant with <paramref name="http"/>.</summary>
    /// <param name="vault">The vault that holds the document.</param>
    /// <param name="secretName">The document's secret, <c>{prefix}--{client}</c>, such as <c>m2m--checkout-service</c>.</param>
    /// <param name="http">Sends the token requests.</param>
    /// <param name="clock">The time the cache goes by; the system clock when null.</param>
    public M2MTokenProvider(SecretClient vault, string secretName, HttpClient http, TimeProvider? clock = null)
        : this(vault, secretName, () => http, clock)
    {
        ArgumentNullException.ThrowIfNull(http);
    }

    /// <summary>As the other constructor, with a fresh client from <paramref name="http"/> per request (IHttpClientFactory's).</summary>
    public M2MTokenProvider(SecretClient vault, string secretName, Func<HttpClient> http, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentException.ThrowIfNullOrEmpty(secretName);
        ArgumentNullException.ThrowIfNull(http);
        (_vault, _secretName, _http, _clock) = (vault, secretName, http, clock ?? TimeProvider.System);
    }

    /// <summary>A provider that reads the vault as the app's own identity (in Azure, its managed identity).</summary>
    public static M2MTokenProvider Create(Uri vaultUri, string secretName, HttpClient http)
        => new(new SecretClient(vaultUri, new DefaultAzureCredential()), secretName, http);

    /// <summary>An access token for the API with key <paramref name="apiKey"/> (a key of the document's audiences).</summary>
    public async Task<string> GetTokenAsync(string apiKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        var document = await DocumentAsync(reread: false, cancellationToken).ConfigureAwait(false);
        var audience = document.AudienceOf(apiKey);
        if (Cached(audience) is { } token)
        {
            return token;
        }

        // One request per audience at a time: callers that arrive together share its token.
        var gate = _requests.GetOrAdd(audience, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Cached(audience) ?? await RequestAsync(document, apiKey, audience, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private string? Cached(string audience) => _tokens.TryGetValue(audience, out var cached) && _clock.GetUtcNow() < cached.RenewAt ? cached.Token : null;

    private async Task<string> RequestAsync(CredentialsDocument document, string apiKey, string audience, CancellationToken cancellationToken)
    {
        var (token, refused) = await TryEachCredentialAsync(document, audience, cancellationToken).ConfigureAwait(false);
        if (token is not null)
        {
            return token;
        }

        // Every credential the document had was refused: a rotation, or a move between secret and key, finished
        // after it was read. Read it again, once, and try what it holds now, whichever kind.
        var current = await DocumentAsync(reread: true, cancellationToken).ConfigureAwait(false);
        if (!current.Credentials.SequenceEqual(document.Credentials))
        {
            (token, refused) = await TryEachCredentialAsync(current, current.AudienceOf(apiKey), cancellationToken).ConfigureAwait(false);
        }

        return token ?? throw new M2MCredentialsException($"Auth0 refused client '{current.ClientId}' a token for API '{apiKey}' with every credential in '{_secretName}', read twice: {refused}");
    }

    // The token (cached) of the first credential Auth0 accepts; else Auth0's last refusal, which names the error,
    // never the secret or the key.
    private async Task<(string? Token, string? Refusal)> TryEachCredentialAsync(CredentialsDocument document, string audience, CancellationToken cancellationToken)
    {
        var credentials = document.Credentials;
        if (document.Disabled || credentials.Count == 0)
        {
            var holds = document.Authentication == ClientAuthentication.PrivateKeyJwt ? "no key" : "no secret";
            throw new M2MCredentialsException($"Client '{document.ClientId}' is disabled: '{_secretName}' holds {holds}, and Auth0 refuses it tokens.");
        }

        string? refusal = null;
        foreach (var credential in credentials)
        {
            var requestedAt = _clock.GetUtcNow();
            var form = new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = document.ClientId,
            };
            switch (credential)
            {
                case Secret secret:
                    form["client_secret"] = secret.Value;
                    break;
                case SigningKey key:
                    form["client_assertion_type"] = ClientAssertion.Type;
                    form["client_assertion"] = ClientAssertion.Sign(key, document.ClientId, requestedAt);
                    break;
            }

            form["audience"] = audience;
            using var response = await _http().PostAsync(document.TokenEndpoint, new FormUrlEncodedContent(form), cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                var token = await response.Content.ReadFromJsonAsync<TokenResponse>(Json, cancellationToken).ConfigureAwait(false)
                    ?? throw new M2MCredentialsException("Auth0 answered without a token.");
                var lifetime = TimeSpan.FromSeconds(token.ExpiresIn);
                // Renewed a minute early (a tenth of the lifetime if that is shorter), so no request carries an expiring token.
                var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, lifetime.Ticks / 10));
                _tokens[audience] = (token.AccessToken, requestedAt + lifetime - margin);
                return (token.AccessToken, null);
            }

            refusal = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}";
            // Only a refused client is worth its next credential; any other answer is the same for all of them.
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                throw new M2MCredentialsException($"Auth0 refused client '{document.ClientId}' a token for '{audience}': {refusal}");
            }
        }

        return (null, refusal);
    }

    private async Task<CredentialsDocument> DocumentAsync(bool reread, CancellationToken cancellationToken)
    {
        var known = _document;
        if (known is not null && !reread)
        {
            return known;
        }

        await _reading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have read it while this one waited.
            if (_document is { } read && (!reread || !ReferenceEquals(read, known)))
            {
                return read;
            }

            KeyVaultSecret secret;
            try
            {
                secret = await _vault.GetSecretAsync(_secretName, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status is (int)HttpStatusCode.Forbidden or (int)HttpStatusCode.NotFound)
            {
                // Disabling a client disables its secret and removes its readers' role assignments.
                throw new M2MCredentialsException($"Key Vault refused to read '{_secretName}' ({e.Status}): the client is disabled or removed, or this identity is not one of its readers.", e);
            }

            _document = CredentialsDocument.Parse(secret.Value, _secretName);
            // Tokens of the old credentials stay valid until they expire; only new ones use the new document.
            return _document;
        }
        finally
        {
            _reading.Release();
        }
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
