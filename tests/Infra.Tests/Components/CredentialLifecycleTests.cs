using System.Text.Json.Nodes;
using Infra.Components;
using Infra.Tests.Support;
using Pulumi;
using Pulumi.Auth0;

namespace Infra.Tests.Components;

public class CredentialLifecycleTests
{
    private static readonly Dictionary<string, string> Dev = StackHarness.StackConfig();

    private static async Task<List<string>> ChangedResources(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        var a = Snapshot.ByResource(await StackHarness.RunAsync(before));
        var b = Snapshot.ByResource(await StackHarness.RunAsync(after));
        Assert.Equal(a.Keys.Order(StringComparer.Ordinal), b.Keys.Order(StringComparer.Ordinal));
        return a.Keys.Where(k => a[k] != b[k]).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task Raising_the_rotation_counter_changes_exactly_the_secret_and_where_it_is_written()
    {
        var changed = await ChangedResources(Dev, Dev.Edit("infra:clients", c => c[1]!["rotation"] = 1));

        Assert.Equal(
            [
                $"{ResourceTypes.ClientCredentials} nightly-reconciler",
                $"{ResourceTypes.Secret} m2m--nightly-reconciler--ClientSecret",
                $"{ResourceTypes.Secret} m2m--nightly-reconciler--ClientSecretNext",
                $"{ResourceTypes.RandomPassword} nightly-reconciler",
            ],
            changed);
    }

    [Fact]
    public async Task The_secret_is_a_64_character_random_password_kept_until_the_counter_or_the_disabled_flag_changes()
    {
        var run = await StackHarness.RunAsync(Dev);

        var password = run.Single(ResourceTypes.RandomPassword, "checkout-service");
        Assert.Equal(
            """{"keepers":{"disabled":"false","rotation":"2"},"length":64,"lower":true,"numeric":true,"overrideSpecial":"-_","special":true,"upper":true}""",
            Snapshot.ByResource(run)[$"{ResourceTypes.RandomPassword} checkout-service"]["import= ".Length..]);
        Assert.Equal(64, password.Input<double>("length"));
        Assert.Equal(StackHarness.SecretOf("checkout-service") + ".r2", run.Single(ResourceTypes.ClientCredentials, "checkout-service").Input<string>("clientSecret"));
    }

    [Fact]
    public async Task Next_is_written_before_auth0_switches_and_current_after()
    {
        var captured = await StackHarness.CaptureAsync(Dev);

        var credentials = captured.Single(c => c.Resource is ClientCredentials && c.Resource.GetResourceName() == "partner-globex");
        var before = await StackHarness.ValueAsync(((InputList<Resource>)credentials.Options.DependsOn).ToOutput());
        Assert.Contains(before, r => r.GetResourceName() == "m2m--partner-globex--ClientSecretNext");
        Assert.True(await Output.IsSecretAsync(((ClientCredentialsArgs)credentials.Args!).ClientSecret!.ToOutput()));

        // CURRENT depends on the credentials, so the engine writes it only after Auth0 has the new secret. Its value is
        // the one the program set, not the provider's read-back (empty for an identity without read:client_keys).
        var current = captured.Single(c => c.Resource.GetResourceName() == "m2m--partner-globex--ClientSecret");
        var after = await StackHarness.ValueAsync(((InputList<Resource>)current.Options.DependsOn).ToOutput());
        Assert.Contains(after, r => r is ClientCredentials && r.GetResourceName() == "partner-globex");
        var value = ((Pulumi.AzureNative.KeyVault.SecretArgs)current.Args!).Properties.Apply(p => p.Value!);
        Assert.DoesNotContain(await Pulumi.Utilities.OutputUtilities.GetDependenciesAsync(value), r => r is ClientCredentials);
        Assert.True(await Output.IsSecretAsync(value));
    }

    [Fact]
    public async Task The_expiry_date_goes_into_the_clients_metadata_and_the_key_vault_expiry_of_its_secrets()
    {
        var run = await StackHarness.RunAsync(Dev);

        Assert.Equal("2026-12-20", run.Single(ResourceTypes.Client, "partner-globex").Map("clientMetadata")["expires_at"]);
        var expires = new DateTimeOffset(2026, 12, 20, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        foreach (var name in new[] { "m2m--partner-globex--ClientSecret", "m2m--partner-globex--ClientSecretNext" })
        {
            var attributes = (System.Collections.Immutable.ImmutableDictionary<string, object>)run.Single(ResourceTypes.Secret, name).Map("properties")["attributes"];
            Assert.Equal((double)expires, attributes["expires"]);
        }

        Assert.False(run.Single(ResourceTypes.Secret, "m2m--partner-globex--ClientId").Map("properties").ContainsKey("attributes"));
        var noExpiry = await StackHarness.RunAsync(Dev.Edit("infra:clients", c => c[2]!.AsObject().Remove("expires")));
        Assert.False(noExpiry.Single(ResourceTypes.Client, "partner-globex").Map("clientMetadata").ContainsKey("expires_at"));
    }

    [Fact]
    public async Task Disabling_a_client_marks_it_for_the_action_and_replaces_its_secret()
    {
        var disabled = Dev.Edit("infra:clients", c => c[2]!["disabled"] = true);

        var changed = await ChangedResources(Dev, disabled);
        var run = await StackHarness.RunAsync(disabled);

        Assert.Equal(
            [
                $"{ResourceTypes.Client} partner-globex",
                $"{ResourceTypes.ClientCredentials} partner-globex",
                $"{ResourceTypes.Secret} m2m--partner-globex--ClientSecret",
                $"{ResourceTypes.Secret} m2m--partner-globex--ClientSecretNext",
                $"{ResourceTypes.RandomPassword} partner-globex",
            ],
            changed);
        Assert.Equal("true", run.Single(ResourceTypes.Client, "partner-globex").Map("clientMetadata")["disabled"]);
        Assert.Equal(StackHarness.SecretOf("partner-globex") + ".r0.off", run.Single(ResourceTypes.ClientCredentials, "partner-globex").Input<string>("clientSecret"));
    }

    [Fact]
    public async Task Removing_a_grant_removes_it_and_the_audience_secret_and_nothing_else_of_the_client()
    {
        var a = Snapshot.ByResource(await StackHarness.RunAsync(Dev));
        var b = Snapshot.ByResource(await StackHarness.RunAsync(Dev.Edit("infra:clients", c => c[0]!["grants"]!.AsArray().RemoveAt(1))));

        Assert.Equal(
            [
                $"{ResourceTypes.ClientGrant} checkout-service--inventory-api",
                $"{ResourceTypes.RoleAssignment} m2m--checkout-service--Audience--inventory-api--0f8d5a3e-6b1c-4e2a-9d7f-3c5b8a1e4f60",
                $"{ResourceTypes.Secret} m2m--checkout-service--Audience--inventory-api",
            ],
            a.Keys.Except(b.Keys).Order(StringComparer.Ordinal));
        Assert.Empty(b.Keys.Except(a.Keys));
        Assert.All(b.Keys, k => Assert.Equal(a[k], b[k]));
    }

    [Fact]
    public async Task The_action_ships_the_repository_code_on_the_credentials_exchange_trigger_and_is_bound_to_it()
    {
        var run = await StackHarness.RunAsync(Dev);

        var action = run.Single(ResourceTypes.Action, "credential-lifecycle");
        Assert.Equal(File.ReadAllText(Path.Combine(StackHarness.RepositoryRoot(), "infra", "Actions", "credentials-exchange.js")), action.Input<string>("code"));
        Assert.Equal(
            """{"code":"...","deploy":true,"name":"enforce-m2m-credential-lifecycle","runtime":"node22","secrets":[{"name":"MANAGED_BY","value":"pulumi:infra"}],"supportedTriggers":{"id":"credentials-exchange","version":"v2"}}""",
            JsonNode.Parse(Snapshot.ByResource(run)[$"{ResourceTypes.Action} credential-lifecycle"]["import= ".Length..])!.AsObject().Also(o => o["code"] = "...").ToJsonString());
        var binding = run.Single(ResourceTypes.TriggerAction, "credential-lifecycle");
        Assert.Equal(("credentials-exchange", "credential-lifecycle_id", "enforce-m2m-credential-lifecycle"), (binding.Input<string>("trigger"), binding.Input<string>("actionId"), binding.Input<string>("displayName")));
        Assert.Equal(File.ReadAllText(Path.Combine(StackHarness.RepositoryRoot(), "infra", "Actions", "credentials-exchange.js")), CredentialExchangePolicy.Code());
    }
}

internal static class JsonNodeExtensions
{
    public static JsonObject Also(this JsonObject node, Action<JsonObject> change)
    {
        change(node);
        return node;
    }
}
