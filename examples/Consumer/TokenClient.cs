using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace Consumer;

/// <summary>Gets Auth0 access tokens for one machine-to-machine client whose credentials document is in Key Vault.</summary>
/// <param name="vault">The vault that holds the document.</param>
/// <param name="secretName">The document's secret: <c>{prefix}--{client}</c>, such as <c>m2m--checkout-service</c>.</param>
/// <param name="http">Sends the token requests.</param>
/// <param name="clock">The time the token cache goes by; the system clock when null.</param>
public sealed class TokenClient(SecretClient vault, string secretName, HttpClient http, TimeProvider? clock = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RenewAt)> _tokens = new(StringComparer.Ordinal);

    /// <summary>A client that reads the vault as the app's own identity (in Azure, its managed identity).</summary>
    public static TokenClient Create(Uri vaultUri, string secretName, HttpClient http)
        => new(new SecretClient(vaultUri, new DefaultAzureCredential()), secretName, http);

    /// <summary>An access token for the API with key <paramref name="apiKey"/>, from the cache until shortly before it expires.</summary>
    public async Task<string> GetTokenAsync(string apiKey, CancellationToken cancellationToken = default)
    {
        if (_tokens.TryGetValue(apiKey, out var cached) && _clock.GetUtcNow() < cached.RenewAt)
        {
            return cached.Token;
        }

        // Read for every new token, not once at start-up: after a rotation the next token uses the new secret.
        var credentials = await ReadCredentialsAsync(cancellationToken).ConfigureAwait(false);
        if (!credentials.Audiences.TryGetValue(apiKey, out var audience))
        {
            throw new InvalidOperationException($"Client '{credentials.ClientId}' is not granted access to API '{apiKey}'.");
        }

        var requestedAt = _clock.GetUtcNow();
        var response = await RequestTokenAsync(credentials, credentials.ClientSecret!, audience, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized && credentials.FallbackClientSecret is { } fallback)
        {
            // Mid-rotation the document already holds the new secret while Auth0 may still hold the previous one.
            response.Dispose();
            response = await RequestTokenAsync(credentials, fallback, audience, cancellationToken).ConfigureAwait(false);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                // Auth0's error body names the error, never the secret.
                var error = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new HttpRequestException($"Auth0 refused a token for API '{apiKey}': {(int)response.StatusCode} {error}", null, response.StatusCode);
            }

            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(Json, cancellationToken).ConfigureAwait(false)
                ?? throw new HttpRequestException("Auth0 answered without a token.");
            var lifetime = TimeSpan.FromSeconds(token.ExpiresIn);
            // Renewed a minute early (a tenth of the lifetime if that is shorter), so no request carries an expiring token.
            var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, lifetime.Ticks / 10));
            _tokens[apiKey] = (token.AccessToken, requestedAt + lifetime - margin);
            return token.AccessToken;
        }
    }

    private async Task<Credentials> ReadCredentialsAsync(CancellationToken cancellationToken)
    {
        KeyVaultSecret secret;
        try
        {
            secret = await vault.GetSecretAsync(secretName, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.Forbidden)
        {
            // Disabling a client disables its secret in Key Vault and removes its readers' role assignments.
            throw new InvalidOperationException($"Key Vault refused to read '{secretName}': the client is disabled, or this identity is not one of its readers.", e);
        }

        var credentials = JsonSerializer.Deserialize<Credentials>(secret.Value, Json);
        if (credentials is not { Version: 1, ClientId: not null, TokenEndpoint: not null, Audiences: not null })
        {
            throw new InvalidOperationException($"'{secretName}' does not hold a version 1 credentials document.");
        }

        return credentials.ClientSecret is null
            ? throw new InvalidOperationException($"Client '{credentials.ClientId}' is disabled: '{secretName}' holds no secret, and Auth0 refuses it tokens.")
            : credentials;
    }

    private Task<HttpResponseMessage> RequestTokenAsync(Credentials credentials, string secret, string audience, CancellationToken cancellationToken)
        => http.PostAsync(new Uri(credentials.TokenEndpoint), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = credentials.ClientId,
            ["client_secret"] = secret,
            ["audience"] = audience,
        }), cancellationToken);

    /// <summary>The fields of the document this client uses; it ignores the others.</summary>
    private sealed record Credentials(string ClientId, string? ClientSecret, string? FallbackClientSecret, string TokenEndpoint, Dictionary<string, string> Audiences, int Version);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
