using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Acme.M2M.Credentials;
using Infra.Config;
using Infra.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using ClientAuthentication = Acme.M2M.Credentials.ClientAuthentication;

namespace Infra.Tests.Consumer;

/// <summary>
/// The consumer library with a key document (version 2, private_key_jwt) and with a secret document, against a real
/// OAuth 2.0 server that authenticates clients both ways (oidc-provider, tests/verify/oidc-server.mjs) and a fake
/// Key Vault. The server checks each assertion's signature, iss, sub, aud and exp and refuses a jti it has seen.
/// </summary>
public sealed class PrivateKeyJwtTests(PrivateKeyJwtTests.Tenant tenant) : IClassFixture<PrivateKeyJwtTests.Tenant>, IDisposable
{
    private const string SecretName = "m2m--billing-worker";
    private const string KeyClient = "cid_billing-worker-keys";
    private const string SecretClient = "cid_billing-worker-secret";
    private const string InServer = "secret-oidc-provider-holds-Kd7";
    private const string Orders = "https://api.acme.example/orders";
    private const string Inventory = "https://api.acme.example/inventory";
    private const string VaultUri = "https://kv-acme-m2m-dev.vault.azure.net/";

    private readonly ReadsInTurn _secrets = new(SecretName);
    private readonly TokenRequestRecorder _recorder = new();
    // oidc-provider checks the assertion's exp against its own clock: the test's starts at the real time.
    private readonly ManualClock _clock = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    private FakeKeyVault? _vault;
    private HttpClient? _http;

    /// <summary>
    /// One server for the class, with a client registered for private_key_jwt (its public key, kid = its RFC 7638
    /// thumbprint as Auth0 gives it) and one registered for client_secret_post, both granted the same two APIs.
    /// </summary>
    public sealed class Tenant : IAsyncLifetime
    {
        public RSA Registered { get; } = RSA.Create(2048);

        /// <summary>A key the server does not hold for any client.</summary>
        public RSA Unregistered { get; } = RSA.Create(2048);

        internal OidcServer? Server { get; private set; }

        internal OidcServer Peer => Server!;

        public async Task InitializeAsync()
        {
            var grants = new JsonObject { [Orders] = "orders:read orders:write", [Inventory] = "stock:read" };
            Server = await OidcServer.StartAsync(
            [
                new JsonObject
                {
                    ["client_id"] = KeyClient,
                    ["token_endpoint_auth_method"] = "private_key_jwt",
                    ["jwks"] = new JsonObject { ["keys"] = new JsonArray(PublicJwk(Registered)) },
                    ["grants"] = grants.DeepClone(),
                },
                new JsonObject
                {
                    ["client_id"] = SecretClient,
                    ["token_endpoint_auth_method"] = "client_secret_post",
                    ["client_secret"] = InServer,
                    ["grants"] = grants.DeepClone(),
                },
            ]);
        }

        public async Task DisposeAsync()
        {
            Registered.Dispose();
            Unregistered.Dispose();
            if (Server is not null)
            {
                await Server.DisposeAsync();
            }
        }
    }

    public void Dispose()
    {
        _http?.Dispose();
        _vault?.Dispose();
        _recorder.Dispose();
    }

    private static string Thumbprint(RSA key) => TestKeys.Thumbprint(key);

    private static JsonObject PublicJwk(RSA key) => TestKeys.PublicJwk(key);

    /// <summary>A key document with every field, as the program is to write it (docs/credentials-document.md).</summary>
    private string KeyDocument(RSA? key, string? fallback = null, string algorithm = "RS256", string clientId = KeyClient, bool disabled = false, string authentication = "private_key_jwt", string? assertionAudience = null)
        => new JsonObject
        {
            ["version"] = 2,
            ["authentication"] = authentication,
            ["clientId"] = clientId,
            ["keyId"] = key is null ? null : Thumbprint(key),
            ["algorithm"] = algorithm,
            ["privateKey"] = key?.ExportPkcs8PrivateKeyPem(),
            ["assertionAudience"] = assertionAudience ?? tenant.Peer.Issuer,
            ["tokenEndpoint"] = tenant.Peer.TokenEndpoint,
            ["audiences"] = new JsonObject { ["inventory-api"] = Inventory, ["orders-api"] = Orders },
            ["expires"] = "2027-02-20",
            ["disabled"] = disabled,
            ["fallbackClientSecret"] = fallback,
        }.ToJsonString();

