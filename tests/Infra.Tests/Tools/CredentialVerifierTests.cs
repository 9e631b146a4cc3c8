using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Infra.Config;
using Infra.Tests.Support;
using Infra.Tool.Verify;

namespace Infra.Tests.Tools;

/// <summary>
/// The verify command against a real OAuth 2.0 server (oauth2-mock-server, installed by .ci/run into tests/verify)
/// configured to grant like Auth0, with the Key Vault reads served at the HTTP level.
/// </summary>
public sealed class CredentialVerifierTests
{
    private static readonly AccessConfig Dev = AccessConfigParser.Parse(Config.AccessConfigParserTests.Raw(StackHarness.StackConfig()));

    private static string SecretOf(string client) => $"vault-secret-of-{client}-Zx81Qp";

    /// <summary>The grants Auth0 would hold for the dev stack: client id → secret and audience → scopes.</summary>
    private static JsonObject TenantGrants(Action<JsonObject>? change = null)
    {
        var clients = new JsonObject();
        foreach (var client in Dev.Clients)
        {
            clients[$"id-{client.Key}"] = new JsonObject
            {
                ["secret"] = SecretOf(client.Key),
                ["grants"] = new JsonObject(client.Grants.Select(g => KeyValuePair.Create(
                    Dev.Apis.Single(a => a.Key == g.ApiKey).Identifier,
                    (JsonNode?)string.Join(' ', g.Scopes)))),
            };
        }

        change?.Invoke(clients);
        return clients;
    }

    private static async Task<(IReadOnlyList<VerifiedGrant> Results, KeyVaultHandler Vault)> VerifyAgainst(JsonObject tenant, Func<string, string?>? overrideSecret = null)
    {
        await using var server = await OAuthServer.StartAsync(tenant);
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var client in Dev.Clients)
        {
            foreach (var secret in ConsumerSecretLayout.For(Dev.KeyVault, client))
            {
                secrets[secret.Name] = secret.Kind switch
                {
                    ConsumerSecretKind.ClientId => $"id-{client.Key}",
                    ConsumerSecretKind.ClientSecret or ConsumerSecretKind.ClientSecretNext => overrideSecret?.Invoke(client.Key) ?? SecretOf(client.Key),
                    ConsumerSecretKind.TokenEndpoint => $"{server.Issuer}/token",
                    _ => Dev.Apis.Single(a => a.Key == secret.ApiKey).Identifier,
                };
            }
        }

        var vault = new KeyVaultHandler(secrets);
        var client2 = new SecretClient(new Uri(Dev.KeyVault.Uri), new StaticCredential(), new SecretClientOptions { Transport = new HttpClientTransport(new HttpClient(vault)) });
        using var http = new HttpClient();
        return (await new CredentialVerifier(client2, http).VerifyAsync(Dev), vault);
    }

    [Fact]
    public async Task Every_dev_client_gets_a_signed_token_with_exactly_its_audience_and_scopes()
    {
        var (results, vault) = await VerifyAgainst(TenantGrants());

        Assert.Equal(
            ["checkout-service orders-api", "checkout-service inventory-api", "nightly-reconciler inventory-api", "partner-globex orders-api"],
            results.Select(r => $"{r.Client} {r.Api}"));
        Assert.All(results, r => Assert.True(r.Ok, string.Join("; ", r.Problems)));
        Assert.Equal("ok    checkout-service → inventory-api", VerifyReport.Render(results).Split('\n')[0]);
        Assert.EndsWith("4 of 4 grants verified\n", VerifyReport.Render(results).ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.True(vault.ChallengesAnswered > 0, "the Key Vault client authenticated through the bearer challenge");
    }

    [Fact]
    public async Task A_scope_the_tenant_grants_beyond_config_is_a_mismatch()
    {
        var (results, _) = await VerifyAgainst(TenantGrants(t => t["id-nightly-reconciler"]!["grants"]!["https://api.acme.example/inventory"] = "stock:read stock:adjust stock:delete"));

        var failure = Assert.Single(results, r => !r.Ok);
        Assert.Equal(("nightly-reconciler", "inventory-api"), (failure.Client, failure.Api));
        Assert.Equal(["scope is 'stock:adjust stock:delete stock:read', expected 'stock:adjust stock:read'"], failure.Problems);
        Assert.StartsWith("FAIL  nightly-reconciler → inventory-api: scope is", VerifyReport.Render(results), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_secret_in_the_vault_and_a_missing_grant_are_reported_without_printing_a_secret_or_a_token()
    {
        var (results, _) = await VerifyAgainst(
            TenantGrants(t => t["id-checkout-service"]!["grants"]!.AsObject().Remove("https://api.acme.example/inventory")),
            overrideSecret: client => client == "partner-globex" ? "stale-secret-Qm7Tn3" : null);

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

    /// <summary>Key Vault's data plane at the HTTP level: a bearer challenge, then secrets by name.</summary>
    internal sealed class KeyVaultHandler(IReadOnlyDictionary<string, string> secrets) : HttpMessageHandler
    {
        public int ChallengesAnswered { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.Authorization is not { Scheme: "Bearer", Parameter: StaticCredential.Token })
            {
                var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized);
                challenge.Headers.Add("WWW-Authenticate", "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001\", resource=\"https://vault.azure.net\"");
                return Task.FromResult(challenge);
            }

            ChallengesAnswered++;
            var name = request.RequestUri!.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) is ["secrets", var n, ..] ? n : "";
            if (!secrets.TryGetValue(name, out var value))
            {
                return Task.FromResult(Json(HttpStatusCode.NotFound, new JsonObject { ["error"] = new JsonObject { ["code"] = "SecretNotFound", ["message"] = $"A secret with (name/id) {name} was not found in this key vault." } }));
            }

            return Task.FromResult(Json(HttpStatusCode.OK, new JsonObject
            {
                ["value"] = value,
                ["id"] = $"{request.RequestUri.GetLeftPart(UriPartial.Authority)}/secrets/{name}/0123456789abcdef",
                ["attributes"] = new JsonObject { ["enabled"] = true },
            }));
        }

        private static HttpResponseMessage Json(HttpStatusCode status, JsonObject body)
            => new(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
    }

    private sealed class StaticCredential : TokenCredential
    {
        public const string Token = "test-access-token-for-key-vault";

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(Token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
    }

    /// <summary>tests/verify/oauth-server.mjs in a child process, for one test.</summary>
    private sealed class OAuthServer : IAsyncDisposable
    {
        private readonly Process _process;

        private OAuthServer(Process process, string issuer)
        {
            _process = process;
            Issuer = issuer;
        }

        public string Issuer { get; }

        public static async Task<OAuthServer> StartAsync(JsonObject clients)
        {
            var folder = Path.Combine(StackHarness.RepositoryRoot(), "tests", "verify");
            Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "oauth2-mock-server")), "run `npm ci --prefix tests/verify` first (.ci/run does)");
            var start = new ProcessStartInfo("node", "oauth-server.mjs")
            {
                WorkingDirectory = folder,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["VERIFY_CLIENTS"] = clients.ToJsonString();
            var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException("oauth-server.mjs exited: " + await process.StandardError.ReadToEndAsync(timeout.Token));
            return new OAuthServer(process, JsonDocument.Parse(line).RootElement.GetProperty("issuer").GetString()!);
        }

        public async ValueTask DisposeAsync()
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }
    }
}
