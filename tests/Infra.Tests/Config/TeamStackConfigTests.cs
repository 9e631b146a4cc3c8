using Infra.Config;
using Infra.Tests.Support;

namespace Infra.Tests.Config;

/// <summary>What a team stack must be on its own, and what the program declares for one under the mock engine.</summary>
public class TeamStackConfigTests
{
    private static IReadOnlyDictionary<string, string> Checkout => StackHarness.StackConfig("staging.checkout");

    private static List<string> Problems(IReadOnlyDictionary<string, string> config, string stack)
        => [.. Assert.Throws<ConfigValidationException>(() => AccessConfigParser.Parse(RawStackConfig.FromMap("infra", stack, config, today: PulumiConfigScope.Today))).Problems.Select(p => p.ToString())];

    [Fact]
    public void The_team_stack_parses_with_its_catalogue_and_the_catalogue_stack_without_one()
    {
        var team = AccessConfigParser.Parse(RawStackConfig.FromMap("infra", "staging.checkout", Checkout, today: PulumiConfigScope.Today));
        // Pulumi.yaml's empty default is what a stack that is not a team stack gets.
        var catalogue = AccessConfigParser.Parse(RawStackConfig.FromMap("infra", "staging", StackHarness.StackConfig("staging"), today: PulumiConfigScope.Today));

        Assert.Equal("staging", team.CatalogueStack);
        Assert.Null(catalogue.CatalogueStack);
        Assert.Equal("", StackHarness.StackConfig("staging")["infra:catalogueStack"]);
    }

    [Theory]
    [InlineData("checkout")]
    [InlineData("prod.checkout")]
    [InlineData("staging.Checkout")]
    [InlineData("staging.")]
    public void A_team_stack_must_be_named_after_its_catalogue_stack(string stack)
    {
        Assert.Equal(
            [$"infra:catalogueStack: makes this stack a team stack of 'staging', so it must be named staging.<team> (the team in lowercase letters and digits, single hyphens), such as staging.payments; it is '{stack}'. Create the stack under that name (pulumi stack init staging.<team>, the file Pulumi.staging.<team>.yaml) or correct infra:catalogueStack."],
            Problems(Checkout, stack));
    }

    [Theory]
    [InlineData("staging.checkout")]
    [InlineData("stag ing")]
    public void The_catalogue_must_be_a_plain_stack_name(string catalogue)
    {
        Assert.Equal(
            [$"infra:catalogueStack: must name the environment's catalogue stack, such as prod: letters, digits, hyphens and underscores (a team stack's name has the dot); it is '{catalogue}'."],
            Problems(Checkout.Set("infra:catalogueStack", catalogue), "staging.checkout"));
    }

    [Fact]
    public void A_team_stack_cannot_create_a_vault()
    {
        var config = Checkout.Edit("infra:keyVault", v => v["create"] = new System.Text.Json.Nodes.JsonObject { ["location"] = "westeurope", ["deployerObjectId"] = "6a1f3c5e-8b2d-4e7f-9a0c-1d3e5f7a9b2c" });

        Assert.Equal(
            ["infra:keyVault.create: a team stack writes into a vault, it does not create one: the catalogue stack 'staging' owns what the environment shares. Remove create and name an existing vault by name and resourceGroup (the catalogue's, or the team's own)."],
            Problems(config, "staging.checkout"));
    }

    [Fact]
    public async Task Under_the_mock_engine_a_team_stack_registers_its_clients_and_nothing_of_the_catalogue()
    {
        var run = await StackHarness.RunAsync(Checkout, "staging.checkout");

        Assert.Equal(
            ["infra:auth0:M2MClient", ResourceTypes.Client, ResourceTypes.RandomPassword, ResourceTypes.ClientGrant, ResourceTypes.ClientGrant, ResourceTypes.Secret, ResourceTypes.ClientCredentials, ResourceTypes.RoleAssignment],
            run.Registered.Select(r => r.Type));
        Assert.Equal("https://api.acme.example/inventory", run.Single(ResourceTypes.ClientGrant, "checkout-service--inventory-api").Input<string>("audience"));
        var tags = run.Single(ResourceTypes.Secret, "m2m--checkout-service").Input<System.Collections.Immutable.ImmutableDictionary<string, object>>("tags");
        Assert.Equal("staging", tags["environment"]);
        var (outputs, _) = await StackHarness.StackOutputsAsync(run);
        Assert.Equal("{}", outputs.GetProperty("apis").GetRawText());
        Assert.Equal("https://acme-staging.eu.auth0.com/oauth/token", outputs.GetProperty("tokenEndpoint").GetString());
    }

    [Fact]
    public async Task A_catalogue_stack_whose_clients_all_live_in_team_stacks_deploys_the_apis_and_the_action_alone()
    {
        var run = await StackHarness.RunAsync(StackHarness.StackConfig("staging").Set("infra:clients", "[]"), "staging");

        Assert.DoesNotContain(run.Registered, r => r.Type is ResourceTypes.Client or ResourceTypes.Secret or ResourceTypes.ClientGrant);
        Assert.Equal(2, run.Registered.Count(r => r.Type == "infra:auth0:ApiResourceServer"));
        Assert.Contains(run.Registered, r => r.Type == ResourceTypes.Action);
        // Missing is still a mistake: [] is the way to say "none".
        Assert.Equal(["infra:clients: is required: list clients ({key, name, description, owner, grants})."], Problems(StackHarness.StackConfig("staging").Without("infra:clients"), "staging"));
    }
}
