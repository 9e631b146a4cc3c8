using System.Text.Json.Nodes;
using Acme.M2M.Credentials;
using Infra.Config;
using Infra.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Infra.Tests.Consumer;

/// <summary>
/// The consumer library (consumer/Acme.M2M.Credentials) against the real OAuth 2.0 server and a fake Key Vault that
/// serves the document exactly as the program writes it.
/// </summary>
public sealed class M2MTokenProviderTests(M2MTokenProviderTests.Auth0Tenant tenant) : IClassFixture<M2MTokenProviderTests.Auth0Tenant>, IDisposable
{
    private const string SecretName = "m2m--checkout-service";
    private const string ClientId = "cid_checkout-service";
    private const string InAuth0 = "secret-auth0-holds-Rw3Jk9";
    private const string Orders = "https://api.acme.example/orders";
    private const string Inventory = "https://api.acme.example/inventory";
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, VaultSecret> _secrets = new(StringComparer.Ordinal);
    private readonly TokenRequestRecorder _recorder = new();
    private readonly ManualClock _clock = new(Start);
    private FakeKeyVault? _vault;
    private HttpClient? _http;

    /// <summary>One server for the class: every test sees the same tenant, and starting Node costs a second.</summary>
    public sealed class Auth0Tenant : IAsyncLifetime
    {
        internal OAuthServer? Server { get; private set; }

        public async Task InitializeAsync() => Server = await OAuthServer.StartAsync(new JsonObject
        {
            [ClientId] = new JsonObject
            {
                ["secret"] = InAuth0,
                ["grants"] = new JsonObject { [Orders] = "orders:read orders:write", [Inventory] = "stock:read" },
            },
        });

