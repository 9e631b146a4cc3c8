using System.Text.Json.Nodes;
using Infra.Components;
using Infra.Tests.Support;
using Pulumi;

namespace Infra.Tests;

public class ProtectionTests
{
    private static readonly Dictionary<string, string> OwnVault = StackHarness.StackConfig()
        .Edit("infra:keyVault", v => v["create"] = new JsonObject { ["location"] = "westeurope", ["deployerObjectId"] = "6a1f3c5e-8b2d-4e7f-9a0c-1d3e5f7a9b2c" });

    [Fact]
    public async Task The_protect_switch_protects_what_lives_outside_the_state_and_cannot_be_recreated_as_it_was()
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
                ResourceTypes.Vault,
                ResourceTypes.ResourceGroup,
            ],
            protectedTypes);
        // Unprotected, each for a reason the operations preview shows: rotating replaces a password; a key change
        // deletes the secret named after the old key; role assignments are recreated harmlessly.
        Assert.All(
            custom.Where(c => c.Resource.GetResourceType() is ResourceTypes.RoleAssignment or ResourceTypes.RandomPassword or ResourceTypes.Secret),
            c => Assert.NotEqual(true, c.Options.Protect));
        // APIs and scopes, the Action and its binding, per client its client and credentials, the grants, group and vault.
        Assert.Equal(2 + 2 + 2 + 3 + 3 + 4 + 2, custom.Count(c => c.Options.Protect == true));
    }

    [Fact]
    public async Task A_disabled_client_is_no_longer_protected_so_that_removing_it_is_the_next_step()
    {
        var captured = await StackHarness.CaptureAsync(OwnVault.Set("infra:protect", "true").Edit("infra:clients", c => c[1]!["disabled"] = true));

        var reconciler = captured.Where(c => c.Resource is CustomResource && c.Options.Parent?.GetResourceName() == "nightly-reconciler").ToList();
        Assert.Equal(
            [
                ResourceTypes.Client,
                ResourceTypes.ClientCredentials,
                ResourceTypes.ClientGrant,
                ResourceTypes.Secret,
                ResourceTypes.RandomPassword,
                ResourceTypes.RandomPassword,
            ],
            reconciler.Select(c => c.Resource.GetResourceType()).Order(StringComparer.Ordinal)); // and no reader assignment
        Assert.All(reconciler, c => Assert.NotEqual(true, c.Options.Protect));
        Assert.True(captured.Single(c => c.Resource.GetResourceType() == ResourceTypes.Client && c.Resource.GetResourceName() == "checkout-service").Options.Protect);
    }

    [Fact]
    public async Task Without_the_switch_nothing_is_protected()
    {
        var captured = await StackHarness.CaptureAsync(OwnVault.Set("infra:protect", "false"));

        Assert.DoesNotContain(captured, c => c.Options.Protect == true);
        // APIs, scopes, Action and binding, clients, credentials, passwords, grants, secrets, assignments, group+vault+officer.
        Assert.Equal(2 + 2 + 2 + 3 + 3 + 4 + 4 + 3 + 4 + 3, captured.Count(c => c.Resource is CustomResource));
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

        Assert.Equal(33, first.Count);
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
    private const string GlobexClientId = "Xq7PzR2mK9vT4wY8nB3cL6dF1gH5jS0a";

    [Fact]
    public async Task Import_ids_in_config_adopt_the_existing_api_its_scopes_the_client_and_the_grant()
    {
        var config = StackHarness.StackConfig()
            .Edit("infra:apis", a => a[0]!["import"] = "5e9f4a7c2b1d3e6f8a0b9c1d")
            .Edit("infra:clients", c =>
            {
                c[2]!["import"] = GlobexClientId;
                c[2]!["grants"]![0]!["import"] = "cgr_A1b2C3d4E5f6G7h8";
            });

        var run = await StackHarness.RunAsync(config);

        Assert.Equal("5e9f4a7c2b1d3e6f8a0b9c1d", run.Single(ResourceTypes.ResourceServer, "orders-api").ImportId);
        Assert.Equal("https://api.acme.example/orders", run.Single(ResourceTypes.ResourceServerScopes, "orders-api").ImportId);
        Assert.Equal(GlobexClientId, run.Single(ResourceTypes.Client, "partner-globex").ImportId);
        Assert.Equal("cgr_A1b2C3d4E5f6G7h8", run.Single(ResourceTypes.ClientGrant, "partner-globex--orders-api").ImportId);

        // Its credentials are adopted too, without a secret of the program's: the consumer keeps working.
        var credentials = run.Single(ResourceTypes.ClientCredentials, "partner-globex");
        Assert.Equal(GlobexClientId, credentials.ImportId);
        Assert.Equal(["authenticationMethod", "clientId"], credentials.Inputs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("client_secret_post", credentials.Input<string>("authenticationMethod"));
        Assert.Equal(5, run.Registered.Count(r => r.ImportId is not null));
        // The live secret read back from Auth0 goes into the document, with no fallback, once Auth0 has been read.
        Assert.Equal("S3cr3t.partner-globex.xVq9Lr2pWm8Tz4Kd.live", ProviderFakes.LiveSecretOf(StackHarness.SecretOf("partner-globex")));
        Assert.Equal(
            """{"clientId":"cid_partner-globex","clientSecret":"S3cr3t.partner-globex.xVq9Lr2pWm8Tz4Kd.live","fallbackClientSecret":null,"tokenEndpoint":"https://acme-dev.eu.auth0.com/oauth/token","audiences":{"orders-api":"https://api.acme.example/orders"},"expires":"2026-12-20","disabled":false,"version":1}""",
            Components.M2MClientTests.Value(run, "m2m--partner-globex"));
    }

    [Fact]
    public async Task An_adopted_clients_document_waits_for_its_imported_credentials_not_the_other_way_round()
    {
        var captured = await StackHarness.CaptureAsync(GlobexAdopted(rotation: 0));

        var document = captured.Single(c => c.Resource.GetResourceName() == "m2m--partner-globex");
        var documentAfter = await StackHarness.ValueAsync(((InputList<Resource>)document.Options.DependsOn).ToOutput());
        Assert.Equal(["partner-globex--orders-api", "partner-globex"], documentAfter.Select(r => r.GetResourceName()));
        Assert.IsType<Pulumi.Auth0.ClientCredentials>(documentAfter[^1]);
        var credentials = captured.Single(c => c.Resource is Pulumi.Auth0.ClientCredentials && c.Resource.GetResourceName() == "partner-globex");
        Assert.Empty(await StackHarness.ValueAsync(((InputList<Resource>)credentials.Options.DependsOn).ToOutput()));
        var value = ((Pulumi.AzureNative.KeyVault.SecretArgs)document.Args!).Properties.Apply(p => p.Value!);
        Assert.True(await Output.IsSecretAsync(value));
    }

    [Fact]
    public async Task An_adopted_client_switches_to_a_generated_secret_at_its_first_rotation()
    {
        var config = GlobexAdopted(rotation: 1);

        var run = await StackHarness.RunAsync(config);

        var credentials = run.Single(ResourceTypes.ClientCredentials, "partner-globex");
        Assert.Null(credentials.ImportId);
        Assert.Equal("S3cr3t.partner-globex.xVq9Lr2pWm8Tz4Kd.slot1.1", credentials.Input<string>("clientSecret"));
        Assert.Contains("\"clientSecret\":\"S3cr3t.partner-globex.xVq9Lr2pWm8Tz4Kd.slot1.1\",", Components.M2MClientTests.Value(run, "m2m--partner-globex"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_adopted_clients_first_rotation_keeps_the_secret_auth0_still_holds_as_the_fallback()
    {
        var before = await StackHarness.RunAsync(GlobexAdopted(rotation: 0));
        var after = await StackHarness.RunAsync(GlobexAdopted(rotation: 1));

        var live = Infra.Config.ConsumerCredentials.Parse(Components.M2MClientTests.Value(before, "m2m--partner-globex")).ClientSecret;
        var document = Infra.Config.ConsumerCredentials.Parse(Components.M2MClientTests.Value(after, "m2m--partner-globex"));
        Assert.Equal(ProviderFakes.LiveSecretOf(StackHarness.SecretOf("partner-globex")), live);
        Assert.Equal(live, document.FallbackClientSecret);
    }

    [Fact]
    public async Task An_adopted_client_that_moves_to_keys_at_its_first_rotation_hands_out_the_secret_it_came_with_as_the_fallback()
    {
        var before = await StackHarness.RunAsync(GlobexAdopted(rotation: 0));
        var moving = GlobexAdopted(rotation: 1).Edit("infra:clients", c =>
        {
            c[2]!["authentication"] = "private_key_jwt";
            c[2]!["keysSinceRotation"] = 1;
        });
        var after = await StackHarness.RunAsync(moving);

        var live = Infra.Config.ConsumerCredentials.Parse(Components.M2MClientTests.Value(before, "m2m--partner-globex")).ClientSecret;
        var document = Infra.Config.ConsumerKeyCredentials.Parse(Components.M2MClientTests.Value(after, "m2m--partner-globex"));
        Assert.Equal(live, document.FallbackClientSecret);
        Assert.Equal(ProviderFakes.KeyPairOf("partner-globex--key-r1").PrivatePem, document.PrivateKey);
        // No password of ours: the fallback is the captured one, kept in the store.
        Assert.Equal(["partner-globex--adopted-secret"], after.OfType(ResourceTypes.RandomPassword).Where(p => p.Name.StartsWith("partner-globex", StringComparison.Ordinal)).Select(p => p.Name));
    }

    [Fact]
    public async Task An_adopted_client_whose_live_secret_reads_empty_fails_with_the_missing_scope_and_writes_no_secret()
    {
        var config = StackHarness.StackConfig().Edit("infra:clients", c => c[1]!["import"] = "Nr8QwE3tY6uI9oP2aS5dF7gH0jK4lZ1x");

        var (error, fakes) = await StackHarness.RunFailingAsync(config, clientSecretFor: key => key == "nightly-reconciler" ? "" : StackHarness.SecretOf(key));

        AssertEmptySecretError(error, "nightly-reconciler", "infra:clients[1]");
        Assert.DoesNotContain(fakes.Registered, r => r.Name == "m2m--nightly-reconciler");
        Assert.Contains(fakes.Registered, r => r.Type == ResourceTypes.ClientCredentials && r.Name == "nightly-reconciler");
    }

    [Fact]
    public async Task An_adopted_client_at_rotation_0_captures_the_secret_it_came_with_in_a_store_of_the_state_that_later_runs_do_not_change()
    {
        var captured = await StackHarness.CaptureAsync(GlobexAdopted(rotation: 0));
        var run = await StackHarness.RunAsync(GlobexAdopted(rotation: 0));

        var store = Assert.Single(captured, c => c.Resource.GetResourceName() == "partner-globex--adopted-secret");
        Assert.IsType<Pulumi.Random.RandomPassword>(store.Resource);
        Assert.Equal("partner-globex", Assert.IsType<M2MClient>(store.Options.Parent).GetResourceName());
        // The engine keeps an ignored input from the state: what was captured at adoption stays, whatever a later run passes.
        Assert.Equal(["keepers"], store.Options.IgnoreChanges);
        Assert.Contains("keepers", ((CustomResourceOptions)store.Options).AdditionalSecretOutputs);
        var keepers = ((Pulumi.Random.RandomPasswordArgs)store.Args!).Keepers.ToOutput();
        Assert.True(await Output.IsSecretAsync(keepers));
        Assert.Equal(ProviderFakes.LiveSecretOf(StackHarness.SecretOf("partner-globex")), (await StackHarness.ValueAsync(keepers))["secret"]);
        // No read of Auth0 beside the imported credentials themselves.
        Assert.DoesNotContain(run.Registered, r => r.Name.EndsWith("--live", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_adopted_clients_first_rotation_reads_its_fallback_from_the_store_not_from_auth0()
    {
        var captured = await StackHarness.CaptureAsync(GlobexAdopted(rotation: 1));
        var run = await StackHarness.RunAsync(GlobexAdopted(rotation: 1));

        // At rotation 1 the store is given nothing Auth0 holds: only its state (captured at rotation 0) is read.
        var store = Assert.Single(captured, c => c.Resource.GetResourceName() == "partner-globex--adopted-secret");
        Assert.Equal(M2MClient.NotCaptured, (await StackHarness.ValueAsync(((Pulumi.Random.RandomPasswordArgs)store.Args!).Keepers.ToOutput()))["secret"]);
        Assert.Single(run.Registered, r => r.Type == ResourceTypes.ClientCredentials && r.Name.StartsWith("partner-globex", StringComparison.Ordinal));
        Assert.Null(run.Single(ResourceTypes.ClientCredentials, "partner-globex").ImportId);
    }

    [Fact]
    public async Task A_first_rotation_whose_store_captured_nothing_stops_before_the_document_or_auth0_change()
    {
        var (error, fakes) = await StackHarness.RunFailingAsync(GlobexAdopted(rotation: 1), clientSecretFor: StackHarness.SecretOf, storeCaptured: false);

        var errors = error is AggregateException all ? [.. all.InnerExceptions] : new[] { error };
        Assert.Contains(M2MClient.NotCapturedMessage("partner-globex", "infra:clients[2]"), errors.Select(e => e.Message));
        Assert.StartsWith("Client 'partner-globex' (infra:clients[2]) is adopted (import) at rotation 1, but the secret it came with was never captured", M2MClient.NotCapturedMessage("partner-globex", "infra:clients[2]"), StringComparison.Ordinal);
        Assert.DoesNotContain(fakes.Registered, r => r.Name == "m2m--partner-globex");
        Assert.DoesNotContain(fakes.Registered, r => r.Type == ResourceTypes.ClientCredentials && r.Name == "partner-globex");
    }

    [Fact]
    public async Task Adopted_and_created_grants_leave_subject_type_to_the_tenant()
    {
        var run = await StackHarness.RunAsync(GlobexAdopted(rotation: 0).Edit("infra:clients", c => c[2]!["grants"]![0]!["import"] = "cgr_A1b2C3d4E5f6G7h8"));

        Assert.All(run.OfType(ResourceTypes.ClientGrant), g => Assert.False(g.Inputs.ContainsKey("subjectType"), g.Name));
        Assert.Equal("cgr_A1b2C3d4E5f6G7h8", run.Single(ResourceTypes.ClientGrant, "partner-globex--orders-api").ImportId);
    }

    /// <summary>The dev stack with partner-globex adopted from Auth0 (its client id), at <paramref name="rotation"/>.</summary>
    private static Dictionary<string, string> GlobexAdopted(int rotation) => StackHarness.StackConfig().Edit("infra:clients", c =>
    {
        c[2]!["import"] = GlobexClientId;
        if (rotation > 0)
        {
            c[2]!["rotation"] = rotation;
        }
    });

    /// <summary>
    /// The whole message, logged as it is: the engine logs a ResourceException thrown with hideStack as its message
    /// alone, any other error with its type and stack trace (pulumi-dotnet v3.112.1,
    /// sdk/Pulumi/Deployment/Deployment.Runner.cs:237). The resources that wait for the failed value fail after it, each
    /// with the SDK's own wrapping and stack; this one is among the errors as the bare message.
    /// </summary>
    private static void AssertEmptySecretError(Exception error, string key, string path)
    {
        var errors = error is AggregateException all ? [.. all.InnerExceptions] : new[] { error };
        Assert.Contains(
            $"Auth0 returned an empty client secret for client '{key}' ({path}). The Auth0 management client that Pulumi deploys with lacks "
            + "the read:client_keys or read:client_credentials scope: grant it one of them (Auth0 dashboard > Applications > APIs > Auth0 "
            + "Management API > Machine to Machine Applications) and run `pulumi up` again. No client secret was written to Key Vault.",
            errors.Select(e => e.Message));
    }
}
