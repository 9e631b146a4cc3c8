using Azure.Core;
using Azure.Identity;
using Infra.Config;
using Infra.Tests.Support;
using Infra.Tool.Rendering;
using Infra.Tool.Verify;
using Moq;
using Spectre.Console.Testing;

namespace Infra.Tests.Tools;

/// <summary>
/// The verify command in process, end to end: the stack file read from the project folder, the vault it names
/// (a fake Key Vault), the real OAuth server (oauth2-mock-server), the report on standard output and the exit code.
/// </summary>
public sealed class VerifyCommandTests : IDisposable
{
    private static readonly AccessConfig Dev = AccessConfigParser.Parse(Config.AccessConfigParserTests.Raw(StackHarness.StackConfig()));

    private readonly List<Uri> _opened = [];

    private readonly TemporaryProject _project = new();

    public void Dispose() => _project.Dispose();

    /// <summary>The vault after a finished deploy of dev: each client's document, naming <paramref name="tokenEndpoint"/>.</summary>
    private static FakeKeyVault DeployedDev(string tokenEndpoint) => new(Dev.Clients.ToDictionary(
        c => ConsumerSecretLayout.SecretName(Dev.KeyVault, c),
        c => new VaultSecret(CredentialVerifierTests.Document(Dev, c, tokenEndpoint).ToJson(), Enabled: !c.Disabled),
        StringComparer.Ordinal));

    /// <summary>Connections that open <paramref name="vault"/> for whatever URI the command asks for, and record it.</summary>
    private VerifyConnections Through(FakeKeyVault vault, string? tokenEndpoint, TokenCredential? credential = null)
        => new(uri =>
        {
            _opened.Add(uri);
            return vault.Client(uri.ToString(), credential);
        }, tokenEndpoint);

    private static Task<ToolRun> Verify(VerifyConnections connections, params string[] args)
        => ToolInProcess.RunAsync(new Dictionary<string, string?> { ["AUTH0_DOMAIN"] = null }, ReportConsole.Plain(TextWriter.Null), connections, ["verify", .. args]);

    [Fact]
    public async Task Every_grant_of_the_stack_verified_prints_them_all_and_exits_0()
    {
        await using var server = await OAuthServer.StartAsync(CredentialVerifierTests.TenantGrants(Dev));
        using var vault = DeployedDev(server.TokenEndpoint);

        var run = await Verify(Through(vault, server.TokenEndpoint), "dev");

        Assert.Equal(
            (0, "ok    checkout-service → inventory-api\nok    checkout-service → orders-api\nok    nightly-reconciler → inventory-api\nok    partner-globex → orders-api\n4 of 4 grants verified\n", ""),
            (run.ExitCode, run.Output, run.Error));
        Assert.Equal([new Uri("https://kv-acme-m2m-dev.vault.azure.net/")], _opened);
        Assert.Equal(["m2m--checkout-service", "m2m--nightly-reconciler", "m2m--partner-globex"], vault.Reads);
    }

    [Fact]
    public async Task With_client_only_that_clients_secret_is_read()
    {
        await using var server = await OAuthServer.StartAsync(CredentialVerifierTests.TenantGrants(Dev));
        using var vault = DeployedDev(server.TokenEndpoint);

        var run = await Verify(Through(vault, server.TokenEndpoint), "dev", "--client", "partner-globex");

        Assert.Equal((0, "ok    partner-globex → orders-api\n1 of 1 grants verified\n", ""), (run.ExitCode, run.Output, run.Error));
        Assert.Equal(["m2m--partner-globex"], vault.Reads);
    }

    [Fact]
    public async Task A_scope_the_tenant_grants_beyond_config_fails_the_run_with_exit_1_and_the_failure_first()
    {
        await using var server = await OAuthServer.StartAsync(CredentialVerifierTests.TenantGrants(Dev, t => t["id-nightly-reconciler"]!["grants"]!["https://api.acme.example/inventory"] = "stock:read stock:adjust stock:delete"));
        using var vault = DeployedDev(server.TokenEndpoint);

        var run = await Verify(Through(vault, server.TokenEndpoint), "dev");

        Assert.Equal((1, ""), (run.ExitCode, run.Error));
        Assert.Equal(
            "FAIL  nightly-reconciler → inventory-api: scope is 'stock:adjust stock:delete stock:read', expected 'stock:adjust stock:read'\n"
            + "ok    checkout-service → inventory-api\nok    checkout-service → orders-api\nok    partner-globex → orders-api\n3 of 4 grants verified\n",
            run.Output);
    }

    [Fact]
    public async Task Without_a_token_endpoint_given_the_tenant_is_the_one_auth0_domain_names()
    {
        // What a deploy with the file's own domain wrote; the run's tenant is AUTH0_DOMAIN's, so no secret leaves.
        _project.Write("Pulumi.dev.yaml", StackHarness.WithoutDomain(StackHarness.StackFileText()));
        using var vault = DeployedDev("https://acme-dev.eu.auth0.com/oauth/token");

        var run = await ToolInProcess.RunAsync(
            new Dictionary<string, string?> { ["AUTH0_DOMAIN"] = "acme-ci.eu.auth0.com" }, ReportConsole.Plain(TextWriter.Null), Through(vault, tokenEndpoint: null),
            "verify", "dev", "--project", _project.Path, "--client", "partner-globex");

        Assert.Equal(
            (1, "FAIL  partner-globex → orders-api: Key Vault token endpoint is 'https://acme-dev.eu.auth0.com/oauth/token', expected 'https://acme-ci.eu.auth0.com/oauth/token'\n0 of 1 grants verified\n", ""),
            (run.ExitCode, run.Output, run.Error));
    }

    [Fact]
    public async Task Without_an_azure_sign_in_the_run_stops_with_what_to_do_on_standard_error()
    {
        using var vault = DeployedDev("https://acme-dev.eu.auth0.com/oauth/token");
        var noSignIn = new Mock<TokenCredential>();
        noSignIn.Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new CredentialUnavailableException("DefaultAzureCredential failed to retrieve a token from the included credentials."));

        var run = await Verify(Through(vault, tokenEndpoint: null, noSignIn.Object), "dev");

        Assert.Equal(
            (1, "", "Key Vault: no Azure sign-in for https://kv-acme-m2m-dev.vault.azure.net/ (DefaultAzureCredential failed to retrieve a token from the included credentials.): run `az login`, or set the AZURE_* variables of a workload identity that holds Key Vault Secrets User on the clients' secrets.\n"),
            (run.ExitCode, run.Output, run.Error));
        Assert.Empty(vault.Reads);
    }

    [Fact]
    public async Task The_run_titles_its_progress_on_an_interactive_terminal()
    {
        await using var server = await OAuthServer.StartAsync(CredentialVerifierTests.TenantGrants(Dev));
        using var vault = DeployedDev(server.TokenEndpoint);
        using var terminal = new TestConsole().Interactive().SupportsAnsi(true).EmitAnsiSequences().Width(160);

        var run = await ToolInProcess.RunAsync(new Dictionary<string, string?> { ["AUTH0_DOMAIN"] = null }, terminal, Through(vault, server.TokenEndpoint), "verify", "dev");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Verifying infra/dev", terminal.Output, StringComparison.Ordinal);
    }
}