        public async Task DisposeAsync()
        {
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

    /// <summary>Puts the document into the vault as the program writes it (ConsumerCredentials.ToJson).</summary>
    private void Store(string? clientSecret, string? fallback, bool disabled = false, bool enabledInVault = true)
        => _secrets[SecretName] = new VaultSecret(
            new ConsumerCredentials(ClientId, clientSecret, fallback, tenant.Server!.TokenEndpoint, new Dictionary<string, string> { ["orders-api"] = Orders, ["inventory-api"] = Inventory }, "2027-02-15", disabled).ToJson(),
            enabledInVault);

    private M2MTokenProvider Client()
    {
        _vault ??= new FakeKeyVault(_secrets);
        _http ??= new HttpClient(_recorder, disposeHandler: false);
        return new(_vault.Client("https://kv-acme-m2m-dev.vault.azure.net/"), SecretName, _http, _clock);
    }

    private static JsonWebToken Jwt(string token) => new(token);

    [Fact]
    public async Task A_token_for_an_api_key_carries_its_audience_and_scopes_from_one_read_of_the_one_secret()
    {
        Store(InAuth0, fallback: null);

        var token = Jwt(await Client().GetTokenAsync("orders-api"));

        Assert.Equal([Orders], token.Audiences);
        Assert.Equal((ClientId, "orders:read orders:write"), (token.GetPayloadValue<string>("azp"), token.GetPayloadValue<string>("scope")));
        Assert.Equal([SecretName], _vault!.Reads);
        Assert.Equal([(ClientId, InAuth0, Orders)], _recorder.Requests);
    }

    [Fact]
    public async Task Tokens_are_cached_per_audience_until_a_minute_before_they_expire_and_the_document_is_read_once()
    {
        Store(InAuth0, fallback: null);
        var client = Client();

        var first = await client.GetTokenAsync("orders-api");
        _clock.Advance(TimeSpan.FromMinutes(58) + TimeSpan.FromSeconds(59));
        var cached = await client.GetTokenAsync("orders-api");
        var otherApi = Jwt(await client.GetTokenAsync("inventory-api"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        var renewed = await client.GetTokenAsync("orders-api");

        Assert.Same(first, cached);
        Assert.Equal([Inventory], otherApi.Audiences);
        // oauth2-mock-server issues hour-long tokens: renewed from 59 minutes on, with the document already read.
        Assert.Equal([Orders, Inventory, Orders], _recorder.Requests.Select(r => r.Audience));
        Assert.Equal([SecretName], _vault!.Reads);
        Assert.Equal([Orders], Jwt(renewed).Audiences);
    }

    [Fact]
    public async Task Callers_that_arrive_together_share_one_token_request()
    {
        Store(InAuth0, fallback: null);
        var client = Client();

        var tokens = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.GetTokenAsync("orders-api")));

        Assert.Single(tokens.Distinct());
        Assert.Single(_recorder.Requests);
        Assert.Equal([SecretName], _vault!.Reads);
    }

    [Fact]
    public async Task Mid_rotation_a_refused_secret_is_retried_once_with_the_fallback()
    {
        // The document has the new secret; Auth0 still the previous one, now the fallback.
        Store("new-secret-not-yet-in-auth0-Ux2", fallback: InAuth0);

        var token = Jwt(await Client().GetTokenAsync("inventory-api"));

        Assert.Equal([Inventory], token.Audiences);
        Assert.Equal([(ClientId, "new-secret-not-yet-in-auth0-Ux2", Inventory), (ClientId, InAuth0, Inventory)], _recorder.Requests);
        Assert.Equal([SecretName], _vault!.Reads);
    }

    [Fact]
    public async Task After_the_switch_the_primary_works_and_the_fallback_is_not_tried()
    {
        Store(InAuth0, fallback: "previous-secret-Auth0-dropped-Pn8");

        await Client().GetTokenAsync("orders-api");

        Assert.Equal([(ClientId, InAuth0, Orders)], _recorder.Requests);
    }

    [Fact]
    public async Task When_auth0_refuses_every_secret_read_the_document_is_read_again_and_its_new_secret_used()
    {
        // A document whose secrets Auth0 no longer holds (read before a rotation finished), then the vault's new one.
        Store("older-secret-Zq1", fallback: "oldest-secret-Zq0");
        var client = Client();
        await Assert.ThrowsAsync<M2MCredentialsException>(() => client.GetTokenAsync("orders-api"));
        Store(InAuth0, fallback: "older-secret-Zq1");

        var token = Jwt(await client.GetTokenAsync("orders-api"));

        Assert.Equal([Orders], token.Audiences);
        // The second call tried what it had read, was refused, read the vault again and used its secret.
        Assert.Equal(["older-secret-Zq1", "oldest-secret-Zq0", "older-secret-Zq1", "oldest-secret-Zq0", InAuth0], _recorder.Requests.Select(r => r.Secret));
        Assert.Equal(3, _vault!.Reads.Count);
    }

    [Fact]
    public async Task Both_secrets_refused_twice_is_auth0s_error_without_a_secret_in_it()
    {
        Store("wrong-one-Gh4", fallback: "wrong-two-Gh5");

        var error = await Assert.ThrowsAsync<M2MCredentialsException>(() => Client().GetTokenAsync("orders-api"));

        Assert.Equal("""Auth0 refused client 'cid_checkout-service' a token for API 'orders-api' with every credential in 'm2m--checkout-service', read twice: 401 {"error":"access_denied","error_description":"Unauthorized"}""", error.Message);
        Assert.DoesNotContain("wrong-", error.ToString(), StringComparison.Ordinal);
        // The document was read again, found unchanged, and not tried a second time.
        Assert.Equal([SecretName, SecretName], _vault!.Reads);
        Assert.Equal(2, _recorder.Requests.Count);
        Assert.Equal(0, _recorder.AnswersNotDisposed);
    }

    [Fact]
    public async Task A_refused_secret_without_a_fallback_is_not_retried_with_the_same_secret()
    {
        Store("wrong-one-Gh4", fallback: null);

        await Assert.ThrowsAsync<M2MCredentialsException>(() => Client().GetTokenAsync("orders-api"));

        Assert.Single(_recorder.Requests);
    }

    [Fact]
    public async Task A_disabled_clients_document_is_a_clear_error_and_no_token_request()
    {
        // The document the program writes for a disabled client, were it still readable.
        Store(null, null, disabled: true);

        var error = await Assert.ThrowsAsync<M2MCredentialsException>(() => Client().GetTokenAsync("orders-api"));

        Assert.Equal("Client 'cid_checkout-service' is disabled: 'm2m--checkout-service' holds no secret, and Auth0 refuses it tokens.", error.Message);
        Assert.Empty(_recorder.Requests);
    }

    [Fact]
    public async Task A_secret_disabled_in_key_vault_is_a_clear_error()
    {
        Store(null, null, disabled: true, enabledInVault: false);

        var error = await Assert.ThrowsAsync<M2MCredentialsException>(() => Client().GetTokenAsync("orders-api"));

        Assert.Equal("Key Vault refused to read 'm2m--checkout-service' (403): the client is disabled or removed, or this identity is not one of its readers.", error.Message);
        Assert.Equal(403, Assert.IsType<Azure.RequestFailedException>(error.InnerException).Status);
        Assert.Empty(_recorder.Requests);
    }

    [Fact]
    public async Task An_api_the_client_is_not_granted_and_another_document_version_are_clear_errors()
    {
        Store(InAuth0, fallback: null);
        var notGranted = await Assert.ThrowsAsync<M2MCredentialsException>(() => Client().GetTokenAsync("billing-api"));
        _secrets[SecretName] = new VaultSecret(_secrets[SecretName].Value.Replace("\"version\":1", "\"version\":3", StringComparison.Ordinal));
        var otherVersion = await Assert.ThrowsAsync<M2MCredentialsException>(() => new M2MTokenProvider(_vault!.Client("https://kv-acme-m2m-dev.vault.azure.net/"), SecretName, _http!, _clock).GetTokenAsync("orders-api"));

        Assert.Equal("Client 'cid_checkout-service' is not granted access to API 'billing-api'; it is granted: inventory-api, orders-api.", notGranted.Message);
        Assert.Equal("'m2m--checkout-service' holds a credentials document of a version this library does not read; it reads versions 1 and 2: update Acme.M2M.Credentials.", otherVersion.Message);
        Assert.Empty(_recorder.Requests);
    }

    [Fact]
    public async Task The_examples_http_client_sends_the_orders_apis_token_through_the_library()
    {
        Store(InAuth0, fallback: null);
        using var orders = WireMock.Server.WireMockServer.Start();
        orders.Given(WireMock.RequestBuilders.Request.Create().WithPath("/orders/1").UsingGet()).RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithBody("{}"));
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        global::Consumer.OrdersApi.AddOrdersApi(services, new Uri("https://kv-acme-m2m-dev.vault.azure.net/"), new Uri(orders.Url! + "/"));
        // The app's identity is Azure's; here the provider reads the fake vault instead (the last registration wins).
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(services, Client());
        await using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);

        var http = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IHttpClientFactory>(provider).CreateClient(global::Consumer.OrdersApi.Name);
        using var response = await http.GetAsync(new Uri("orders/1", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var authorization = orders.LogEntries.Single().RequestMessage.Headers!["Authorization"].Single();
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        Assert.Equal([Orders], Jwt(authorization["Bearer ".Length..]).Audiences);
        Assert.Equal([(ClientId, InAuth0, Orders)], _recorder.Requests);
    }
}
