using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Acme.M2M.Credentials;
using Azure;
using Azure.Identity;
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

/// <summary>A failure that no client's result can carry: the vault cannot be reached or signed in to at all.</summary>
public sealed class VerifyAbortedException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Checks a deployed stack end to end, per client and granted API: reads the client's credentials from Key Vault,
/// requests a token with the client credentials grant (its client secret, or an assertion signed with its private key
/// as the consumer library signs it), validates the JWT's signature against the issuer's JWKS,
/// and checks <c>aud</c>, <c>scope</c> (exactly the configured scopes), <c>gty</c> and <c>azp</c>. Never prints a
/// secret, a key or a token.
/// </summary>
/// <param name="vault">The stack's vault.</param>
/// <param name="http">For the tenant's token endpoint and discovery.</param>
/// <param name="tokenEndpoint">Where the tenant answers, when not at the config's domain (a local server in tests).</param>
/// <param name="clock">The assertions' iat and exp; the system's clock unless a test sets it.</param>
public sealed class CredentialVerifier(SecretClient vault, HttpClient http, string? tokenEndpoint = null, TimeProvider? clock = null)
{
    /// <summary>
    /// Verifies every enabled client of <paramref name="access"/>, or only <paramref name="onlyClient"/>, telling
    /// <paramref name="progress"/> which client of how many it is on.
    /// </summary>
    public async Task<IReadOnlyList<VerifiedGrant>> VerifyAsync(AccessConfig access, string? onlyClient = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        if (UnknownClient(access, onlyClient) is { } unknown)
        {
            throw new ArgumentException(unknown, nameof(onlyClient));
        }

        var results = new List<VerifiedGrant>();
        var identifiers = access.Apis.ToDictionary(a => a.Key, a => a.Identifier, StringComparer.Ordinal);
        // A disabled client is meant to fail (the Action refuses it): it is not verified.
        var clients = access.Clients.Where(c => (onlyClient is null || c.Key == onlyClient) && !c.Disabled).ToList();
        foreach (var (client, done) in clients.Select((c, i) => (c, i)))
        {
            progress?.Report(new RunProgress(done, clients.Count, FormattableString.Invariant($"client {done + 1:N0} of {clients.Count:N0}, {client.Key}")));

            // One read per client: the document holds everything, so the set is consistent.
            Presented? presented = null;
            string? readProblem = null;
            try
            {
                presented = Present(client, await Read(ConsumerSecretLayout.SecretName(access.KeyVault, client), cancellationToken).ConfigureAwait(false), out readProblem);
            }
            catch (Exception e) when (NoAnswer(e) is { } unanswered)
            {
                // No answer at all (a wrong vault name, no network): every other client would fail the same way,
                // each after the SDK's retries, so stop at the first.
                throw new VerifyAbortedException(
                    $"Key Vault {access.KeyVault.Uri} did not answer ({FirstLine(unanswered.Message)}): check infra:keyVault and that this machine reaches the vault.", e);
            }
            catch (AuthenticationFailedException e)
            {
                throw new VerifyAbortedException(
                    $"Key Vault: no Azure sign-in for {access.KeyVault.Uri} ({FirstLine(e.Message)}): run `az login`, or set the AZURE_* variables of a workload identity that holds Key Vault Secrets User on the clients' secrets.", e);
            }
            catch (RequestFailedException e)
            {
                readProblem = $"Key Vault: {e.Status} {e.ErrorCode ?? "error"} reading the client's secret";
            }

            foreach (var grant in client.Grants)
            {
                var problems = presented is null
                    ? [readProblem!]
                    : await VerifyGrantAsync(presented, grant, identifiers[grant.ApiKey], tokenEndpoint ?? access.Tenant.TokenEndpoint, cancellationToken).ConfigureAwait(false);
                results.Add(new VerifiedGrant(client.Key, grant.ApiKey, problems));
            }
        }

        progress?.Report(new RunProgress(clients.Count, clients.Count, ""));
        return results;
    }

    /// <summary>Why <paramref name="onlyClient"/> cannot be verified, or null when it can (or when all clients are).</summary>
    public static string? UnknownClient(AccessConfig access, string? onlyClient)
    {
        ArgumentNullException.ThrowIfNull(access);
        if (onlyClient is null || access.Clients.Any(c => c.Key == onlyClient))
        {
            return null;
        }

        // Without this a mistyped key would verify nothing and pass.
        return $"--client: no client '{onlyClient}' in infra:clients; its clients are {string.Join(", ", access.Clients.Select(c => c.Key))}.";
    }

