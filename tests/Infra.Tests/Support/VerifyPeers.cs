using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
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
/// Passes requests on and records each token request's client id and secret (null for an assertion), in order,
/// its whole form, and the answers to them.
/// </summary>
internal sealed class TokenRequestRecorder() : DelegatingHandler(new HttpClientHandler())
{
    private readonly List<(string ClientId, string? Secret, string Audience)> _requests = [];
    private readonly List<IReadOnlyDictionary<string, string>> _forms = [];
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

    public IReadOnlyList<(string ClientId, string? Secret, string Audience)> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Each token request's form, field by field, in order.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Forms
    {
        get
        {
            lock (_requests)
            {
                return [.. _forms];
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
            _requests.Add((form["client_id"], form.GetValueOrDefault("client_secret"), form["audience"]));
            _forms.Add(form);
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

    public string TokenEndpoint => $"{Issuer}/token";

    /// <summary>
    /// Starts the server for these clients: client id → {secret, grants: audience → scopes}; with
    /// <paramref name="misbehave"/> (see oauth-server.mjs) it issues tokens a verifier must refuse.
    /// </summary>
    public static async Task<OAuthServer> StartAsync(JsonObject clients, string? misbehave = null)
    {
        var folder = VerifyPackages.Folder;
        await VerifyPackages.Installed.Value;
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

    public ValueTask DisposeAsync() => VerifyPackages.StopAsync(_process);
}

/// <summary>The npm packages of tests/verify, the peers the tests start, installed once per test run when they are not.</summary>
internal static class VerifyPackages
{
    public static string Folder { get; } = Path.Combine(StackHarness.RepositoryRoot(), "tests", "verify");

    // The servers are pinned npm packages (tests/verify/package-lock.json): a fresh clone's `dotnet test` installs
    // them once, as ./test.sh does, so no test depends on a step run before it; so does a checkout whose
    // node_modules predates a package it now pins.
    public static readonly Lazy<Task> Installed = new(InstallAsync);

    private static async Task InstallAsync()
    {
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Folder, "package.json")));
        if (manifest.RootElement.GetProperty("dependencies").EnumerateObject().All(dependency => InstalledVersion(dependency.Name) == dependency.Value.GetString()))
        {
            return;
        }

        var start = new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
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

    /// <summary>Stops a peer the way both scripts expect: standard input closed, then killed if it has not exited in ten seconds.</summary>
    public static async ValueTask StopAsync(Process process)
    {
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
    }

    private static string? InstalledVersion(string package)
    {
        var installed = Path.Combine(Folder, "node_modules", package, "package.json");
        if (!File.Exists(installed))
        {
            return null;
        }

        using var manifest = JsonDocument.Parse(File.ReadAllText(installed));
        return manifest.RootElement.TryGetProperty("version", out var version) ? version.GetString() : null;
    }
}

/// <summary>
/// tests/verify/oidc-server.mjs in a child process: a real OAuth 2.0 server (oidc-provider) that authenticates
/// clients with private_key_jwt and client_secret_post and issues JWT access tokens for an Auth0-style
/// <c>audience</c>. Its issuer ends with a slash, as Auth0's assertion audience does.
/// </summary>
internal sealed class OidcServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http = new();
    private readonly StringBuilder _log;

    private OidcServer(Process process, string issuer, StringBuilder log)
    {
        (_process, Issuer, _log) = (process, issuer, log);
    }

    /// <summary>The issuer, <c>http://127.0.0.1:{port}/</c>: the aud its assertions must name.</summary>
    public string Issuer { get; }

    public string TokenEndpoint => $"{Issuer}token";

    /// <summary>What the server printed to stderr so far: oidc-provider's notices and errors.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the server for these clients: oidc-provider client metadata (client_id, token_endpoint_auth_method,
    /// jwks or client_secret), each with <c>grants</c>: audience → scopes.
    /// </summary>
    public static async Task<OidcServer> StartAsync(JsonArray clients)
    {
        await VerifyPackages.Installed.Value;
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = VerifyPackages.Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("oidc-server.mjs");
        start.ArgumentList.Add(clients.ToJsonString());
        var process = Process.Start(start)!;
        var log = new StringBuilder();
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Both pipes are read to their end, so that the server never blocks on a full one.
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("oidc-server.mjs exited before it listened."));
            }
            else if (e.Data.StartsWith("{\"issuer\"", StringComparison.Ordinal))
            {
                listening.TrySetResult(JsonDocument.Parse(e.Data).RootElement.GetProperty("issuer").GetString()!);
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            var issuer = await listening.Task.WaitAsync(TimeSpan.FromSeconds(20));
            return new OidcServer(process, issuer, log);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            string output;
            lock (log)
            {
                output = log.ToString();
            }

            process.Dispose();
            throw new InvalidOperationException($"oidc-server.mjs did not start: {e.Message}\n{output}", e);
        }
    }

    /// <summary>Every token request the server answered, in order, as it saw them (see oidc-server.mjs).</summary>
    public async Task<IReadOnlyList<ReceivedTokenRequest>> ReceivedAsync()
        => (await _http.GetFromJsonAsync<List<ReceivedTokenRequest>>(new Uri($"{Issuer}test/received"), new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return VerifyPackages.StopAsync(_process);
    }
}

/// <summary>One token request as oidc-server.mjs received and answered it; <see cref="Detail"/> is why it refused, which its answer does not say.</summary>
internal sealed record ReceivedTokenRequest(
    string? ClientId,
    string Authentication,
    string? AssertionType,
    JsonObject? Header,
    JsonObject? Claims,
    string? Audience,
    int Status,
    string? Error,
    string? Detail);
