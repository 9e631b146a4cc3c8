using Infra.Config;
using Infra.Tests.Support;
using Infra.Tool.Expiry;
using Infra.Tool.Preview;
using Infra.Tool.Rendering;
using Infra.Tool.Verify;

namespace Infra.Tests.Tools;

/// <summary>The per-stack tools on a team stack of the split staging example: verify, expiry and the operations preview.</summary>
public class TeamStackToolsTests
{
    private static readonly AccessConfig Checkout = AccessConfigParser.Parse(RawStackConfig.FromMap("infra", "staging.checkout", StackHarness.StackConfig("staging.checkout")));

    [Fact]
    public async Task Verify_checks_a_team_stacks_clients_against_the_catalogues_apis_end_to_end()
    {
        await using var server = await OAuthServer.StartAsync(CredentialVerifierTests.TenantGrants(Checkout));
        using var vault = new FakeKeyVault(Checkout.Clients.ToDictionary(
            c => ConsumerSecretLayout.SecretName(Checkout.KeyVault, c),
            c => new VaultSecret(CredentialVerifierTests.Document(Checkout, c, server.TokenEndpoint).ToJson(), Enabled: true),
            StringComparer.Ordinal));

        var run = await ToolInProcess.RunAsync(
            new Dictionary<string, string?> { ["AUTH0_DOMAIN"] = null }, ReportConsole.Plain(TextWriter.Null),
            new VerifyConnections(uri => vault.Client(uri.ToString(), null), server.TokenEndpoint),
            "verify", "staging.checkout");

        Assert.Equal((0, "ok    checkout-service → inventory-api\nok    checkout-service → orders-api\n2 of 2 grants verified\n", ""), (run.ExitCode, run.Output, run.Error));
        Assert.Equal(["m2m--checkout-service"], vault.Reads);
    }

    [Fact]
    public void The_expiry_report_of_a_team_stack_lists_its_own_clients()
    {
        var config = StackHarness.StackFile("staging.warehouse");
        var expiring = config with { Values = config.Values.Edit("infra:clients", c => c[0]!["expires"] = "2026-12-10") };

        var result = ExpiryReport.Compute(expiring, PulumiConfigScope.Today, 30);

        Assert.Empty(result.Problems);
        Assert.Equal(["nightly-reconciler 2026-12-10"], result.Credentials.Select(c => $"{c.Client} {c.Expires:yyyy-MM-dd}"));
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task A_new_team_stack_previews_as_its_clients_created_and_nothing_else()
    {
        var result = await OperationsPreview.RunAsync(null, StackHarness.StackFile("staging.checkout"), PulumiConfigScope.Today);

        Assert.Equal(0, OperationsReport.ExitCode(result));
        Assert.Equal(8, result.Count(OperationKind.Create));
        Assert.Equal(8, result.Operations.Count);
        Assert.DoesNotContain(result.Operations, o => o.Type.Contains("ResourceServer", StringComparison.Ordinal) || o.Type.Contains("action", StringComparison.OrdinalIgnoreCase));
    }
}
