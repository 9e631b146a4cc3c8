using System.Text.Json.Nodes;
using Infra.Components;
using Infra.Tests.Support;
using Pulumi;

namespace Infra.Tests;

public class ProtectionTests
{
    private static readonly Dictionary<string, string> OwnVault = StackHarness.StackConfig()
        .Edit("infra:keyVault", v => v["create"] = new JsonObject { ["location"] = "westeurope" });

    [Fact]
    public async Task The_protect_switch_protects_apis_clients_grants_credentials_the_vault_and_its_secrets()
    {
        var captured = await StackHarness.CaptureAsync(OwnVault.Set("infra:protect", "true"));

        var custom = captured.Where(c => c.Resource is CustomResource).ToList();
        var protectedTypes = custom.Where(c => c.Options.Protect == true).Select(c => c.Resource.GetResourceType()).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(
            [
                ResourceTypes.Action,
                ResourceTypes.Client,
                ResourceTypes.ClientCredentials,
                ResourceTypes.ClientGrant,
                ResourceTypes.ResourceServer,
                ResourceTypes.ResourceServerScopes,
                ResourceTypes.TriggerAction,
                ResourceTypes.Secret,
                ResourceTypes.Vault,
                ResourceTypes.ResourceGroup,
                ResourceTypes.RandomPassword,
            ],
            protectedTypes);
        // Role assignments carry no state worth keeping: recreating one is harmless, so they stay unprotected.
        Assert.All(custom.Where(c => c.Resource.GetResourceType() == ResourceTypes.RoleAssignment), c => Assert.NotEqual(true, c.Options.Protect));
        Assert.Equal(2 + 2 + 2 + 3 + 3 + 3 + 4 + 16 + 2, custom.Count(c => c.Options.Protect == true));
    }

    [Fact]
    public async Task Without_the_switch_nothing_is_protected()
    {
        var captured = await StackHarness.CaptureAsync(OwnVault.Set("infra:protect", "false"));

        Assert.DoesNotContain(captured, c => c.Options.Protect == true);
        Assert.Equal(2 + 2 + 2 + 3 + 3 + 3 + 4 + 16 + 21 + 3, captured.Count(c => c.Resource is CustomResource));
    }

    [Fact]
    public async Task A_production_stack_without_protection_is_refused()
    {
        var (error, fakes) = await StackHarness.RunFailingAsync(StackHarness.StackConfig().Set("infra:production", "true"));

        Assert.Contains(
            "infra:protect: must be true in a production stack (infra:production is true): protection is what stops a `pulumi up` from deleting a live client, grant or secret.",
            error.Message,
            StringComparison.Ordinal);
        Assert.Empty(fakes.Registered);
    }
}

public class NoChurnTests
{
    private static readonly Dictionary<string, string> Dev = StackHarness.StackConfig();