    /// <summary>
    /// The failure of a request that got no HTTP answer, or null. Azure.Core's retry policy reports exhausted
    /// retries as an <see cref="AggregateException"/> of each try's <see cref="RequestFailedException"/> (status 0).
    /// </summary>
    private static RequestFailedException? NoAnswer(Exception e) => e switch
    {
        RequestFailedException { Status: 0 } failed => failed,
        AggregateException all when all.InnerExceptions.Count > 0 && all.InnerExceptions.All(i => i is RequestFailedException { Status: 0 }) => (RequestFailedException)all.InnerExceptions[0],
        _ => null,
    };

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    /// <summary>
    /// The client's document read as the config says it authenticates, or null with why not. A document of the
    /// other kind is named as such rather than as unreadable: it is a deploy that has not run, not corruption.
    /// </summary>
    private static Presented? Present(M2MClientDefinition client, string json, out string? problem)
    {
        problem = null;
        var keys = client.Authentication == Infra.Config.ClientAuthentication.PrivateKeyJwt;
        try
        {
            return keys ? new PresentedKey(ConsumerKeyCredentials.Parse(json)) : new PresentedSecret(ConsumerCredentials.Parse(json));
        }
        catch (JsonException e)
        {
            problem = ParsesAs(json, keys ? ConsumerCredentials.Parse : ConsumerKeyCredentials.Parse)
                ? keys
                    ? "Key Vault holds a client secret document, but infra:clients says private_key_jwt: the deploy that moves the client to keys has not run (run `pulumi up`)"
                    // The program never moves a client back from keys (OperationsPreview refuses it), so this is drift.
                    : "Key Vault holds a private_key_jwt document, but infra:clients says client_secret_post: the vault was written by another config (run `pulumi up` from this one)"
                : $"Key Vault: the client's secret is not a credentials document ({e.Message})";
            return null;
        }
    }

    private static bool ParsesAs(string json, Func<string, object> parse)
    {
        try
        {
            parse(json);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task<List<string>> VerifyGrantAsync(Presented presented, ClientGrantPlan grant, string expectedAudience, string tenantEndpoint, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (presented.TokenEndpoint != tenantEndpoint)
        {
            // The credential goes only to the stack's own tenant: a document naming another endpoint is drift or
            // tampering, and following it would hand the secret, or an assertion, to whoever answers there.
            problems.Add($"Key Vault token endpoint is '{presented.TokenEndpoint}', expected '{tenantEndpoint}'");
            return problems;
        }

        if (!presented.Audiences.TryGetValue(grant.ApiKey, out var audience))
        {
            problems.Add($"Key Vault has no audience for '{grant.ApiKey}'");
        }
        else if (audience != expectedAudience)
        {
            problems.Add($"Key Vault audience is '{audience}', expected '{expectedAudience}'");
        }

        IReadOnlyDictionary<string, string> first;
        switch (presented)
        {
            case PresentedSecret { Document.ClientSecret: { } secret }:
                first = new Dictionary<string, string>(StringComparer.Ordinal) { ["client_secret"] = secret };
                break;
            case PresentedKey key when KeyProblems(key.Document, tenantEndpoint) is { Count: > 0 } keyProblems:
                problems.AddRange(keyProblems);
                return problems;
            case PresentedKey key:
                first = new Dictionary<string, string>(StringComparer.Ordinal) { ["client_assertion_type"] = ClientAssertion.Type, ["client_assertion"] = Assertion(key.Document) };
                break;
            default:
                problems.Add("Key Vault holds no client secret for an enabled client");
                return problems;
        }

        var clientId = presented.ClientId;
        async Task<(HttpResponseMessage Response, TokenResponse? Body)> RequestAsync(IReadOnlyDictionary<string, string> credential)
        {
            var form = new Dictionary<string, string>(StringComparer.Ordinal) { ["grant_type"] = "client_credentials", ["client_id"] = clientId };
            foreach (var (name, value) in credential)
            {
                form[name] = value;
            }

            form["audience"] = expectedAudience;
            var response = await http.PostAsync(new Uri(tenantEndpoint), new FormUrlEncodedContent(form), cancellationToken).ConfigureAwait(false);
            return (response, await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken).ConfigureAwait(false));
        }

        var (response, body) = await RequestAsync(first).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized && presented.FallbackClientSecret is { } fallback)
        {
            // What a consumer does mid-rotation or mid-move. After a finished deploy the first credential must work:
            // say so if it did not.
            response.Dispose();
            (response, body) = await RequestAsync(new Dictionary<string, string>(StringComparer.Ordinal) { ["client_secret"] = fallback }).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                problems.Add(presented is PresentedKey
                    ? "the client's key is refused and the fallback client secret accepted: the move to keys did not reach Auth0 (run `pulumi up` again)"
                    : "the primary client secret is refused and the fallback accepted: the last rotation did not reach Auth0 (run `pulumi up` again)");
            }
        }

