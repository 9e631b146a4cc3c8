using System.Globalization;
using System.Text.Json.Nodes;
using Infra.Config;
using Infra.Tests.Support;

namespace Infra.Tests.Config;

/// <summary>
/// Every limit the validator enforces, at the limit and one past it, from the validator's own constants: a limit that
/// moves, or a comparison that gains or loses its equals sign, fails here.
/// </summary>
public class ValidatorBoundaryTests
{
    private static readonly IReadOnlyDictionary<string, string> Dev = StackHarness.StackConfig("dev");

    private static string Text(int length, char fill = 'a') => new(fill, length);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A config at a given value of one limit, and the path where a problem with it is reported.</summary>
    public sealed record Limit(string Path, int Last, Func<int, IReadOnlyDictionary<string, string>> At);

    public static TheoryData<string> Limits => [.. LimitsByName.Keys];

    private static readonly Dictionary<string, Limit> LimitsByName = new()
    {
        ["API name"] = new("infra:apis[0].name", AccessConfigValidator.MaxApiName, n => Dev.Edit("infra:apis", a => a[0]!["name"] = Text(n))),
        ["API identifier"] = new("infra:apis[0].identifier", AccessConfigValidator.MaxIdentifier, n => Dev.Edit("infra:apis", a => a[0]!["identifier"] = "https://api.acme.example/" + Text(n - "https://api.acme.example/".Length))),
        ["scope value"] = new("infra:apis[0].scopes[3].value", AccessConfigValidator.MaxScopeValue, n => Dev.Edit("infra:apis", a => a[0]!["scopes"]!.AsArray().Add(new JsonObject { ["value"] = Text(n), ["description"] = "d" }))),
        ["scope description"] = new("infra:apis[0].scopes[0].description", AccessConfigValidator.MaxScopeDescription, n => Dev.Edit("infra:apis", a => a[0]!["scopes"]![0]!["description"] = Text(n))),
        ["client description"] = new("infra:clients[0].description", AccessConfigValidator.MaxClientDescription, n => Dev.Edit("infra:clients", c => c[0]!["description"] = Text(n))),
        ["owner"] = new("infra:clients[0].owner", AccessConfigValidator.MaxMetadataValue, n => Dev.Edit("infra:clients", c => c[0]!["owner"] = Text(n))),
        ["client key"] = new("infra:clients[0].key", AccessConfigValidator.MaxKeyLength, n => Dev.Edit("infra:clients", c => c[0]!["key"] = Text(n))),
        ["API key"] = new("infra:apis[1].key", AccessConfigValidator.MaxKeyLength, n => Dev.Edit("infra:apis", a => a[1]!["key"] = Text(n)).Edit("infra:clients", c =>
        {
            foreach (var grant in c.AsArray().SelectMany(client => client!["grants"]!.AsArray()).Where(g => (string)g!["api"]! == "inventory-api"))
            {
                grant!["api"] = Text(n);
            }
        })),
        ["secret prefix"] = new("infra:keyVault.secretPrefix", AccessConfigValidator.MaxSecretPrefix, n => Dev.Edit("infra:keyVault", v => v["secretPrefix"] = Text(n))),
        ["stack token lifetime"] = new("infra:tokenLifetime", AccessConfigValidator.MaxTokenLifetime, n => Dev.Set("infra:tokenLifetime", Number(n))),
        ["API token lifetime"] = new("infra:apis[0].tokenLifetime", AccessConfigValidator.MaxTokenLifetime, n => Dev.Edit("infra:apis", a => a[0]!["tokenLifetime"] = n)),
        ["credential lifetime ceiling"] = new("infra:maxCredentialLifetimeDays", AccessConfigValidator.MaxCredentialLifetimeCeilingDays, n => Dev.Set("infra:maxCredentialLifetimeDays", Number(n))),
        ["expiry at the maximum lifetime"] = new("infra:clients[0].expires", 90, n => Dev.Set("infra:maxCredentialLifetimeDays", "90").Edit("infra:clients", c =>
        {
            foreach (var (client, i) in c.AsArray().Select((client, i) => (client!, i)))
            {
                client["expires"] = PulumiConfigScope.Today.AddDays(i == 0 ? n : 30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
        })),
        ["role assignment budget"] = new("infra:clients", 4, n => Dev.Set("infra:roleAssignmentBudget", Number(8 - n))), // dev declares 4: a budget of 4 is the last accepted
    };

    private static List<ConfigProblem> Problems(IReadOnlyDictionary<string, string> config)
    {
        try
        {
            AccessConfigParser.Parse(AccessConfigParserTests.Raw(config));
            return [];
        }
        catch (ConfigValidationException e)
        {
            return [.. e.Problems];
        }
    }

    [Theory]
    [MemberData(nameof(Limits))]
    public void A_value_at_the_limit_is_accepted_and_one_past_it_rejected(string name)
    {
        var limit = LimitsByName[name];

        Assert.Empty(Problems(limit.At(limit.Last)));
        // Sorted by path, the limit's own problem comes first; a renamed API key also leaves its grants dangling.
        var past = Problems(limit.At(limit.Last + 1));
        Assert.Equal(limit.Path, past[0].Path);
        Assert.All(past.Skip(1), p => Assert.EndsWith(".api", p.Path, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("infra:tokenLifetime")]
    [InlineData("infra:apis[0].tokenLifetime")]
    public void A_token_lifetime_of_one_second_is_accepted_and_zero_rejected(string path)
    {
        IReadOnlyDictionary<string, string> At(int n) => path == "infra:tokenLifetime"
            ? Dev.Set("infra:tokenLifetime", Number(n))
            : Dev.Edit("infra:apis", a => a[0]!["tokenLifetime"] = n);

        Assert.Empty(Problems(At(1)));
        Assert.Equal(path, Assert.Single(Problems(At(0))).Path);
    }

    [Fact]
    public void An_expiry_key_vault_cannot_hold_is_rejected_with_the_last_day_it_can()
    {
        IReadOnlyDictionary<string, string> At(string date) => Dev.Edit("infra:clients", c => c[0]!["expires"] = date);

        // 2038-01-19T00:00:00Z is 2,147,472,000 s: below int.MaxValue; the next midnight is past it.
        Assert.Equal(2_147_472_000, new DateTimeOffset(AccessConfigValidator.LatestKeyVaultExpiry.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds());
        Assert.Empty(Problems(At("2038-01-19")));
        var problem = Assert.Single(Problems(At("2040-01-01")));
        Assert.Equal("infra:clients[0].expires", problem.Path);
        Assert.Equal(
            "2040-01-01 is past 2038-01-19, the last day Key Vault's expiry attribute can hold: the azure-native SDK sends it as a 32-bit count of Unix seconds, which overflows on 2038-01-19T03:14:08Z and would deploy a date in 1901 or 1902. Set 2038-01-19 or earlier, and renew before then.",
            problem.Message);
        Assert.Equal("infra:clients[0].expires", Assert.Single(Problems(At("2038-01-20"))).Path);
    }

    [Fact]
    public async Task The_last_expiry_key_vault_can_hold_is_registered_as_its_exact_unix_time()
    {
        var run = await StackHarness.RunAsync(Dev.Edit("infra:clients", c => c[0]!["expires"] = "2038-01-19"));

        var properties = (System.Collections.Immutable.ImmutableDictionary<string, object>)run.Single(ResourceTypes.Secret, "m2m--checkout-service").Inputs["properties"];
        var attributes = (System.Collections.Immutable.ImmutableDictionary<string, object>)properties["attributes"];
        Assert.Equal(2_147_472_000d, attributes["expires"]);
    }

    [Fact]
    public void An_api_without_a_lifetime_takes_the_stack_default_and_the_stack_default_is_3600()
    {
        var config = AccessConfigParser.Parse(AccessConfigParserTests.Raw(Dev.Without("infra:tokenLifetime")));

        Assert.Equal(3600, AccessConfigParser.DefaultTokenLifetimeSeconds);
        Assert.All(config.Apis, a => Assert.Equal(AccessConfigParser.DefaultTokenLifetimeSeconds, a.TokenLifetimeSeconds));
    }
}