    [Fact]
    public async Task Running_the_same_config_twice_registers_identical_inputs()
    {
        var first = Snapshot.Of(await StackHarness.RunAsync(Dev));
        var second = Snapshot.Of(await StackHarness.RunAsync(Dev));

        Assert.Equal(62, first.Count);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Reordering_apis_clients_scopes_grants_and_readers_changes_no_resource()
    {
        static void ReverseAll(JsonNode list, params string[] nested)
        {
            var items = list.AsArray().ToList();
            list.AsArray().Clear();
            foreach (var item in Enumerable.Reverse(items))
            {
                item!.Parent?.AsArray().Remove(item);
                list.AsArray().Add(item);
                foreach (var key in nested)
                {
                    if (item[key] is JsonArray inner)
                    {
                        ReverseAll(inner, nested);
                    }
                }
            }
        }

        var reordered = Dev
            .Edit("infra:apis", apis => ReverseAll(apis, "scopes"))
            .Edit("infra:clients", clients => ReverseAll(clients, "grants", "readers"))
            .Edit("infra:clients", clients =>
            {
                foreach (var grant in clients.AsArray().SelectMany(c => c!["grants"]!.AsArray()))
                {
                    var scopes = grant!["scopes"]!.AsArray().Select(s => s!.GetValue<string>()).Reverse().ToArray();
                    grant["scopes"] = new JsonArray(scopes.Select(s => (JsonNode)s!).ToArray());
                }
            });
        Assert.NotEqual(Dev["infra:clients"], reordered["infra:clients"]);

        var original = Snapshot.ByResource(await StackHarness.RunAsync(Dev));
        var after = Snapshot.ByResource(await StackHarness.RunAsync(reordered));

        Assert.Equal(original.OrderBy(kv => kv.Key, StringComparer.Ordinal), after.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Renaming_a_display_name_changes_only_that_name_in_place()
    {
        var original = Snapshot.ByResource(await StackHarness.RunAsync(Dev));
        var renamed = Snapshot.ByResource(await StackHarness.RunAsync(Dev.Edit("infra:clients", c => c[1]!["name"] = "Stock reconciler (nightly)")));

        var changed = original.Keys.Where(k => original[k] != renamed[k]).ToList();
        Assert.Equal([$"{ResourceTypes.Client} nightly-reconciler"], changed);
        Assert.Equal(original.Keys.Order(StringComparer.Ordinal), renamed.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("\"name\":\"Stock reconciler (nightly)\"", renamed[changed[0]], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_key_without_its_previous_key_is_a_new_resource_with_no_alias()
    {
        var captured = await StackHarness.CaptureAsync(Dev.Edit("infra:clients", c => c[1]!["key"] = "stock-reconciler"));

        var component = captured.Single(c => c.Resource is M2MClient && c.Resource.GetResourceName() == "stock-reconciler");
        Assert.Empty(component.Options.Aliases);
    }

    [Fact]
    public async Task A_previous_key_becomes_an_alias_of_the_component_and_of_grants_on_a_renamed_api()
    {
        var config = Dev
            .Edit("infra:clients", c =>
            {
                c[1]!["key"] = "stock-reconciler";
                c[1]!["previousKeys"] = new JsonArray("nightly-reconciler");
            })
            .Edit("infra:apis", a =>
            {
                a[1]!["key"] = "stock-api";
                a[1]!["previousKeys"] = new JsonArray("inventory-api");
            })
            .Edit("infra:clients", c =>
            {
                c[0]!["grants"]![1]!["api"] = "stock-api";
                c[1]!["grants"]![0]!["api"] = "stock-api";
            });

        var captured = await StackHarness.CaptureAsync(config);

        async Task<string[]> AliasNames(string resourceName)
        {
            var options = captured.Single(c => c.Resource.GetResourceName() == resourceName && c.Resource is M2MClient or ApiResourceServer or Pulumi.Auth0.ClientGrant).Options;
            var names = new List<string>();
            foreach (var alias in options.Aliases)
            {
                var resolved = await StackHarness.ValueAsync((Output<Alias>)alias);
                names.Add(await StackHarness.ValueAsync(resolved.Name!.ToOutput()));
            }

            return [.. names];
        }

        Assert.Equal(["nightly-reconciler"], await AliasNames("stock-reconciler"));
        Assert.Equal(["inventory-api"], await AliasNames("stock-api"));
        Assert.Equal(["stock-reconciler--inventory-api"], await AliasNames("stock-reconciler--stock-api"));
        Assert.Equal(["checkout-service--inventory-api"], await AliasNames("checkout-service--stock-api"));
    }
}

public class AdoptionTests
{
    [Fact]
    public async Task Import_ids_in_config_adopt_the_existing_api_its_scopes_the_client_and_the_grant()
    {
        var config = StackHarness.StackConfig()
            .Edit("infra:apis", a => a[0]!["import"] = "5e9f4a7c2b1d3e6f8a0b9c1d")
            .Edit("infra:clients", c =>
            {
                c[2]!["import"] = "Xq7PzR2mK9vT4wY8nB3cL6dF1gH5jS0a";
                c[2]!["grants"]![0]!["import"] = "cgr_A1b2C3d4E5f6G7h8";
            });

        var run = await StackHarness.RunAsync(config);

        Assert.Equal("5e9f4a7c2b1d3e6f8a0b9c1d", run.Single(ResourceTypes.ResourceServer, "orders-api").ImportId);
        Assert.Equal("https://api.acme.example/orders", run.Single(ResourceTypes.ResourceServerScopes, "orders-api").ImportId);
        Assert.Equal("Xq7PzR2mK9vT4wY8nB3cL6dF1gH5jS0a", run.Single(ResourceTypes.Client, "partner-globex").ImportId);
        Assert.Null(run.Single(ResourceTypes.ClientCredentials, "partner-globex").ImportId);
        Assert.Equal("cgr_A1b2C3d4E5f6G7h8", run.Single(ResourceTypes.ClientGrant, "partner-globex--orders-api").ImportId);
        Assert.Equal(4, run.Registered.Count(r => r.ImportId is not null));
    }
}
