using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Infra.Config;
using Infra.Tests.Support;
using Infra.Tool.Verify;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Infra.Tests.Tools;

/// <summary>
/// The verify command for a private_key_jwt client, beside secret clients, against a real OAuth 2.0 server that
/// authenticates both ways (oidc-provider, tests/verify/oidc-server.mjs): the assertion signed with the key from Key
/// Vault, a token issued, its signature and claims checked; and the document's key checked before anything is sent.
/// </summary>
public sealed class KeyClientVerifierTests : IDisposable
{
    private const string KeyClient = "nightly-reconciler";

    // nightly-reconciler authenticates with keys; checkout-service and partner-globex keep their secrets.
    private static readonly AccessConfig Dev = AccessConfigParser.Parse(Config.AccessConfigParserTests.Raw(
        StackHarness.StackConfig().Edit("infra:clients", c => c[1]!["authentication"] = "private_key_jwt")));

    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _otherKey = RSA.Create(2048);
    private readonly TokenRequestRecorder _sent = new();

    public void Dispose()
    {
        _sent.Dispose();
        _key.Dispose();
        _otherKey.Dispose();
    }

    private static string SecretOf(string client) => $"vault-secret-of-{client}-Pw3";

    private static string Id(string client) => $"id-{client}";

    /// <summary>
    /// The tenant as Auth0 holds it after a finished deploy: the key client with its public key (kid = thumbprint),
    /// or, when <paramref name="keyInAuth0"/> is false, still with its secret (the move not yet applied).
    /// </summary>
    private JsonArray Tenant(bool keyInAuth0 = true) =>
    [
        .. Dev.Clients.Select(client =>
        {
            var grants = new JsonObject(client.Grants.Select(g => KeyValuePair.Create(Dev.Apis.Single(a => a.Key == g.ApiKey).Identifier, (JsonNode?)string.Join(' ', g.Scopes))));
            return client.Key == KeyClient && keyInAuth0
                ? new JsonObject
                {
                    ["client_id"] = Id(client.Key),
                    ["token_endpoint_auth_method"] = "private_key_jwt",
                    ["jwks"] = new JsonObject { ["keys"] = new JsonArray(TestKeys.PublicJwk(_key)) },
                    ["grants"] = grants,
                }
                : new JsonObject
                {
                    ["client_id"] = Id(client.Key),
                    ["token_endpoint_auth_method"] = "client_secret_post",
                    ["client_secret"] = SecretOf(client.Key),
                    ["grants"] = grants,
                };
        }),
    ];

    /// <summary>The key document the program writes for the key client (M2MClient: ConsumerKeyCredentials).</summary>
    private ConsumerKeyCredentials KeyDocument(OidcServer server) => new(
        Id(KeyClient),
        ClientKeys.KeyId(_key.ExportSubjectPublicKeyInfoPem() + "\n"),
        ClientKeys.Algorithm,
        _key.ExportPkcs8PrivateKeyPem() + "\n",
        server.Issuer,
        server.TokenEndpoint,
        new Dictionary<string, string> { ["inventory-api"] = "https://api.acme.example/inventory" },
        null,
        false,
        null);

    private async Task<(IReadOnlyList<VerifiedGrant> Results, IReadOnlyList<ReceivedTokenRequest> Received, TokenRequestRecorder Sent)> VerifyAgainst(
        Func<OidcServer, ConsumerKeyCredentials, string>? keyDocument = null,
        Func<OidcServer, M2MClientDefinition, string>? secretDocument = null,
        bool keyInAuth0 = true)
    {
        await using var server = await OidcServer.StartAsync(Tenant(keyInAuth0));
        var secrets = Dev.Clients.ToDictionary(
            c => ConsumerSecretLayout.SecretName(Dev.KeyVault, c),
            c => new VaultSecret(c.Key == KeyClient
                ? keyDocument?.Invoke(server, KeyDocument(server)) ?? KeyDocument(server).ToJson()
                : secretDocument?.Invoke(server, c) ?? (CredentialVerifierTests.Document(Dev, c, server.TokenEndpoint) with { ClientSecret = SecretOf(c.Key) }).ToJson()),
            StringComparer.Ordinal);
        using var vault = new FakeKeyVault(secrets);
        using var http = new HttpClient(_sent, disposeHandler: false);
        var results = await new CredentialVerifier(vault.Client(Dev.KeyVault.Uri), http, server.TokenEndpoint).VerifyAsync(Dev);
        return (results, await server.ReceivedAsync(), _sent);
    }

