using System.Text.Json.Nodes;
using Infra.Config;
using Infra.Tests.Support;
using Infra.Tool.Diff;
using Infra.Tool.Review;

namespace Infra.Tests.Tools.Review;

/// <summary>Which APIs' owners a change needs, and which owners: the base's, however the change renames the API.</summary>
public class ApprovalPlanTests
{
    private static readonly IReadOnlyDictionary<string, string> Dev = StackHarness.StackConfig("dev");

    private static AccessConfig Parse(IReadOnlyDictionary<string, string> config) => AccessConfigParser.Parse(RawStackConfig.FromMap("infra", "dev", config));

    private static IReadOnlyList<ApiApproval> Plan(AccessConfig before, AccessConfig after)
        => ApprovalPlan.For([(new AccessDiffResult("dev", [], AccessDiff.Compare(before, after)), before, after)]);

    // The inventory API under a new key, its grants moved with it, and its owners replaced by the change's author's friend.
    private static IReadOnlyDictionary<string, string> Rekeyed(bool previousKeys) => Dev
        .Edit("infra:apis", a =>
        {
            a[1]!["key"] = "stock-api";
            a[1]!["owners"] = new JsonArray("@mallory");
            if (previousKeys)
            {
                a[1]!["previousKeys"] = new JsonArray("inventory-api");
            }
        })
        .Edit("infra:clients", c =>
        {
            foreach (var grant in c.AsArray().SelectMany(client => client!["grants"]!.AsArray()).Where(g => (string)g!["api"]! == "inventory-api"))
            {
                grant!["api"] = "stock-api";
            }

            c[2]!["grants"]!.AsArray().Add(new JsonObject { ["api"] = "stock-api", ["scopes"] = new JsonArray("stock:read") });
        });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_api_under_a_new_key_keeps_the_owners_the_base_gives_it(bool previousKeys)
    {
        var plan = Plan(Parse(Dev), Parse(Rekeyed(previousKeys)));

        var approval = Assert.Single(plan, a => a.Api == "stock-api");
        Assert.Equal(["@mlindqvist", "@acme/warehouse-leads"], approval.Owners);
        Assert.Contains(approval.Increases, i => i.Change.Kind == ChangeKind.GrantAdded && i.Change.Client == "partner-globex");
    }

    [Fact]
    public void A_new_reader_needs_the_owners_of_every_api_the_client_is_granted_and_names_its_owner()
    {
        var after = Parse(Dev.Edit("infra:clients", c => c[0]!["readers"]!.AsArray().Add(new JsonObject { ["objectId"] = "9b2c4e6f-1a3d-4c5e-8f7a-0b1c2d3e4f5a", ["principalType"] = "Group" })));

        var plan = Plan(Parse(Dev), after);

        Assert.Equal(["inventory-api", "orders-api"], plan.Select(a => a.Api));
        Assert.All(plan, a => Assert.Equal(("dev", ChangeKind.ReadersAdded, "team-checkout"), (a.Increases.Single().Stack, a.Increases.Single().Change.Kind, a.Increases.Single().ClientOwner)));
    }

    [Fact]
    public void A_decrease_needs_nobody()
    {
        var after = Parse(Dev.Edit("infra:clients", c => c[0]!["grants"]![0]!["scopes"] = new JsonArray("orders:read")));

        Assert.Empty(Plan(Parse(Dev), after));
    }

    [Fact]
    public void A_new_apis_first_grants_are_approved_by_the_owners_it_comes_with()
    {
        var after = Parse(Dev
            .Edit("infra:apis", a => a.AsArray().Add(new JsonObject
            {
                ["key"] = "billing-api",
                ["name"] = "Billing API",
                ["identifier"] = "https://api.acme.example/billing",
                ["scopes"] = new JsonArray(new JsonObject { ["value"] = "invoices:read", ["description"] = "Read invoices" }),
                ["owners"] = new JsonArray("@acme/billing-owners"),
            }))
            .Edit("infra:clients", c => c[2]!["grants"]!.AsArray().Add(new JsonObject { ["api"] = "billing-api", ["scopes"] = new JsonArray("invoices:read") })));

        var approval = Assert.Single(Plan(Parse(Dev), after));

        Assert.Equal(("billing-api", "@acme/billing-owners"), (approval.Api, approval.Owners.Single()));
    }
}
