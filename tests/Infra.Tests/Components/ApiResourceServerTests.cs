using System.Collections.Immutable;
using Infra.Components;
using Infra.Tests.Support;
using Pulumi;

namespace Infra.Tests.Components;

public class ApiResourceServerTests
{
    [Fact]
    public async Task Each_api_is_a_resource_server_with_exactly_its_settings()
    {
        var run = await StackHarness.RunAsync(StackHarness.StackConfig());

        var orders = run.Single(ResourceTypes.ResourceServer, "orders-api").Inputs;
        Assert.Equal(
            new Dictionary<string, object>
            {
                ["name"] = "Orders API",
                ["identifier"] = "https://api.acme.example/orders",
                ["signingAlg"] = "RS256",
                ["tokenLifetime"] = 3600d, // the engine carries numbers as doubles
                ["tokenLifetimeForWeb"] = 3600d,
                ["allowOfflineAccess"] = false,
                ["skipConsentForVerifiableFirstPartyClients"] = true,
            }.OrderBy(kv => kv.Key),
            orders.OrderBy(kv => kv.Key));
        Assert.Equal(3600d, run.Single(ResourceTypes.ResourceServer, "inventory-api").Input<double>("tokenLifetime"));
        var staging = await StackHarness.RunAsync(StackHarness.StackConfig("staging"), "staging");
        Assert.Equal(1800d, staging.Single(ResourceTypes.ResourceServer, "inventory-api").Input<double>("tokenLifetime"));
    }

    [Theory]
    // Auth0 rejects a web lifetime above token_lifetime, and its default for it is 7200 s.
    [InlineData(900, 900)]
    [InlineData(7199, 7199)]
    [InlineData(7200, 7200)]
    [InlineData(7201, 7200)]
    [InlineData(86400, 7200)]
    public async Task The_web_token_lifetime_never_exceeds_the_token_lifetime_nor_auth0s_web_default(int lifetime, int web)
    {
        var run = await StackHarness.RunAsync(StackHarness.StackConfig().Set("infra:tokenLifetime", lifetime.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var orders = run.Single(ResourceTypes.ResourceServer, "orders-api");
        Assert.Equal((lifetime, web), ((int)orders.Input<double>("tokenLifetime"), (int)orders.Input<double>("tokenLifetimeForWeb")));
    }

    [Fact]
    public async Task All_scopes_of_an_api_are_one_scopes_resource_sorted_by_value()
    {
        var run = await StackHarness.RunAsync(StackHarness.StackConfig());

        var scopes = run.OfType(ResourceTypes.ResourceServerScopes);
        Assert.Equal(["orders-api", "inventory-api"], scopes.Select(s => s.Name));
        var orders = scopes[0];
        Assert.Equal("https://api.acme.example/orders", orders.Input<string>("resourceServerIdentifier"));
        Assert.Equal(
            [
                ("orders:cancel", "Cancel an order that has not shipped"),
                ("orders:read", "Read orders and their lines"),
                ("orders:write", "Create and amend orders"),
            ],
            orders.Maps("scopes").Select(s => ((string)s["name"], (string)s["description"])));
        // Never the one-resource-per-scope kind beside it: the two would fight over the API's scope list.
        Assert.DoesNotContain(run.Registered, r => r.Type == "auth0:index/resourceServerScope:ResourceServerScope");
    }

    [Fact]
    public async Task The_resource_server_and_its_scopes_are_children_of_the_api_component()
    {
        var captured = await StackHarness.CaptureAsync(StackHarness.StackConfig());

        foreach (var child in captured.Where(c => c.Resource is Pulumi.Auth0.ResourceServer or Pulumi.Auth0.ResourceServerScopes))
        {
            var parent = Assert.IsType<ApiResourceServer>(child.Options.Parent);
            Assert.Equal(child.Resource.GetResourceName(), parent.GetResourceName());
        }

        Assert.Equal(4, captured.Count(c => c.Options.Parent is ApiResourceServer));
    }

    [Fact]
    public async Task The_component_registers_its_identifier_and_sorted_scopes_as_outputs()
    {
        var run = await StackHarness.RunAsync(StackHarness.StackConfig());

        var outputs = run.OutputsOf(ApiResourceServer.TypeToken, "orders-api");
        Assert.Equal("https://api.acme.example/orders", await StackHarness.ValueAsync(outputs["identifier"]));
        Assert.Equal(["orders:cancel", "orders:read", "orders:write"], ((ImmutableArray<object>)(await StackHarness.ValueAsync(outputs["scopes"]))!).Cast<string>());
        Assert.Equal("orders-api_id", await StackHarness.ValueAsync(outputs["resourceServerId"]));
    }
}