    private static IEnumerable<string> Failures(IReadOnlyList<VerifiedGrant> results)
        => results.Where(r => !r.Ok).Select(r => $"{r.Client} {r.Api}: {string.Join("; ", r.Problems)}");

    [Fact]
    public async Task A_key_client_gets_its_token_with_an_assertion_signed_by_the_vaults_key_and_sends_no_secret()
    {
        var (results, received, sent) = await VerifyAgainst();

        Assert.All(results, r => Assert.True(r.Ok, string.Join("; ", r.Problems)));
        Assert.Equal(4, results.Count);
        // The server authenticated the key client by its assertion, header and claims as Auth0 asks for them.
        var keyRequest = Assert.Single(received, r => r.Authentication == "private_key_jwt");
        Assert.Equal(200, keyRequest.Status);
        var assertion = new JsonWebToken(Assert.Single(sent.Forms, f => f["client_id"] == Id(KeyClient))["client_assertion"]);
        Assert.Equal((TestKeys.Thumbprint(_key), "RS256"), (assertion.Kid, assertion.Alg));
        Assert.Equal((Id(KeyClient), Id(KeyClient)), (assertion.Issuer, assertion.Subject));
        Assert.Equal(["client_secret_post", "client_secret_post", "client_secret_post"], received.Where(r => r != keyRequest).Select(r => r.Authentication));
        Assert.DoesNotContain(sent.Forms, f => f["client_id"] == Id(KeyClient) && f.ContainsKey("client_secret"));
    }

