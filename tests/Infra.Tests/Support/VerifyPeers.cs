using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;

namespace Infra.Tests.Support;

/// <summary>One secret as the fake vault holds it: its value, and whether Key Vault would serve it.</summary>
internal sealed record VaultSecret(string Value, bool Enabled = true);

/// <summary>
/// Key Vault's data plane at the HTTP level: a bearer challenge, then secrets by name, answered as Key Vault does
/// (404 for a missing secret, 403 for a disabled one). Records every secret read.
/// </summary>
internal sealed class FakeKeyVault(IReadOnlyDictionary<string, VaultSecret> secrets) : HttpMessageHandler
{
    private readonly List<string> _reads = [];

    public int ChallengesAnswered { get; private set; }

    /// <summary>The names of the secrets read, in order.</summary>
    public IReadOnlyList<string> Reads
    {
        get
        {
            lock (_reads)
            {
                return [.. _reads];
            }
        }
    }

    /// <summary>A <see cref="SecretClient"/> whose every request this vault answers.</summary>
    public SecretClient Client(string vaultUri, TokenCredential? credential = null)
        => new(new Uri(vaultUri), credential ?? new StaticCredential(), new SecretClientOptions { Transport = new HttpClientTransport(new HttpClient(this, disposeHandler: false)) });

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
        lock (_reads)
        {
            _reads.Add(name);
        }

        if (!secrets.TryGetValue(name, out var secret))
        {
            return Task.FromResult(Json(HttpStatusCode.NotFound, new JsonObject { ["error"] = new JsonObject { ["code"] = "SecretNotFound", ["message"] = $"A secret with (name/id) {name} was not found in this key vault." } }));
        }

        if (!secret.Enabled)
        {
            return Task.FromResult(Json(HttpStatusCode.Forbidden, new JsonObject
            {
                ["error"] = new JsonObject { ["code"] = "Forbidden", ["message"] = "Operation get is not allowed on a disabled secret.", ["innererror"] = new JsonObject { ["code"] = "SecretDisabled" } },
            }));
        }

        return Task.FromResult(Json(HttpStatusCode.OK, new JsonObject
        {
            ["value"] = secret.Value,
            ["contentType"] = "application/json",
            ["id"] = $"{request.RequestUri.GetLeftPart(UriPartial.Authority)}/secrets/{name}/0123456789abcdef",
            ["attributes"] = new JsonObject { ["enabled"] = true },
        }));
    }

    private static HttpResponseMessage Json(HttpStatusCode status, JsonObject body)
        => new(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };

    private sealed class StaticCredential : TokenCredential
    {
        public const string Token = "test-access-token-for-key-vault";

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(Token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
    }
}

/// <summary>
/// Passes requests on and records each token request's client id and secret, in order, and the answers to them.
/// </summary>
internal sealed class TokenRequestRecorder() : DelegatingHandler(new HttpClientHandler())
{
    private readonly List<(string ClientId, string Secret, string Audience)> _requests = [];
    private readonly List<HttpResponseMessage> _answers = [];

    /// <summary>How many answers to token requests nobody disposed: each holds a connection until the GC runs.</summary>
    public int AnswersNotDisposed
    {
        get
        {
            lock (_answers)
            {
                return _answers.Count(a => !ResponseState.IsDisposed(a));
            }
        }
    }

    public IReadOnlyList<(string ClientId, string Secret, string Audience)> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Post || request.Content is null)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var form = (await request.Content.ReadAsStringAsync(cancellationToken)).Split('&')
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(kv => WebUtility.UrlDecode(kv[0]), kv => WebUtility.UrlDecode(kv[1]), StringComparer.Ordinal);
        lock (_requests)
        {
            _requests.Add((form["client_id"], form["client_secret"], form["audience"]));
        }

        var answer = await base.SendAsync(request, cancellationToken);
        lock (_answers)
        {
            _answers.Add(answer);
        }

        return answer;
    }
}

/// <summary>A clock that stands still until a test moves it.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public void Advance(TimeSpan by) => _now += by;

    public override DateTimeOffset GetUtcNow() => _now;
}

/// <summary>
/// tests/verify/oauth-server.mjs in a child process, for one test: a real OAuth 2.0 server (oauth2-mock-server)
/// configured to grant like Auth0.
/// </summary>
internal sealed class OAuthServer : IAsyncDisposable
{
    private readonly Process _process;

    private OAuthServer(Process process, string issuer)
    {
        _process = process;
        Issuer = issuer;
    }

    public string Issuer { get; }

    // The server is a pinned npm package (tests/verify/package-lock.json): a fresh clone's `dotnet test` installs it
    // once, as ./test.sh does, so no test depends on a step run before it.
    private static readonly Lazy<Task> Installed = new(InstallAsync);

    private static async Task InstallAsync()
    {
        var folder = Path.Combine(StackHarness.RepositoryRoot(), "tests", "verify");
        if (Directory.Exists(Path.Combine(folder, "node_modules", "oauth2-mock-server")))
        {
            return;
        }

        var start = new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        Process npm;
        try
        {
            npm = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("The verify tests run a real OAuth 2.0 server from npm (tests/verify): install Node.js 20.19 or later with npm.", e);
        }

        using (npm)
        {
            var output = npm.StandardOutput.ReadToEndAsync();
            var error = await npm.StandardError.ReadToEndAsync();
            await npm.WaitForExitAsync();
            Assert.True(npm.ExitCode == 0, $"`npm ci` in tests/verify failed (exit {npm.ExitCode}): {error}{await output}");
        }
    }

    public string TokenEndpoint => $"{Issuer}/token";

    /// <summary>
    /// Starts the server for these clients: client id → {secret, grants: audience → scopes}; with
    /// <paramref name="misbehave"/> (see oauth-server.mjs) it issues tokens a verifier must refuse.
    /// </summary>
    public static async Task<OAuthServer> StartAsync(JsonObject clients, string? misbehave = null)
    {
        var folder = Path.Combine(StackHarness.RepositoryRoot(), "tests", "verify");
        await Installed.Value;
        var start = new ProcessStartInfo("node", "oauth-server.mjs")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["VERIFY_CLIENTS"] = clients.ToJsonString();
        start.Environment["VERIFY_MISBEHAVE"] = misbehave ?? "";
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
