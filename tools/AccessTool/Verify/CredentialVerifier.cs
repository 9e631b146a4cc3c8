using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Infra.Config;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Infra.Tool.Verify;

/// <summary>The outcome of one client's token request for one API.</summary>
/// <param name="Client">The client key.</param>
/// <param name="Api">The API key.</param>
/// <param name="Problems">What did not match; empty when the token is what config says it must be.</param>
public sealed record VerifiedGrant(string Client, string Api, IReadOnlyList<string> Problems)
{
    /// <summary>Whether the client got a valid token with exactly the configured access.</summary>
    public bool Ok => Problems.Count == 0;
}

/// <summary>
/// Checks a deployed stack end to end, per client and granted API: reads the client's credentials from Key Vault,
/// requests a token with the client credentials grant, validates the JWT's signature against the issuer's JWKS,
/// and checks <c>aud</c>, <c>scope</c> (exactly the configured scopes), <c>gty</c> and <c>azp</c>. Never prints a
/// secret or a token.
/// </summary>
public sealed class CredentialVerifier(SecretClient vault, HttpClient http)
{
    /// <summary>
    /// Verifies every enabled client of <paramref name="access"/>, or only <paramref name="onlyClient"/>, telling
    /// <paramref name="progress"/> which client of how many it is on.
    /// </summary>
    public async Task<IReadOnlyList<VerifiedGrant>> VerifyAsync(AccessConfig access, string? onlyClient = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        var results = new List<VerifiedGrant>();
        var identifiers = access.Apis.ToDictionary(a => a.Key, a => a.Identifier, StringComparer.Ordinal);
        // A disabled client is meant to fail (the Action refuses it): it is not verified.
        var clients = access.Clients.Where(c => (onlyClient is null || c.Key == onlyClient) && !c.Disabled).ToList();
        foreach (var (client, done) in clients.Select((c, i) => (c, i)))
        {
            progress?.Report(new RunProgress(done, clients.Count, FormattableString.Invariant($"client {done + 1:N0} of {clients.Count:N0}, {client.Key}")));

            // One read per client: the document holds everything, so the set is consistent.
            ConsumerCredentials? credentials = null;
            string? readProblem = null;
            try
            {
                credentials = ConsumerCredentials.Parse(await Read(ConsumerSecretLayout.SecretName(access.KeyVault, client), cancellationToken).ConfigureAwait(false));
            }
            catch (RequestFailedException e)
            {
                readProblem = $"Key Vault: {e.Status} {e.ErrorCode ?? "error"} reading the client's secret";
            }
            catch (System.Text.Json.JsonException e)
            {
                readProblem = $"Key Vault: the client's secret is not a credentials document ({e.Message})";
            }

            foreach (var grant in client.Grants)
            {
                var problems = credentials is null
                    ? [readProblem!]
                    : await VerifyGrantAsync(credentials, grant, identifiers[grant.ApiKey], cancellationToken).ConfigureAwait(false);
                results.Add(new VerifiedGrant(client.Key, grant.ApiKey, problems));
            }
        }

        progress?.Report(new RunProgress(clients.Count, clients.Count, ""));
        return results;
    }

    private async Task<List<string>> VerifyGrantAsync(ConsumerCredentials credentials, ClientGrantPlan grant, string expectedAudience, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (!credentials.Audiences.TryGetValue(grant.ApiKey, out var audience))
        {
            problems.Add($"Key Vault has no audience for '{grant.ApiKey}'");
        }
        else if (audience != expectedAudience)
        {
            problems.Add($"Key Vault audience is '{audience}', expected '{expectedAudience}'");
        }

        if (credentials.ClientSecret is null)
        {
            problems.Add("Key Vault holds no client secret for an enabled client");
            return problems;
        }

        var tokenEndpoint = credentials.TokenEndpoint;
        var clientId = credentials.ClientId;
        async Task<(HttpResponseMessage Response, TokenResponse? Body)> RequestAsync(string secret)
        {
            var response = await http.PostAsync(new Uri(tokenEndpoint), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = secret,
                ["audience"] = expectedAudience,
            }), cancellationToken).ConfigureAwait(false);
            return (response, await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken).ConfigureAwait(false));
        }

        var (response, body) = await RequestAsync(credentials.ClientSecret).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized && credentials.FallbackClientSecret is { } fallback)
        {
            // What a consumer does mid-rotation. After a finished deploy the primary must work: say so if it did not.
            response.Dispose();
            (response, body) = await RequestAsync(fallback).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                problems.Add("the primary client secret is refused and the fallback accepted: the last rotation did not reach Auth0 (run `pulumi up` again)");
            }
        }

        using var _ = response;
        if (!response.IsSuccessStatusCode || body?.AccessToken is null)
        {
            // The error code and description only: the token endpoint never echoes the secret, and neither do we.
            problems.Add($"token request refused: {(int)response.StatusCode} {body?.Error} {body?.ErrorDescription}".TrimEnd());
            return problems;
        }

        var issuer = await Discover(new Uri(tokenEndpoint), cancellationToken).ConfigureAwait(false);
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(body.AccessToken, new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudience = expectedAudience,
            IssuerSigningKeys = issuer.SigningKeys,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidateLifetime = true,
        }).ConfigureAwait(false);
        if (!validation.IsValid)
        {
            problems.Add($"token invalid: {validation.Exception?.GetType().Name}");
            return problems;
        }

        var token = (JsonWebToken)validation.SecurityToken;
        var scopes = (token.TryGetPayloadValue<string>("scope", out var scope) ? scope : "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
        var expected = grant.Scopes.Order(StringComparer.Ordinal).ToList();
        if (!scopes.SequenceEqual(expected))
        {
            problems.Add($"scope is '{string.Join(' ', scopes)}', expected '{string.Join(' ', expected)}'");
        }

        if (!token.TryGetPayloadValue<string>("gty", out var gty) || gty != "client-credentials")
        {
            problems.Add($"gty is '{gty}', expected 'client-credentials'");
        }

        if (!token.TryGetPayloadValue<string>("azp", out var azp) || azp != clientId)
        {
            problems.Add("azp is not the client's id");
        }

        return problems;
    }

    private async Task<string> Read(string name, CancellationToken cancellationToken)
        => (await vault.GetSecretAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false)).Value.Value;

    /// <summary>The issuer's discovery document and signing keys, from the token endpoint's origin.</summary>
    private async Task<OpenIdConnectConfiguration> Discover(Uri tokenEndpoint, CancellationToken cancellationToken)
    {
        var retriever = new HttpDocumentRetriever(http) { RequireHttps = !tokenEndpoint.IsLoopback };
        var address = new Uri(tokenEndpoint, "/.well-known/openid-configuration").ToString();
        return await OpenIdConnectConfigurationRetriever.GetAsync(address, retriever, cancellationToken).ConfigureAwait(false);
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("error_description")] string? ErrorDescription);
}
