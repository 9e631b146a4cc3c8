using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Infra.Config;
using Infra.Tests.Support;
using Infra.Tool.Verify;
using Moq;

namespace Infra.Tests.Tools;

/// <summary>
/// The verify command against a real OAuth 2.0 server (oauth2-mock-server, installed by .ci/run into tests/verify)
/// configured to grant like Auth0, with each client's one credentials document served by a fake Key Vault.
/// </summary>
public sealed class CredentialVerifierTests
{
    private static readonly AccessConfig Dev = Parse(StackHarness.StackConfig());

    private const string RefusedButFallbackAccepted = "the primary client secret is refused and the fallback accepted: the last rotation did not reach Auth0 (run `pulumi up` again)";

    private static AccessConfig Parse(IReadOnlyDictionary<string, string> config) => AccessConfigParser.Parse(Config.AccessConfigParserTests.Raw(config));

    private static string SecretOf(string client) => $"vault-secret-of-{client}-Zx81Qp";

    /// <summary>The grants Auth0 would hold for the dev stack: client id → secret and audience → scopes.</summary>
    internal static JsonObject TenantGrants(AccessConfig access, Action<JsonObject>? change = null)
    {
        var clients = new JsonObject();
        foreach (var client in access.Clients)
        {
            clients[$"id-{client.Key}"] = new JsonObject
            {
                ["secret"] = SecretOf(client.Key),
                ["grants"] = new JsonObject(client.Grants.Select(g => KeyValuePair.Create(
                    access.Apis.Single(a => a.Key == g.ApiKey).Identifier,
                    (JsonNode?)string.Join(' ', g.Scopes)))),
            };
        }

        change?.Invoke(clients);
        return clients;
    }

    /// <summary>The document the program writes for <paramref name="client"/> after a finished deploy.</summary>
    internal static ConsumerCredentials Document(AccessConfig access, M2MClientDefinition client, string tokenEndpoint) => new(
        $"id-{client.Key}",
        client.Disabled ? null : SecretOf(client.Key),
        null,
        tokenEndpoint,
        client.Grants.ToDictionary(g => g.ApiKey, g => access.Apis.Single(a => a.Key == g.ApiKey).Identifier, StringComparer.Ordinal),
        client.Expires?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        client.Disabled);

    private static async Task<(IReadOnlyList<VerifiedGrant> Results, FakeKeyVault Vault)> VerifyAgainst(
        JsonObject tenant,
        Func<ConsumerCredentials, string>? document = null,
        AccessConfig? access = null,
        string? missing = null,
        IProgress<Infra.Tool.RunProgress>? progress = null,
        string? onlyClient = null,
        string? misbehave = null,
        string? forbidden = null,
        HttpMessageHandler? network = null)
    {
        access ??= Dev;
        await using var server = await OAuthServer.StartAsync(tenant, misbehave);
        var secrets = access.Clients.Where(c => c.Key != missing).ToDictionary(
            c => ConsumerSecretLayout.SecretName(access.KeyVault, c),
            c =>
            {
                var written = Document(access, c, server.TokenEndpoint);
                return new VaultSecret(document?.Invoke(written) ?? written.ToJson(), Enabled: !c.Disabled && c.Key != forbidden);
            },
            StringComparer.Ordinal);

        using var vault = new FakeKeyVault(secrets);
        using var http = network is null ? new HttpClient() : new HttpClient(network, disposeHandler: false);
        return (await new CredentialVerifier(vault.Client(access.KeyVault.Uri), http, server.TokenEndpoint).VerifyAsync(access, onlyClient, progress: progress), vault);
    }

