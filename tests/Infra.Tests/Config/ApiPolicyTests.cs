using Infra.Config;
using Infra.Tests.Support;
using Infra.Tool.Diff;

namespace Infra.Tests.Config;

/// <summary>An API's owners and its cap on the lifetime of credentials granted on it: validation, and the diff's view of changes to them.</summary>
public class ApiPolicyTests
{
    private static readonly IReadOnlyDictionary<string, string> Dev = StackHarness.StackConfig("dev");

    private static AccessConfig Parse(IReadOnlyDictionary<string, string> config) => AccessConfigParser.Parse(RawStackConfig.FromMap("infra", "dev", config, today: PulumiConfigScope.Today));

    private static List<string> Problems(IReadOnlyDictionary<string, string> config)
        => [.. Assert.Throws<ConfigValidationException>(() => Parse(config)).Problems.Select(p => p.ToString())];

    [Fact]
    public void The_example_catalogue_names_a_team_for_orders_and_a_user_and_a_team_for_inventory()
    {
        var apis = Parse(Dev).Apis;

        Assert.Equal(["@acme/orders-owners"], apis[0].Owners);
        Assert.Equal(["@mlindqvist", "@acme/warehouse-leads"], apis[1].Owners);
        Assert.Equal(0, apis[0].MaxCredentialLifetimeDays);
    }

    [Theory]
    [InlineData("mlindqvist")]
    [InlineData("@-leading-hyphen")]
    [InlineData("@double--hyphen")]
    [InlineData("@acme/")]
    [InlineData("@acme/team/sub")]
    [InlineData("@a234567890123456789012345678901234567890")]
    public void An_owner_that_is_not_a_github_user_or_team_is_refused_with_the_notation(string owner)
    {
        Assert.Equal(
            [$"infra:apis[1].owners[2]: '{owner}' is neither a GitHub user (@login) nor a team (@org/team-slug), as CODEOWNERS writes them: such as @octocat or @acme/payments-owners."],
            Problems(Dev.Edit("infra:apis", a => a[1]!["owners"]!.AsArray().Add(owner))));
    }

    [Theory]
    [InlineData("@a23456789012345678901234567890123456789")]
    [InlineData("@octo-cat")]
    [InlineData("@acme/payments_owners.eu")]
    public void Github_users_and_teams_at_their_limits_are_owners(string owner)
    {
        Assert.Contains(owner, Parse(Dev.Edit("infra:apis", a => a[1]!["owners"]!.AsArray().Add(owner))).Apis[1].Owners);
    }

    [Fact]
    public void An_owner_named_twice_in_any_case_is_a_duplicate()
    {
        Assert.Equal(
            ["infra:apis[1].owners[2]: names '@MLindqvist' twice: remove the duplicate."],
            Problems(Dev.Edit("infra:apis", a => a[1]!["owners"]!.AsArray().Add("@MLindqvist"))));
    }

    [Fact]
    public void An_apis_cap_requires_every_client_granted_it_to_expire_within_it()
    {
        // 2026-11-28 + 30 days = 2026-12-28: partner-globex (2026-12-20) is within; checkout-service (2027-02-15) is not.
        var capped = Dev.Edit("infra:apis", a => a[0]!["maxCredentialLifetimeDays"] = 30);

        Assert.Equal(
            ["infra:clients[0].expires: 2027-02-15 is more than 30 days ahead (infra:apis[0].maxCredentialLifetimeDays is 30 for orders-api): set 2026-12-28 or earlier, or remove the grant on orders-api."],
            Problems(capped));
        Assert.Equal(
            ["infra:clients[0].expires: is required for a client granted orders-api (infra:apis[0].maxCredentialLifetimeDays is 30 for orders-api): set a date (YYYY-MM-DD) at most 30 days ahead."],
            Problems(capped.Edit("infra:clients", c => c[0]!.AsObject().Remove("expires"))));
        // On the last day of the cap it parses; nightly-reconciler (2027-05-31) is granted inventory only, so it is not held to it.
        Assert.Equal(new DateOnly(2026, 12, 28), Parse(capped.Edit("infra:clients", c => c[0]!["expires"] = "2026-12-28")).Clients[0].Expires);
    }