    [Fact]
    public async Task A_key_the_tenant_does_not_hold_is_refused_and_reported_without_the_key()
    {
        var (results, _, _) = await VerifyAgainst(keyDocument: (_, d) => (d with
        {
            KeyId = ClientKeys.KeyId(_otherKey.ExportSubjectPublicKeyInfoPem()),
            PrivateKey = _otherKey.ExportPkcs8PrivateKeyPem(),
        }).ToJson());

        Assert.Equal(["nightly-reconciler inventory-api: token request refused: 401 invalid_client client authentication failed"], Failures(results));
        Assert.DoesNotContain("PRIVATE KEY", VerifyReport.Render(results), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_assertion_refused_and_the_fallback_secret_accepted_is_a_move_to_keys_that_did_not_reach_auth0()
    {
        // The move deploy wrote the key document (the secret the client had as its fallback), but Auth0 still holds
        // the secret: the run stopped before the client's credentials were switched.
        var (results, received, _) = await VerifyAgainst(keyDocument: (_, d) => (d with { FallbackClientSecret = SecretOf(KeyClient) }).ToJson(), keyInAuth0: false);

        Assert.Equal(
            ["nightly-reconciler inventory-api: the client's key is refused and the fallback client secret accepted: the move to keys did not reach Auth0 (run `pulumi up` again)"],
            Failures(results));
        Assert.Equal(
            [("private_key_jwt", 401), ("client_secret_post", 200)],
            received.Where(r => r.ClientId == Id(KeyClient)).Select(r => (r.Authentication, r.Status)));
    }

    [Fact]
    public async Task A_finished_move_whose_key_works_is_ok_with_the_fallback_secret_still_in_the_document()
    {
        var (results, received, _) = await VerifyAgainst(keyDocument: (_, d) => (d with { FallbackClientSecret = SecretOf(KeyClient) }).ToJson());

        Assert.All(results, r => Assert.True(r.Ok, string.Join("; ", r.Problems)));
        Assert.Equal(["private_key_jwt"], received.Where(r => r.ClientId == Id(KeyClient)).Select(r => r.Authentication));
    }

    [Fact]
    public async Task A_document_of_the_other_kind_is_a_deploy_that_has_not_run_not_an_unreadable_document()
    {
        var (results, _, sent) = await VerifyAgainst(
            keyDocument: (server, _) => (CredentialVerifierTests.Document(Dev, Dev.Clients[1], server.TokenEndpoint) with { ClientSecret = SecretOf(KeyClient) }).ToJson(),
            secretDocument: (server, c) => c.Key == "partner-globex"
                ? (KeyDocument(server) with { ClientId = Id(c.Key), Audiences = new Dictionary<string, string> { ["orders-api"] = "https://api.acme.example/orders" } }).ToJson()
                : (CredentialVerifierTests.Document(Dev, c, server.TokenEndpoint) with { ClientSecret = SecretOf(c.Key) }).ToJson());

        Assert.Equal(
            [
                "nightly-reconciler inventory-api: Key Vault holds a client secret document, but infra:clients says private_key_jwt: the deploy that moves the client to keys has not run (run `pulumi up`)",
                "partner-globex orders-api: Key Vault holds a private_key_jwt document, but infra:clients says client_secret_post: the vault was written by another config (run `pulumi up` from this one)",
            ],
            Failures(results));
        Assert.DoesNotContain(sent.Forms, f => f["client_id"] is "id-nightly-reconciler" or "id-partner-globex");
    }

    public static TheoryData<string, string> BrokenKeyDocuments => new()
    {
        { "kid", "Key Vault key id is 'a-kid-of-another-key', but its private key's thumbprint is '{thumbprint}': the document's key id and key do not belong together" },
        { "algorithm", "Key Vault algorithm is 'PS256', expected 'RS256' (the one its credential in Auth0 is registered with)" },
        { "aud", "Key Vault assertion audience is 'https://another-tenant.example/', expected '{issuer}'" },
        { "no-key", "Key Vault holds no private key for an enabled client" },
        { "not-a-key", "Key Vault privateKey is not an RSA private key in PEM" },
    };

    [Theory]
    [MemberData(nameof(BrokenKeyDocuments))]
    public async Task A_key_document_auth0_would_refuse_is_named_before_any_assertion_is_sent(string broken, string problem)
    {
        string? issuer = null;
        var (results, _, sent) = await VerifyAgainst(keyDocument: (server, d) =>
        {
            issuer = server.Issuer;
            return (broken switch
            {
                "kid" => d with { KeyId = "a-kid-of-another-key" },
                "algorithm" => d with { Algorithm = "PS256" },
                "aud" => d with { AssertionAudience = "https://another-tenant.example/" },
                "no-key" => d with { PrivateKey = null },
                _ => d with { PrivateKey = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n" },
            }).ToJson();
        });

        Assert.Equal(
            [$"nightly-reconciler inventory-api: {problem.Replace("{thumbprint}", TestKeys.Thumbprint(_key), StringComparison.Ordinal).Replace("{issuer}", issuer, StringComparison.Ordinal)}"],
            Failures(results));
        Assert.DoesNotContain(sent.Forms, f => f["client_id"] == Id(KeyClient));
    }

    [Fact]
    public async Task A_key_document_naming_another_token_endpoint_sends_no_assertion_there()
    {
        var (results, _, sent) = await VerifyAgainst(keyDocument: (_, d) => (d with { TokenEndpoint = "https://attacker.example/oauth/token" }).ToJson());

        Assert.Matches(@"^nightly-reconciler inventory-api: Key Vault token endpoint is 'https://attacker\.example/oauth/token', expected 'http://127\.0\.0\.1:\d+/token'$", Assert.Single(Failures(results)));
        Assert.DoesNotContain(sent.Forms, f => f["client_id"] == Id(KeyClient));
    }
}