        using var _ = response;
        if (!response.IsSuccessStatusCode || body?.AccessToken is null)
        {
            // The error code and description only: the token endpoint never echoes the credential, and neither do we.
            problems.Add($"token request refused: {(int)response.StatusCode} {body?.Error} {body?.ErrorDescription}".TrimEnd());
            return problems;
        }

        var issuer = await Discover(new Uri(tenantEndpoint), cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// What in a key document would make Auth0 refuse the assertion, or a consumer sign the wrong one: checked before
    /// anything is sent, and named, where Auth0 would answer only "invalid_client".
    /// </summary>
    private static List<string> KeyProblems(ConsumerKeyCredentials document, string tenantEndpoint)
    {
        if (document is not { PrivateKey: { } pem, KeyId: { } keyId })
        {
            return ["Key Vault holds no private key for an enabled client"];
        }

        var problems = new List<string>();
        if (document.Algorithm != ClientKeys.Algorithm)
        {
            problems.Add($"Key Vault algorithm is '{document.Algorithm}', expected '{ClientKeys.Algorithm}' (the one its credential in Auth0 is registered with)");
        }

        // Auth0 takes an assertion whose aud is the tenant's URL with its trailing slash (auth0.com/docs, "Authenticate
        // with Private Key JWT"): the token endpoint's origin.
        var assertionAudience = new Uri(tenantEndpoint).GetLeftPart(UriPartial.Authority) + "/";
        if (document.AssertionAudience != assertionAudience)
        {
            problems.Add($"Key Vault assertion audience is '{document.AssertionAudience}', expected '{assertionAudience}'");
        }

        string publicKey;
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            publicKey = rsa.ExportSubjectPublicKeyInfoPem();
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            // Never the PEM's text: it is the private key.
            problems.Add("Key Vault privateKey is not an RSA private key in PEM");
            return problems;
        }

        // The kid Auth0 gave the public key is its RFC 7638 thumbprint; one that is not this key's names another key.
        if (ClientKeys.KeyId(publicKey) is var thumbprint && thumbprint != keyId)
        {
            problems.Add($"Key Vault key id is '{keyId}', but its private key's thumbprint is '{thumbprint}': the document's key id and key do not belong together");
        }

        return problems;
    }

    /// <summary>The assertion a consumer signs, by the consumer library's own code: verify sends what consumers send.</summary>
    private string Assertion(ConsumerKeyCredentials document)
        => ClientAssertion.Sign(new SigningKey(document.KeyId!, document.Algorithm, document.PrivateKey!, document.AssertionAudience), document.ClientId, (clock ?? TimeProvider.System).GetUtcNow());

    private async Task<string> Read(string name, CancellationToken cancellationToken)
        => (await vault.GetSecretAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false)).Value.Value;

    /// <summary>The issuer's discovery document and signing keys, from the token endpoint's origin.</summary>
    private async Task<OpenIdConnectConfiguration> Discover(Uri tokenEndpoint, CancellationToken cancellationToken)
    {
        var retriever = new HttpDocumentRetriever(http) { RequireHttps = !tokenEndpoint.IsLoopback };
        var address = new Uri(tokenEndpoint, "/.well-known/openid-configuration").ToString();
        return await OpenIdConnectConfigurationRetriever.GetAsync(address, retriever, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What a client's document presents to the token endpoint, whichever kind it is.</summary>
    private abstract record Presented(string ClientId, string TokenEndpoint, IReadOnlyDictionary<string, string> Audiences, string? FallbackClientSecret);

    private sealed record PresentedSecret(ConsumerCredentials Document)
        : Presented(Document.ClientId, Document.TokenEndpoint, Document.Audiences, Document.FallbackClientSecret);

    private sealed record PresentedKey(ConsumerKeyCredentials Document)
        : Presented(Document.ClientId, Document.TokenEndpoint, Document.Audiences, Document.FallbackClientSecret);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("error_description")] string? ErrorDescription);
}