    [Fact]
    public void The_tightest_cap_of_a_clients_apis_is_the_one_reported_and_a_stack_cap_as_tight_reports_alone()
    {
        var both = Dev.Edit("infra:apis", a => { a[0]!["maxCredentialLifetimeDays"] = 90; a[1]!["maxCredentialLifetimeDays"] = 30; });

        Assert.Equal(
            [
                "infra:clients[0].expires: 2027-02-15 is more than 30 days ahead (infra:apis[1].maxCredentialLifetimeDays is 30 for inventory-api): set 2026-12-28 or earlier, or remove the grant on inventory-api.",
                "infra:clients[1].expires: 2027-05-31 is more than 30 days ahead (infra:apis[1].maxCredentialLifetimeDays is 30 for inventory-api): set 2026-12-28 or earlier, or remove the grant on inventory-api.",
            ],
            Problems(both));
        Assert.Equal(
            [
                "infra:clients[0].expires: 2027-02-15 is more than 30 days ahead (infra:maxCredentialLifetimeDays): set 2026-12-28 or earlier.",
                "infra:clients[1].expires: 2027-05-31 is more than 30 days ahead (infra:maxCredentialLifetimeDays): set 2026-12-28 or earlier.",
            ],
            Problems(both.Set("infra:maxCredentialLifetimeDays", "30")));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3651)]
    public void A_cap_out_of_range_is_refused(int days)
    {
        Assert.Equal(
            ["infra:apis[0].maxCredentialLifetimeDays: must be between 0 (no cap of its own) and 3650 days."],
            Problems(Dev.Edit("infra:apis", a => a[0]!["maxCredentialLifetimeDays"] = days)));
    }

    [Fact]
    public void A_change_of_owners_and_a_looser_cap_are_increases_for_the_apis_current_owners_a_tighter_cap_is_not()
    {
        var before = Parse(Dev.Edit("infra:apis", a => { a[0]!["maxCredentialLifetimeDays"] = 90; a[1]!["maxCredentialLifetimeDays"] = 400; }));
        var after = Parse(Dev.Edit("infra:apis", a =>
        {
            a[0]!["maxCredentialLifetimeDays"] = 0;
            a[1]!["maxCredentialLifetimeDays"] = 365;
            a[1]!["owners"] = new System.Text.Json.Nodes.JsonArray("@MLindqvist", "@acme/warehouse-leads", "@bkaur");
        }));

        Assert.Equal(
            [
                "True inventory-api's owners, who approve access to it, @acme/warehouse-leads, @mlindqvist → @acme/warehouse-leads, @bkaur, @mlindqvist",
                "True orders-api's cap on the lifetime of credentials granted on it 90 days → none",
                "False inventory-api's cap on the lifetime of credentials granted on it 400 days → 365 days",
            ],
            AccessDiff.Compare(before, after).Select(c => $"{c.PrivilegeIncrease} {AccessDiffReport.Describe(c)}"));
        // The same owners in another case or order are no change.
        Assert.Empty(AccessDiff.Compare(Parse(Dev), Parse(Dev.Edit("infra:apis", a => a[1]!["owners"] = new System.Text.Json.Nodes.JsonArray("@acme/Warehouse-Leads", "@mlindqvist")))));
    }

    [Fact]
    public void A_first_cap_is_a_tightening_and_first_owners_an_increase_from_none()
    {
        var before = Parse(Dev.Edit("infra:apis", a => a[0]!.AsObject().Remove("owners")));
        var after = Parse(Dev.Edit("infra:apis", a => a[0]!["maxCredentialLifetimeDays"] = 365));

        Assert.Equal(
            [
                "True orders-api's owners, who approve access to it, none → @acme/orders-owners",
                "False orders-api's cap on the lifetime of credentials granted on it none → 365 days",
            ],
            AccessDiff.Compare(before, after).Select(c => $"{c.PrivilegeIncrease} {AccessDiffReport.Describe(c)}"));
    }
}