    [Fact]
    public async Task Every_dev_client_gets_a_signed_token_with_exactly_its_audience_and_scopes_from_one_read()
    {
        var (results, vault) = await VerifyAgainst(TenantGrants(Dev));

        Assert.Equal(
            ["checkout-service orders-api", "checkout-service inventory-api", "nightly-reconciler inventory-api", "partner-globex orders-api"],
            results.Select(r => $"{r.Client} {r.Api}"));
        Assert.All(results, r => Assert.True(r.Ok, string.Join("; ", r.Problems)));
        Assert.Equal("ok    checkout-service → inventory-api", VerifyReport.Render(results).Split('\n')[0]);
        Assert.EndsWith("4 of 4 grants verified\n", VerifyReport.Render(results).ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.True(vault.ChallengesAnswered > 0, "the Key Vault client authenticated through the bearer challenge");
        // One read per client, of its one secret, however many APIs it is granted.
        Assert.Equal(["m2m--checkout-service", "m2m--nightly-reconciler", "m2m--partner-globex"], vault.Reads);
    }

    [Fact]
    public async Task With_a_client_named_only_that_client_is_read_and_verified()
    {
        var (results, vault) = await VerifyAgainst(TenantGrants(Dev), onlyClient: "nightly-reconciler");

        Assert.Equal(["nightly-reconciler inventory-api True"], results.Select(r => $"{r.Client} {r.Api} {r.Ok}"));
        Assert.Equal(["m2m--nightly-reconciler"], vault.Reads);
    }

    [Fact]
    public async Task Verify_reports_which_client_of_how_many_it_is_on()
    {
        var progress = new RecordedProgress();

        await VerifyAgainst(TenantGrants(Dev), progress: progress);

        Assert.Equal(
            [
                new(0, 3, "client 1 of 3, checkout-service"),
                new(1, 3, "client 2 of 3, nightly-reconciler"),
                new(2, 3, "client 3 of 3, partner-globex"),
                new(3, 3, ""),
            ],
            progress.Steps);
    }

    [Fact]
    public async Task A_scope_the_tenant_grants_beyond_config_is_a_mismatch()
    {
        var (results, _) = await VerifyAgainst(TenantGrants(Dev, t => t["id-nightly-reconciler"]!["grants"]!["https://api.acme.example/inventory"] = "stock:read stock:adjust stock:delete"));

        var failure = Assert.Single(results, r => !r.Ok);
        Assert.Equal(("nightly-reconciler", "inventory-api"), (failure.Client, failure.Api));
        Assert.Equal(["scope is 'stock:adjust stock:delete stock:read', expected 'stock:adjust stock:read'"], failure.Problems);
        Assert.StartsWith("FAIL  nightly-reconciler → inventory-api: scope is", VerifyReport.Render(results), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_secret_in_the_vault_and_a_missing_grant_are_reported_without_printing_a_secret_or_a_token()
    {
        var (results, _) = await VerifyAgainst(
            TenantGrants(Dev, t => t["id-checkout-service"]!["grants"]!.AsObject().Remove("https://api.acme.example/inventory")),
            document: d => (d.ClientId == "id-partner-globex" ? d with { ClientSecret = "stale-secret-Qm7Tn3" } : d).ToJson());

        var report = VerifyReport.Render(results);
        Assert.Equal(
            [
                "checkout-service inventory-api token request refused: 403 access_denied Client has not been granted scopes for https://api.acme.example/inventory",
                "partner-globex orders-api token request refused: 401 access_denied Unauthorized",
            ],
            results.Where(r => !r.Ok).Select(r => $"{r.Client} {r.Api} {string.Join("; ", r.Problems)}"));
        Assert.EndsWith("2 of 4 grants verified\n", report.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("stale-secret", report, StringComparison.Ordinal);
        Assert.DoesNotContain(Dev.Clients, c => report.Contains(SecretOf(c.Key), StringComparison.Ordinal));
        Assert.DoesNotContain("eyJ", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_primary_refused_and_a_fallback_accepted_is_a_rotation_that_did_not_reach_auth0()
    {
        // The document was written (new secret, previous as fallback) but the run stopped before Auth0 switched.
        using var network = new TokenRequestRecorder();
        var (results, _) = await VerifyAgainst(
            TenantGrants(Dev),
            document: d => (d.ClientId == "id-checkout-service" ? d with { ClientSecret = "rotated-not-yet-in-auth0-Vb5", FallbackClientSecret = d.ClientSecret } : d).ToJson(),
            network: network);

        Assert.Equal(
            [
                $"checkout-service orders-api {RefusedButFallbackAccepted}",
                $"checkout-service inventory-api {RefusedButFallbackAccepted}",
            ],
            results.Where(r => !r.Ok).Select(r => $"{r.Client} {r.Api} {string.Join("; ", r.Problems)}"));
        Assert.EndsWith("2 of 4 grants verified\n", VerifyReport.Render(results).ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("rotated-not-yet", VerifyReport.Render(results), StringComparison.Ordinal);
        // Six token requests (four grants, two of them tried again with the fallback), and every answer released:
        // the refused first ones too, which the verifier drops for the second try.
        Assert.Equal((6, 0), (network.Requests.Count, network.AnswersNotDisposed));
    }

    [Fact]
    public async Task A_finished_rotation_whose_primary_works_is_ok_with_a_fallback_present()
    {
        var (results, _) = await VerifyAgainst(
            TenantGrants(Dev),
            document: d => (d with { FallbackClientSecret = "previous-secret-no-longer-in-auth0-Kp2" }).ToJson());

        Assert.All(results, r => Assert.True(r.Ok, string.Join("; ", r.Problems)));
        Assert.Equal(4, results.Count);
    }

    [Fact]
    public async Task A_primary_and_a_fallback_both_refused_is_the_refusal_alone()
    {
        var (results, _) = await VerifyAgainst(
            TenantGrants(Dev),
            document: d => (d.ClientId == "id-nightly-reconciler" ? d with { ClientSecret = "wrong-one-Tt4", FallbackClientSecret = "wrong-two-Tt5" } : d).ToJson());

        var failure = Assert.Single(results, r => !r.Ok);
        Assert.Equal(("nightly-reconciler", "inventory-api"), (failure.Client, failure.Api));
        Assert.Equal(["token request refused: 401 access_denied Unauthorized"], failure.Problems);
    }

    [Fact]
    public async Task A_secret_that_is_not_a_credentials_document_is_a_problem_for_each_of_its_grants_and_is_not_printed()
    {
        var (results, _) = await VerifyAgainst(
            TenantGrants(Dev),
            document: d => d.ClientId == "id-checkout-service" ? "plain-Secret-from-an-old-layout-Hj6" : d.ToJson());

        Assert.Equal(
            [
                "checkout-service orders-api Key Vault: the client's secret is not a credentials document ('p' is an invalid start of a value. Path: $ | LineNumber: 0 | BytePositionInLine: 0.)",
                "checkout-service inventory-api Key Vault: the client's secret is not a credentials document ('p' is an invalid start of a value. Path: $ | LineNumber: 0 | BytePositionInLine: 0.)",
            ],
            results.Where(r => !r.Ok).Select(r => $"{r.Client} {r.Api} {string.Join("; ", r.Problems)}"));
        Assert.DoesNotContain("plain-Secret", VerifyReport.Render(results), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_of_another_version_or_with_an_unknown_key_is_not_read()
    {
        var (results, _) = await VerifyAgainst(
            TenantGrants(Dev),
            document: d => d.ClientId switch
            {
                "id-nightly-reconciler" => d.ToJson().Replace("\"version\":1", "\"version\":2", StringComparison.Ordinal),
                "id-partner-globex" => d.ToJson().Replace("\"version\":1", "\"version\":1,\"clientSecretNext\":null", StringComparison.Ordinal),
                _ => d.ToJson(),
            });

        Assert.Equal(
            [
                "nightly-reconciler inventory-api Key Vault: the client's secret is not a credentials document (The credentials document has version 2; this reader knows version 1.)",
                "partner-globex orders-api Key Vault: the client's secret is not a credentials document (The JSON property 'clientSecretNext' could not be mapped to any .NET member contained in type 'Infra.Config.ConsumerCredentials'.)",
            ],
            results.Where(r => !r.Ok).Select(r => $"{r.Client} {r.Api} {string.Join("; ", r.Problems)}"));
    }

    [Fact]
    public async Task A_json_object_that_lacks_the_documents_keys_is_not_a_credentials_document()
    {
        // JSON that parses but names no client: nothing to request a token with, and no crash either.
        var (results, _) = await VerifyAgainst(
            TenantGrants(Dev),
            document: d => d.ClientId == "id-partner-globex" ? """{"version":1}""" : d.ToJson());

        var failed = Assert.Single(results, r => !r.Ok);
        Assert.Equal(("partner-globex", "orders-api"), (failed.Client, failed.Api));
        Assert.StartsWith("Key Vault: the client's secret is not a credentials document (", Assert.Single(failed.Problems), StringComparison.Ordinal);
        Assert.Contains("clientId", failed.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_without_a_secret_or_with_another_audience_for_an_enabled_client_is_reported()
    {
        var (results, _) = await VerifyAgainst(
            TenantGrants(Dev),
            document: d => d.ClientId switch
            {
                "id-nightly-reconciler" => (d with { ClientSecret = null }).ToJson(),
                "id-partner-globex" => (d with { Audiences = new Dictionary<string, string> { ["orders-api"] = "https://api.acme.example/other" } }).ToJson(),
                "id-checkout-service" => (d with { Audiences = new Dictionary<string, string> { ["orders-api"] = "https://api.acme.example/orders" } }).ToJson(),
                _ => d.ToJson(),
            });

        Assert.Equal(
            [
                "checkout-service inventory-api Key Vault has no audience for 'inventory-api'",
                "nightly-reconciler inventory-api Key Vault holds no client secret for an enabled client",
                "partner-globex orders-api Key Vault audience is 'https://api.acme.example/other', expected 'https://api.acme.example/orders'",
            ],
            results.Where(r => !r.Ok).Select(r => $"{r.Client} {r.Api} {string.Join("; ", r.Problems)}"));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("nightly-reconciler", null)]
    [InlineData("nightly", "--client: no client 'nightly' in infra:clients; its clients are checkout-service, nightly-reconciler, partner-globex.")]
    public void Client_names_are_checked_against_the_config_before_anything_is_read(string? onlyClient, string? expected)
    {
        Assert.Equal(expected, CredentialVerifier.UnknownClient(Dev, onlyClient));
    }

    [Fact]
    public void The_only_client_of_a_stack_is_known()
    {
        var single = Dev with { Clients = [Dev.Clients[1]] };

        Assert.Null(CredentialVerifier.UnknownClient(single, "nightly-reconciler"));
    }

    [Fact]
    public async Task A_missing_secret_is_reported_with_key_vaults_error_code()
    {
        var (results, vault) = await VerifyAgainst(TenantGrants(Dev), missing: "checkout-service");

        Assert.Equal(
            [
                "checkout-service orders-api Key Vault: 404 SecretNotFound reading the client's secret",
                "checkout-service inventory-api Key Vault: 404 SecretNotFound reading the client's secret",
            ],
            results.Where(r => !r.Ok).Select(r => $"{r.Client} {r.Api} {string.Join("; ", r.Problems)}"));
        Assert.Equal(["m2m--checkout-service", "m2m--nightly-reconciler", "m2m--partner-globex"], vault.Reads);
    }

    [Theory]
    [InlineData("foreign-key", "token invalid: SecurityTokenInvalidSignatureException")]
    [InlineData("foreign-issuer", "token invalid: SecurityTokenInvalidIssuerException")]
    [InlineData("azp", "azp is not the client's id")]
    [InlineData("gty", "gty is 'password', expected 'client-credentials'")]
    [InlineData("expired", "token invalid: SecurityTokenExpiredException")]
    [InlineData("no-token", "token request refused: 200")]
    public async Task A_token_that_is_not_the_tenants_own_client_credentials_token_for_that_client_is_refused(string misbehave, string problem)
    {
        var (results, _) = await VerifyAgainst(TenantGrants(Dev), misbehave: misbehave);

        // Every grant of every enabled client gets the token, and every one is refused for that one reason.
        Assert.Equal(
            Dev.Clients.Where(c => !c.Disabled).SelectMany(c => c.Grants.Select(g => $"{c.Key} {g.ApiKey}: {problem}")),
            results.Select(r => $"{r.Client} {r.Api}: {string.Join("; ", r.Problems)}"));
    }

    [Fact]
    public async Task A_token_without_a_scope_claim_grants_no_scope_at_all()
    {
        var (results, _) = await VerifyAgainst(TenantGrants(Dev), misbehave: "no-scope");

        Assert.Equal(
            "nightly-reconciler inventory-api: scope is '', expected 'stock:adjust stock:read'",
            results.Select(r => $"{r.Client} {r.Api}: {string.Join("; ", r.Problems)}").Single(r => r.StartsWith("nightly-reconciler", StringComparison.Ordinal)));
        Assert.All(results, r => Assert.False(r.Ok));
    }

    [Fact]
    public async Task A_secret_key_vault_refuses_to_serve_is_reported_with_its_status_and_the_other_clients_still_verified()
    {
        var (results, vault) = await VerifyAgainst(TenantGrants(Dev), forbidden: "nightly-reconciler");

        Assert.Equal(
            ["Key Vault: 403 Forbidden reading the client's secret"],
            results.Where(r => r.Client == "nightly-reconciler").SelectMany(r => r.Problems));
        Assert.All(results.Where(r => r.Client != "nightly-reconciler"), r => Assert.True(r.Ok, string.Join("; ", r.Problems)));
        Assert.Contains("m2m--nightly-reconciler", vault.Reads);
    }

    [Fact]
    public async Task A_document_naming_another_token_endpoint_is_reported_and_the_secret_is_not_sent_there()
    {
        using var network = new TokenRequestRecorder();
        var (results, _) = await VerifyAgainst(TenantGrants(Dev), document: d => (d with { TokenEndpoint = "https://attacker.example/oauth/token" }).ToJson(), network: network);

        Assert.Equal(Dev.Clients.Where(c => !c.Disabled).Sum(c => c.Grants.Count), results.Count);
        Assert.All(results, r => Assert.Matches(@"^Key Vault token endpoint is 'https://attacker\.example/oauth/token', expected 'http://127\.0\.0\.1:\d+/token'$", Assert.Single(r.Problems)));
        Assert.Empty(network.Requests);
    }

    [Fact]
    public async Task Without_an_azure_sign_in_the_run_stops_at_the_first_read_with_what_to_do()
    {
        using var vault = new FakeKeyVault(new Dictionary<string, VaultSecret>());
        using var http = new HttpClient();
        var noSignIn = new Mock<TokenCredential>();
        noSignIn.Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new CredentialUnavailableException("DefaultAzureCredential failed to retrieve a token from the included credentials."));

        var error = await Assert.ThrowsAsync<VerifyAbortedException>(() => new CredentialVerifier(vault.Client(Dev.KeyVault.Uri, noSignIn.Object), http).VerifyAsync(Dev));

        Assert.Equal(
            $"Key Vault: no Azure sign-in for {Dev.KeyVault.Uri} (DefaultAzureCredential failed to retrieve a token from the included credentials.): run `az login`, or set the AZURE_* variables of a workload identity that holds Key Vault Secrets User on the clients' secrets.",
            error.Message);
        // One attempt, not one per client: the challenge was answered once and no secret was read.
        Assert.Empty(vault.Reads);
        noSignIn.Verify(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData(0)] // one try: the transport's RequestFailedException of status 0
    [InlineData(2)] // retries: Azure.Core's AggregateException of each try's status-0 failure
    public async Task A_vault_that_does_not_answer_stops_the_run_at_the_first_read_with_what_to_check(int retries)
    {
        using var unreachable = new UnreachableHandler();
        using var http = new HttpClient();
        var options = new SecretClientOptions { Transport = new HttpClientTransport(new HttpClient(unreachable, disposeHandler: false)) };
        options.Retry.MaxRetries = retries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        var vault = new SecretClient(new Uri(Dev.KeyVault.Uri), new Mock<TokenCredential>().Object, options);

        var error = await Assert.ThrowsAsync<VerifyAbortedException>(() => new CredentialVerifier(vault, http).VerifyAsync(Dev));

        Assert.Equal(
            $"Key Vault {Dev.KeyVault.Uri} did not answer (Name or service not known (kv-acme-m2m-dev.vault.azure.net:443)): check infra:keyVault and that this machine reaches the vault.",
            error.Message);
        Assert.Equal(retries + 1, unreachable.Attempts);
    }

    /// <summary>A network with no route to the vault: every request fails before any HTTP answer.</summary>
    private sealed class UnreachableHandler : HttpMessageHandler
    {
        public int Attempts { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Attempts++;
            throw new HttpRequestException($"Name or service not known ({request.RequestUri!.Host}:443)");
        }
    }

    [Fact]
    public async Task A_disabled_client_is_skipped_and_its_secret_is_not_read()
    {
        var access = Parse(StackHarness.StackConfig().Edit("infra:clients", c => c[2]!["disabled"] = true));

        var (results, vault) = await VerifyAgainst(TenantGrants(access), access: access);

        Assert.Equal(
            ["checkout-service orders-api", "checkout-service inventory-api", "nightly-reconciler inventory-api"],
            results.Select(r => $"{r.Client} {r.Api}"));
        Assert.All(results, r => Assert.True(r.Ok, string.Join("; ", r.Problems)));
        Assert.Equal(["m2m--checkout-service", "m2m--nightly-reconciler"], vault.Reads);
    }

    [Fact]
    public async Task A_refusal_without_an_error_code_is_reported_with_its_status_alone()
    {
        using var http = new HttpClient();
        var vault = new Mock<SecretClient>();
        vault.Setup(v => v.GetSecretAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ThrowsAsync(new RequestFailedException(403, "Forbidden"));

        var results = await new CredentialVerifier(vault.Object, http).VerifyAsync(Dev, "nightly-reconciler");

        Assert.Equal("nightly-reconciler inventory-api: Key Vault: 403 error reading the client's secret", Assert.Single(results.Select(r => $"{r.Client} {r.Api}: {string.Join(" | ", r.Problems)}")));
    }

    public static TheoryData<string, AggregateException> AnsweredAggregates => new()
    {
        // Some tries got an HTTP answer: the vault is there, so this is not "did not answer".
        { "mixed", new AggregateException(new RequestFailedException(0, "no answer"), new RequestFailedException(503, "busy")) },
        { "empty", new AggregateException() },
    };

    [Theory]
    [MemberData(nameof(AnsweredAggregates))]
    public async Task Only_an_aggregate_of_unanswered_tries_counts_as_a_vault_that_did_not_answer(string name, AggregateException failure)
    {
        using var http = new HttpClient();
        var vault = new Mock<SecretClient>();
        vault.Setup(v => v.GetSecretAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ThrowsAsync(failure);

        var thrown = await Assert.ThrowsAsync<AggregateException>(() => new CredentialVerifier(vault.Object, http).VerifyAsync(Dev));

        Assert.Same(failure, thrown);
        Assert.NotEmpty(name);
    }

    [Fact]
    public async Task Verifying_a_client_the_config_does_not_have_is_refused_by_argument()
    {
        using var http = new HttpClient();
        var vault = new Mock<SecretClient>(MockBehavior.Strict);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => new CredentialVerifier(vault.Object, http).VerifyAsync(Dev, "checkout-servce"));

        Assert.Equal(("onlyClient", "--client: no client 'checkout-servce' in infra:clients; its clients are checkout-service, nightly-reconciler, partner-globex. (Parameter 'onlyClient')"), (error.ParamName, error.Message));
    }

    [Fact]
    public void The_report_lists_failures_first_with_every_problem_then_the_count()
    {
        VerifiedGrant[] results =
        [
            new("nightly-reconciler", "inventory-api", []),
            new("checkout-service", "orders-api", ["scope is 'orders:read', expected 'orders:read orders:write'", "azp is 'x', expected 'y'"]),
            new("checkout-service", "inventory-api", []),
        ];

        Assert.Equal(
            "FAIL  checkout-service → orders-api: scope is 'orders:read', expected 'orders:read orders:write'; azp is 'x', expected 'y'\n"
                + "ok    checkout-service → inventory-api\nok    nightly-reconciler → inventory-api\n2 of 3 grants verified\n",
            VerifyReport.Render(results).ReplaceLineEndings("\n"));
    }
}