    /// <summary>A version 1 document, as the program writes it today (ConsumerCredentials.ToJson).</summary>
    private string SecretDocument(string clientSecret, string? fallback = null)
        => new ConsumerCredentials(SecretClient, clientSecret, fallback, tenant.Peer.TokenEndpoint, new Dictionary<string, string> { ["orders-api"] = Orders, ["inventory-api"] = Inventory }, "2027-02-15", false).ToJson();

    private M2MTokenProvider Client()
    {
        _vault ??= new FakeKeyVault(_secrets);
        _http ??= new HttpClient(_recorder, disposeHandler: false);
        return new(_vault.Client(VaultUri), SecretName, _http, _clock);
    }

    /// <summary>The requests the server answered in this test (the server lives as long as the class).</summary>
    private async Task<IReadOnlyList<ReceivedTokenRequest>> ReceivedSince(int before) => [.. (await tenant.Peer.ReceivedAsync()).Skip(before)];

    private async Task<int> ReceivedSoFar() => (await tenant.Peer.ReceivedAsync()).Count;

    private static JsonWebToken Jwt(string token) => new(token);

    [Fact]
    public async Task A_key_document_gets_a_token_with_an_assertion_and_sends_no_secret()
    {
        _secrets.Serve(KeyDocument(tenant.Registered));
        var before = await ReceivedSoFar();

        var token = Jwt(await Client().GetTokenAsync("orders-api"));

        Assert.Equal([Orders], token.Audiences);
        Assert.Equal((KeyClient, "orders:read orders:write"), (token.GetPayloadValue<string>("client_id"), token.GetPayloadValue<string>("scope")));
        var form = Assert.Single(_recorder.Forms);
        Assert.Equal(["grant_type", "client_id", "client_assertion_type", "client_assertion", "audience"], form.Keys);
        Assert.Equal(("client_credentials", KeyClient, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", Orders), (form["grant_type"], form["client_id"], form["client_assertion_type"], form["audience"]));
        var received = Assert.Single(await ReceivedSince(before));
        Assert.Equal(("private_key_jwt", 200, (string?)null), (received.Authentication, received.Status, received.Error));
        Assert.Equal([SecretName], _vault!.Reads);
    }

    [Fact]
    public async Task The_document_the_program_writes_gets_a_token_its_kid_being_the_one_the_server_registered()
    {
        // What M2MClient writes for a key client: the program's own record, its key id derived from the public key.
        var publicKey = tenant.Registered.ExportSubjectPublicKeyInfoPem() + "\n";
        _secrets.Serve(new ConsumerKeyCredentials(
            KeyClient, ClientKeys.KeyId(publicKey), ClientKeys.Algorithm, tenant.Registered.ExportPkcs8PrivateKeyPem() + "\n", tenant.Peer.Issuer, tenant.Peer.TokenEndpoint,
            new Dictionary<string, string> { ["orders-api"] = Orders }, "2027-02-20", false, null).ToJson());

        var token = Jwt(await Client().GetTokenAsync("orders-api"));

        Assert.Equal([Orders], token.Audiences);
        var assertion = Jwt(Assert.Single(_recorder.Forms)["client_assertion"]);
        Assert.Equal((Thumbprint(tenant.Registered), "RS256"), (assertion.Kid, assertion.Alg));
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("RS384")]
    [InlineData("PS256")]
    public async Task The_assertion_carries_the_header_and_claims_auth0_asks_for_as_the_server_received_them(string algorithm)
    {
        _secrets.Serve(KeyDocument(tenant.Registered, algorithm: algorithm));
        var before = await ReceivedSoFar();

        await Client().GetTokenAsync("inventory-api");

        var received = Assert.Single(await ReceivedSince(before));
        Assert.Equal(200, received.Status);
        var header = received.Header!;
        var claims = received.Claims!;
        Assert.Equal((algorithm, Thumbprint(tenant.Registered), "JWT"), ((string?)header["alg"], (string?)header["kid"], (string?)header["typ"]));
        Assert.Equal(["alg", "kid", "typ"], header.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal((KeyClient, KeyClient, tenant.Peer.Issuer), ((string?)claims["iss"], (string?)claims["sub"], (string?)claims["aud"]));
        // iat and exp from the injected clock (it stands still), a minute apart; no nbf from the system's.
        Assert.Equal((_clock.GetUtcNow().ToUnixTimeSeconds(), _clock.GetUtcNow().ToUnixTimeSeconds() + 60), ((long)claims["iat"]!, (long)claims["exp"]!));
        Assert.Equal(["aud", "exp", "iat", "iss", "jti", "sub"], claims.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.True(Guid.TryParseExact((string?)claims["jti"], "D", out _), "jti is a GUID");

        // The same assertion the library sent, and within Auth0's limits: 2048 bytes, iss, sub and jti of 64 characters.
        var sent = Jwt(Assert.Single(_recorder.Forms)["client_assertion"]);
        Assert.Equal(((string?)claims["jti"], algorithm), (sent.Id, sent.Alg));
        Assert.InRange(Encoding.ASCII.GetByteCount(sent.EncodedToken), 1, 2048);
        Assert.All([sent.Issuer, sent.Subject, sent.Id], claim => Assert.InRange(claim.Length, 1, 64));
    }

    [Fact]
    public async Task Each_token_request_signs_a_fresh_assertion_since_the_server_refuses_a_jti_it_has_seen()
    {
        _secrets.Serve(KeyDocument(tenant.Registered));
        var client = Client();
        var before = await ReceivedSoFar();

        // The cache holds tokens per audience: the second audience makes a second request within the same second.
        var orders = Jwt(await client.GetTokenAsync("orders-api"));
        var inventory = Jwt(await client.GetTokenAsync("inventory-api"));

        Assert.Equal([Orders], orders.Audiences);
        Assert.Equal([Inventory], inventory.Audiences);
        var received = await ReceivedSince(before);
        Assert.Equal([200, 200], received.Select(r => r.Status));
        Assert.NotEqual((string?)received[0].Claims!["jti"], (string?)received[1].Claims!["jti"]);

        // What the server does with an assertion sent again: the reason the library must never reuse one.
        using var replayed = await _http!.PostAsync(new Uri(tenant.Peer.TokenEndpoint), new FormUrlEncodedContent(_recorder.Forms[0]));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Equal("client assertion tokens must only be used once", (await ReceivedSince(before))[^1].Detail);
    }

    [Fact]
    public async Task A_key_documents_tokens_are_cached_per_audience_and_callers_that_arrive_together_share_one_request()
    {
        _secrets.Serve(KeyDocument(tenant.Registered));
        var client = Client();

        var tokens = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.GetTokenAsync("orders-api")));
        _clock.Advance(TimeSpan.FromMinutes(58));
        var cached = await client.GetTokenAsync("orders-api");

        Assert.Single(tokens.Distinct());
        Assert.Same(tokens[0], cached);
        Assert.Single(_recorder.Forms);
        Assert.Equal([SecretName], _vault!.Reads);
    }

    [Fact]
    public async Task An_assertion_is_dated_by_the_injected_clock_so_a_clock_two_minutes_slow_is_refused_by_the_server()
    {
        _secrets.Serve(KeyDocument(tenant.Registered));
        _clock.Advance(TimeSpan.FromMinutes(-2));
        var before = await ReceivedSoFar();

        await Assert.ThrowsAsync<M2MCredentialsException>(() => Client().GetTokenAsync("orders-api"));

        // exp a minute before the server's now, beyond its 15 s tolerance. The document read again is the same: not tried again.
        Assert.Equal([("private_key_jwt", 401, "jwt expired")], (await ReceivedSince(before)).Select(r => (r.Authentication, r.Status, r.Detail)));
        Assert.Equal([SecretName, SecretName], _vault!.Reads);
    }

    [Fact]
    public async Task A_refused_key_is_followed_once_by_the_fallback_secret_the_client_had_before_it_moved_to_keys()
    {
        // The deploy that moves the client to keys: the document has the key, Auth0 still the secret only.
        _secrets.Serve(KeyDocument(tenant.Registered, fallback: InServer, clientId: SecretClient));
        var before = await ReceivedSoFar();

        var token = Jwt(await Client().GetTokenAsync("orders-api"));

        Assert.Equal([Orders], token.Audiences);
        Assert.Equal(SecretClient, token.GetPayloadValue<string>("client_id"));
        Assert.Equal(
            [
                ("private_key_jwt", 401, "the provided authentication mechanism does not match the registered client authentication method"),
                ("client_secret_post", 200, null),
            ],
            (await ReceivedSince(before)).Select(r => (r.Authentication, r.Status, r.Detail)));
        Assert.Equal([(SecretClient, null, Orders), (SecretClient, InServer, Orders)], _recorder.Requests);
        Assert.Equal([SecretName], _vault!.Reads);
    }

    [Fact]
    public async Task A_key_that_works_is_not_followed_by_the_fallback_secret()
    {
        _secrets.Serve(KeyDocument(tenant.Registered, fallback: "secret-before-keys-Auth0-dropped-Tn2"));

        await Client().GetTokenAsync("orders-api");

        Assert.Equal([(KeyClient, null, Orders)], _recorder.Requests);
    }

    [Fact]
    public async Task A_refused_key_without_a_fallback_rereads_the_document_and_signs_with_its_new_key()
    {
        // Read before a key rotation finished: Auth0 no longer holds the key; the vault's next read has the new one.
        _secrets.Serve(KeyDocument(tenant.Unregistered), KeyDocument(tenant.Registered));
        var before = await ReceivedSoFar();

        var token = Jwt(await Client().GetTokenAsync("orders-api"));

        Assert.Equal([Orders], token.Audiences);
        var received = await ReceivedSince(before);
        Assert.Equal([(Thumbprint(tenant.Unregistered), 401), (Thumbprint(tenant.Registered), 200)], received.Select(r => ((string?)r.Header!["kid"], r.Status)));
        Assert.Equal([SecretName, SecretName], _vault!.Reads);
    }

    [Fact]
    public async Task A_refused_key_rereads_the_document_and_uses_a_secret_if_it_now_holds_one()
    {
        // The client moved back to a secret after the document was read.
        _secrets.Serve(KeyDocument(tenant.Unregistered), SecretDocument(InServer));
        var before = await ReceivedSoFar();

        var token = Jwt(await Client().GetTokenAsync("inventory-api"));

        Assert.Equal([Inventory], token.Audiences);
        Assert.Equal(SecretClient, token.GetPayloadValue<string>("client_id"));
        Assert.Equal([("private_key_jwt", 401), ("client_secret_post", 200)], (await ReceivedSince(before)).Select(r => (r.Authentication, r.Status)));
        Assert.Equal([(KeyClient, null, Inventory), (SecretClient, InServer, Inventory)], _recorder.Requests);
    }

    [Fact]
    public async Task A_key_and_fallback_refused_before_and_after_the_reread_are_an_error_naming_client_and_secret_without_secret_or_key()
    {
        const string WrongSecret = "secret-nobody-holds-Wq9";
        var document = KeyDocument(tenant.Unregistered, fallback: WrongSecret, clientId: SecretClient);
        _secrets.Serve(document);

        var error = await Assert.ThrowsAsync<M2MCredentialsException>(() => Client().GetTokenAsync("orders-api"));

        Assert.Equal(
            """Auth0 refused client 'cid_billing-worker-secret' a token for API 'orders-api' with every credential in 'm2m--billing-worker', read twice: 401 {"error":"invalid_client","error_description":"client authentication failed"}""",
            error.Message);
        // The key, then the fallback; the document read again, found unchanged, and not tried a second time.
        Assert.Equal([(SecretClient, null, Orders), (SecretClient, WrongSecret, Orders)], _recorder.Requests);
        Assert.Equal([SecretName, SecretName], _vault!.Reads);
        Assert.Equal(0, _recorder.AnswersNotDisposed);
        AssertHoldsNoCredential(error.ToString(), document);
    }

    [Fact]
    public async Task A_new_document_refused_too_after_the_reread_is_the_same_error()
    {
        _secrets.Serve(KeyDocument(tenant.Unregistered), SecretDocument("secret-also-wrong-Zt4"));

        var error = await Assert.ThrowsAsync<M2MCredentialsException>(() => Client().GetTokenAsync("orders-api"));

        Assert.StartsWith("Auth0 refused client 'cid_billing-worker-secret' a token for API 'orders-api' with every credential in 'm2m--billing-worker', read twice: 401 ", error.Message, StringComparison.Ordinal);
        Assert.Equal([(KeyClient, null, Orders), (SecretClient, "secret-also-wrong-Zt4", Orders)], _recorder.Requests);
        AssertHoldsNoCredential(error.ToString(), KeyDocument(tenant.Unregistered));
    }

    [Fact]
    public async Task A_disabled_clients_key_document_is_a_clear_error_and_no_token_request()
    {
        _secrets.Serve(KeyDocument(key: null, disabled: true));

        var error = await Assert.ThrowsAsync<M2MCredentialsException>(() => Client().GetTokenAsync("orders-api"));

        Assert.Equal("Client 'cid_billing-worker-keys' is disabled: 'm2m--billing-worker' holds no key, and Auth0 refuses it tokens.", error.Message);
        Assert.Empty(_recorder.Requests);
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "tls_client_auth", "'m2m--billing-worker' holds a version 2 credentials document whose authentication this library does not know; it reads 'private_key_jwt': update Acme.M2M.Credentials." },
        { "client_secret_post", "'m2m--billing-worker' holds a version 2 credentials document whose authentication this library does not know; it reads 'private_key_jwt': update Acme.M2M.Credentials." },
        { "no authentication", "'m2m--billing-worker' holds a version 2 credentials document whose authentication this library does not know; it reads 'private_key_jwt': update Acme.M2M.Credentials." },
        { "version 3", "'m2m--billing-worker' holds a credentials document of a version this library does not read; it reads versions 1 and 2: update Acme.M2M.Credentials." },
        { "no version", "'m2m--billing-worker' holds a credentials document of no version; it reads versions 1 and 2: update Acme.M2M.Credentials." },
        { "ES256", "'m2m--billing-worker' names a signing algorithm this library does not sign with; it signs RS256, RS384, PS256: update Acme.M2M.Credentials." },
        { "no private key", "'m2m--billing-worker' holds the key document of an enabled client without its privateKey." },
        { "a private key that is not PEM", "'m2m--billing-worker' holds a privateKey that is not an RSA private key in PEM." },
        { "no assertion audience", "'m2m--billing-worker' holds the key document of an enabled client without its assertionAudience." },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_document_of_another_kind_or_without_what_it_needs_is_refused_without_its_values(string change, string message)
    {
        var document = JsonNode.Parse(KeyDocument(tenant.Registered))!.AsObject();
        switch (change)
        {
            case "tls_client_auth" or "client_secret_post": document["authentication"] = change; break;
            case "no authentication": document.Remove("authentication"); break;
            case "version 3": document["version"] = 3; break;
            case "no version": document.Remove("version"); break;
            case "ES256": document["algorithm"] = "ES256"; break;
            case "no private key": document["privateKey"] = null; break;
            case "a private key that is not PEM": document["privateKey"] = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ-not-a-pem-" + InServer; break;
            case "no assertion audience": document["assertionAudience"] = null; break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }

        _secrets.Serve(document.ToJsonString());

        var error = await Assert.ThrowsAsync<M2MCredentialsException>(() => Client().GetTokenAsync("orders-api"));

        Assert.Equal(message, error.Message);
        Assert.Empty(_recorder.Requests);
        AssertHoldsNoCredential(error.ToString(), document.ToJsonString());
        Assert.DoesNotContain(InServer, error.ToString(), StringComparison.Ordinal);
        if (change is "tls_client_auth" or "ES256")
        {
            Assert.DoesNotContain(change, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_version_1_document_still_gets_a_token_from_a_server_that_authenticates_client_secret_post()
    {
        _secrets.Serve(SecretDocument(InServer));
        var before = await ReceivedSoFar();

        var token = Jwt(await Client().GetTokenAsync("orders-api"));

        Assert.Equal([Orders], token.Audiences);
        Assert.Equal((SecretClient, "orders:read orders:write"), (token.GetPayloadValue<string>("client_id"), token.GetPayloadValue<string>("scope")));
        Assert.Equal(["grant_type", "client_id", "client_secret", "audience"], Assert.Single(_recorder.Forms).Keys);
        Assert.Equal([("client_secret_post", 200)], (await ReceivedSince(before)).Select(r => (r.Authentication, r.Status)));
    }

    [Fact]
    public async Task A_version_1_document_mid_rotation_is_refused_its_new_secret_by_the_server_and_gets_a_token_with_the_fallback()
    {
        _secrets.Serve(SecretDocument("new-secret-not-yet-in-the-server-Mv3", fallback: InServer));
        var before = await ReceivedSoFar();

        var token = Jwt(await Client().GetTokenAsync("inventory-api"));

        Assert.Equal([Inventory], token.Audiences);
        Assert.Equal([(401, "invalid secret provided"), (200, null)], (await ReceivedSince(before)).Select(r => (r.Status, r.Detail)));
        Assert.Equal([SecretName], _vault!.Reads);
    }

    [Fact]
    public void A_parsed_key_documents_text_holds_neither_its_key_nor_its_secret()
    {
        var json = KeyDocument(tenant.Registered, fallback: InServer);

        var document = CredentialsDocument.Parse(json, SecretName);

        Assert.Equal(
            (ClientAuthentication.PrivateKeyJwt, 2, KeyClient, Thumbprint(tenant.Registered), "RS256", tenant.Peer.Issuer, (string?)null, InServer),
            (document.Authentication, document.Version, document.ClientId, document.KeyId, document.Algorithm, document.AssertionAudience, document.ClientSecret, document.FallbackClientSecret));
        Assert.Equal(tenant.Registered.ExportPkcs8PrivateKeyPem(), document.PrivateKey);
        var text = document.ToString();
        Assert.Contains("PrivateKey = (redacted)", text, StringComparison.Ordinal);
        AssertHoldsNoCredential(text, json);
        Assert.DoesNotContain(InServer, text, StringComparison.Ordinal);
        Assert.DoesNotContain("(redacted)", CredentialsDocument.Parse(SecretDocument(InServer), SecretName).ToString().Replace("ClientSecret = (redacted)", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    /// <summary>No part of the document's private key (a line of its PEM), no PEM armour, no JWT and not its fallback secret is in <paramref name="text"/>.</summary>
    private static void AssertHoldsNoCredential(string text, string document)
    {
        Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
        // A JWT's header, {"alg":..., base64url.
        Assert.DoesNotContain("eyJhbGci", text, StringComparison.Ordinal);
        if (JsonNode.Parse(document)!["privateKey"]?.GetValue<string>() is { } pem)
        {
            Assert.All(pem.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => !line.StartsWith("-----", StringComparison.Ordinal)), line => Assert.DoesNotContain(line, text, StringComparison.Ordinal));
        }

        if (JsonNode.Parse(document)!["fallbackClientSecret"]?.GetValue<string>() is { } secret)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    /// <summary>One secret whose value changes from read to read: each read serves the next document, then the last again.</summary>
    private sealed class ReadsInTurn(string name) : IReadOnlyDictionary<string, VaultSecret>
    {
        private readonly Queue<string> _next = new();
        private string? _last;

        public void Serve(params string[] documents)
        {
            foreach (var document in documents)
            {
                _next.Enqueue(document);
            }
        }

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out VaultSecret value)
        {
            if (key == name && (_next.TryDequeue(out var document) ? _last = document : _last) is { } current)
            {
                value = new VaultSecret(current);
                return true;
            }

            value = null;
            return false;
        }

        public VaultSecret this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

        public IEnumerable<string> Keys => [name];

        public IEnumerable<VaultSecret> Values => _last is null ? [] : [new VaultSecret(_last)];

        public int Count => 1;

        public bool ContainsKey(string key) => key == name;

        public IEnumerator<KeyValuePair<string, VaultSecret>> GetEnumerator() => Keys.Select(k => new KeyValuePair<string, VaultSecret>(k, this[k])).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
