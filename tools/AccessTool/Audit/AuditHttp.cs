using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Auth0.Core.Exceptions;

namespace Infra.Tool.Audit;

/// <summary>The audit client's credentials, from the environment only; its text form never shows the secret.</summary>
public sealed class AuditCredentials(string clientId, string clientSecret)
{
    /// <summary>The variable holding the audit client's id.</summary>
    public const string ClientIdVariable = "AUTH0_AUDIT_CLIENT_ID";

    /// <summary>The variable holding the audit client's secret.</summary>
    public const string ClientSecretVariable = "AUTH0_AUDIT_CLIENT_SECRET";

    /// <summary>The audit client's id (not secret).</summary>
    public string ClientId { get; } = clientId;

    internal string ClientSecret { get; } = clientSecret;

    /// <summary>Reads both variables; null when either is unset or empty.</summary>
    public static AuditCredentials? FromEnvironment()
    {
        var id = Environment.GetEnvironmentVariable(ClientIdVariable);
        var secret = Environment.GetEnvironmentVariable(ClientSecretVariable);
        return string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret) ? null : new AuditCredentials(id, secret);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{ClientId} [secret]";
}

/// <summary>The audit failed to talk to the tenant; the message names what and never carries a credential.</summary>
public sealed class AuditConnectionException(string message) : Exception(message);

/// <summary>Gets the audit client's Management API token with the client credentials grant.</summary>
internal static class ManagementToken
{
    /// <summary>
    /// POSTs to <c>{tenant}/oauth/token</c>. Plain HTTP: Auth0.AuthenticationApi is not a dependency, and Auth0.Core
    /// 7.47.0 has no token client (src/Auth0.Core holds exceptions and helpers only).
    /// </summary>
    /// <returns>The access token, and the scopes granted when the response lists them.</returns>
    public static async Task<(string Token, IReadOnlyList<string>? Scopes)> RequestAsync(HttpClient http, Uri tenant, string domain, AuditCredentials credentials, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(new Uri(tenant, "oauth/token"), new TokenRequest(credentials.ClientId, credentials.ClientSecret, $"https://{domain}/api/v2/"), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // The body is Auth0's {error, error_description}: safe to show, it never echoes the secret.
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new AuditConnectionException($"The tenant refused the audit client's token request ({(int)response.StatusCode}): {Shorten(body)}. Check {AuditCredentials.ClientIdVariable}, {AuditCredentials.ClientSecretVariable} and that the client is authorised for the Management API.");
        }

        var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken).ConfigureAwait(false);
        return token?.AccessToken is { Length: > 0 } value
            ? (value, token.Scope?.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            : throw new AuditConnectionException("The token response had no access_token.");
    }

    /// <summary>
    /// Fails, naming them and the fix, when the token response lists its scopes and lacks any of <paramref name="required"/>.
    /// Auth0's response holds "the scopes granted" (https://auth0.com/docs/secure/tokens/access-tokens/management-api-access-tokens/get-management-api-access-tokens-for-production).
    /// Checked before any read because a missing read:client_credentials is silent: Auth0 then leaves
    /// client_authentication_methods out of the client list, and a client holding keys would look like one without.
    /// </summary>
    public static void RequireScopes(IReadOnlyList<string>? granted, IReadOnlyList<string> required)
    {
        if (granted is null)
        {
            return;
        }

        var missing = required.Where(s => !granted.Contains(s, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            throw new AuditConnectionException(
                $"The audit client's token lacks {string.Join(", ", missing)} (granted: {(granted.Count == 0 ? "none" : string.Join(' ', granted))}). "
                + $"Grant {(missing.Count == 1 ? "it" : "them")} to the audit client on the Auth0 Management API (Applications > APIs > Auth0 Management API > Machine To Machine Applications; "
                + "docs/identities.md lists every scope the audit needs), then run the audit again."
                + (missing.Contains(AuditPermissions.ClientCredentialsScope, StringComparer.Ordinal)
                    ? $" Without {AuditPermissions.ClientCredentialsScope} Auth0 leaves client_authentication_methods out of the client list and refuses GET /api/v2/clients/{{id}}/credentials, so the audit cannot see which credentials a client holds."
                    : ""));
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>The token request's body; its text form never shows the secret, should anything log it.</summary>
    internal sealed record TokenRequest(
        [property: JsonPropertyName("client_id")] string ClientId,
        [property: JsonPropertyName("client_secret")] string ClientSecret,
        [property: JsonPropertyName("audience")] string Audience)
    {
        [JsonPropertyName("grant_type")]
        public string GrantType => "client_credentials";

        public override string ToString() => $"{ClientId} [secret]";
    }

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string? AccessToken, [property: JsonPropertyName("scope")] string? Scope);
}

/// <summary>
/// Spaces every request the audit sends (retries included) to at most a set rate, so an audit never takes the
/// tenant's whole Management API budget from a deploy running at the same time; counts them too.
/// </summary>
public sealed class ClientRateLimitHandler : DelegatingHandler
{
    private readonly RateLimiter limiter;
    private int sent;

    /// <summary>At most <paramref name="maxRequestsPerSecond"/> requests a second, queued in order.</summary>
    public ClientRateLimitHandler(double maxRequestsPerSecond, HttpMessageHandler inner)
        : base(inner)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRequestsPerSecond);
        // A bucket of one token: no burst, so the rate holds over any window, not only on average.
        limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 1,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1 / maxRequestsPerSecond),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    /// <summary>Requests sent so far.</summary>
    public int Sent => Volatile.Read(ref sent);

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref sent);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            limiter.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>
/// Waits out a 429 as the tenant asks, then sends the request again. The SDK's own retry (HttpClientManagementConnection.Retry,
/// src/Auth0.ManagementApi/HttpClientManagementConnection.cs in auth0.net mgmt-7.47.0) waits 250–1,000 ms whatever the
/// response says and is turned off (NumberOfHttpRetries = 0); this honours <c>Retry-After</c>, else
/// <c>x-ratelimit-reset</c>, parsed by Auth0.Core's <see cref="RateLimit.Parse"/>.
/// </summary>
public sealed class RetryAfterHandler(HttpMessageHandler inner, int maxRetries, TimeSpan maxWait, TimeProvider? clock = null) : DelegatingHandler(inner)
{
    private readonly TimeProvider time = clock ?? TimeProvider.System;

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt >= maxRetries)
            {
                // Out of retries the 429 goes up to the SDK, which raises RateLimitApiException.
                return response;
            }

            var wait = Wait(RateLimit.Parse(response.Headers), attempt);
            response.Dispose();
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private TimeSpan Wait(RateLimit? limit, int attempt)
    {
        var wait = limit switch
        {
            { RetryAfter: > 0 } => TimeSpan.FromSeconds(limit.RetryAfter),
            { Reset: { } reset } when reset > time.GetUtcNow() => reset - time.GetUtcNow(),
            // Neither header: back off exponentially from one second.
            _ => TimeSpan.FromSeconds(Math.Pow(2, attempt)),
        };
        return wait < maxWait ? wait : maxWait;
    }
}
