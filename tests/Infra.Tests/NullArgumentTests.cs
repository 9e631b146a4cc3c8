using Infra.Config;
using Infra.Tool;
using Infra.Tool.Diff;
using Infra.Tool.Expiry;
using Infra.Tool.Plan;

namespace Infra.Tests;

/// <summary>The public entry points of the config model and the tools refuse null at once, naming the argument, instead of failing later inside.</summary>
public class NullArgumentTests
{
    private static readonly KeyVaultTarget Vault = new("kv-acme", "rg-acme", "m2m");

    public static TheoryData<string> Calls => [.. EntryPoints.Keys];

    private static readonly Dictionary<string, (string Parameter, Action Call)> EntryPoints = new()
    {
        ["RawStackConfig.FromMap"] = ("config", () => RawStackConfig.FromMap("infra", "dev", null!)),
        ["AccessConfigParser.Parse"] = ("raw", () => AccessConfigParser.Parse(null!)),
        ["AccessConfigValidator.Warnings"] = ("config", () => AccessConfigValidator.Warnings(null!, "infra", new DateOnly(2026, 11, 28))),
        ["StackCapacity.Of"] = ("config", () => StackCapacity.Of(null!)),
        ["ConsumerSecretLayout.SecretName(vault, client)"] = ("vault", () => ConsumerSecretLayout.SecretName(null!, new M2MClientDefinition("k", "n", "d", "o", []))),
        ["ConsumerSecretLayout.SecretName(vault, null client)"] = ("client", () => ConsumerSecretLayout.SecretName(Vault, (M2MClientDefinition)null!)),
        ["ConsumerSecretLayout.SecretName(vault, key)"] = ("vault", () => ConsumerSecretLayout.SecretName(null!, "k")),
        ["AccessDiff.Compare(stack files)"] = ("head", () => AccessDiff.Compare(null, (StackConfig)null!)),
        ["AccessDiff.Compare(configs)"] = ("after", () => AccessDiff.Compare(null, (AccessConfig)null!)),
        ["AccessDiffReport.ExitCode"] = ("diff", () => AccessDiffReport.ExitCode(null!)),
        ["AccessDiffReport.Render"] = ("diff", () => AccessDiffReport.Render(null!, OutputFormat.Text)),
        ["AccessDiffReport.Describe"] = ("change", () => AccessDiffReport.Describe(null!)),
        ["ExpiryReport.Compute"] = ("config", () => ExpiryReport.Compute(null!, new DateOnly(2026, 11, 28), 30)),
        ["ExpiryReport.Render"] = ("report", () => ExpiryReport.Render(null!, OutputFormat.Text)),
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public void A_null_argument_is_refused_by_name(string entryPoint)
    {
        var (parameter, call) = EntryPoints[entryPoint];

        Assert.Equal(parameter, Assert.Throws<ArgumentNullException>(call).ParamName);
    }
}
