using System.Text.Json.Nodes;
using Infra.Components;
using Infra.Tests.Support;
using Pulumi;
using Pulumi.Auth0;

namespace Infra.Tests.Components;

public class CredentialLifecycleTests
{
    private static readonly Dictionary<string, string> Dev = StackHarness.StackConfig();

    private static string Value(StackRun run, string secretName) => M2MClientTests.Value(run, secretName);

    [Fact]
    public async Task Raising_the_rotation_counter_draws_one_secret_and_rewrites_the_document_and_auth0s_secret()
    {
        var after = Dev.Edit("infra:clients", c => c[1]!["rotation"] = 1);

        var run = await StackHarness.RunAsync(after);
        var (removed, added, changed) = Snapshot.Compare(await StackHarness.RunAsync(Dev), run);

        Assert.Empty(removed);
        // A client that never rotated had no fallback slot: the first rotation creates it, replacing nothing.
        Assert.Equal([$"{ResourceTypes.RandomPassword} nightly-reconciler--slot1"], added);
        Assert.Equal(
            [
                $"{ResourceTypes.ClientCredentials} nightly-reconciler",
                $"{ResourceTypes.Secret} m2m--nightly-reconciler",
            ],
            changed);
        // The new secret (rotation 1, slot 1) in force, the previous one (rotation 0, slot 0) as the fallback.
        Assert.Equal(
            """{"clientId":"cid_nightly-reconciler","clientSecret":"S3cr3t.nightly-reconciler.xVq9Lr2pWm8Tz4Kd.slot1.1","fallbackClientSecret":"S3cr3t.nightly-reconciler.xVq9Lr2pWm8Tz4Kd.slot0.0","tokenEndpoint":"https://acme-dev.eu.auth0.com/oauth/token","audiences":{"inventory-api":"https://api.acme.example/inventory"},"expires":"2027-05-31","disabled":false,"version":1}""",
            Value(run, "m2m--nightly-reconciler"));
        Assert.Equal("S3cr3t.nightly-reconciler.xVq9Lr2pWm8Tz4Kd.slot1.1", run.Single(ResourceTypes.ClientCredentials, "nightly-reconciler").Input<string>("clientSecret"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Every_rotation_document_holds_both_the_secret_auth0_has_before_the_switch_and_the_one_after(int rotation)
    {
        // The document is written before the credentials: until Auth0 switches, the consumer's fallback must be the
        // secret Auth0 still holds, and afterwards its primary is the one Auth0 got.
        var before = await StackHarness.RunAsync(Dev.Edit("infra:clients", c => c[1]!["rotation"] = rotation - 1));
        var after = await StackHarness.RunAsync(Dev.Edit("infra:clients", c => c[1]!["rotation"] = rotation));

        var document = Infra.Config.ConsumerCredentials.Parse(Value(after, "m2m--nightly-reconciler"));
        var auth0Before = before.Single(ResourceTypes.ClientCredentials, "nightly-reconciler").Input<string>("clientSecret");
        var auth0After = after.Single(ResourceTypes.ClientCredentials, "nightly-reconciler").Input<string>("clientSecret");
        Assert.NotEqual(auth0Before, auth0After);
        Assert.Equal((auth0After, auth0Before), (document.ClientSecret, document.FallbackClientSecret));
    }

    [Fact]
    public async Task A_rotated_client_has_two_64_character_random_passwords_and_one_that_never_rotated_has_one()
    {
        var run = await StackHarness.RunAsync(Dev);

        var snapshot = Snapshot.ByResource(run);
        Assert.Equal(
            """import= {"keepers":{"holds":"2"},"length":64,"lower":true,"numeric":true,"overrideSpecial":"-_","special":true,"upper":true}""",
            snapshot[$"{ResourceTypes.RandomPassword} checkout-service--slot0"]);
        Assert.Equal(
            """import= {"keepers":{"holds":"1"},"length":64,"lower":true,"numeric":true,"overrideSpecial":"-_","special":true,"upper":true}""",
            snapshot[$"{ResourceTypes.RandomPassword} checkout-service--slot1"]);
        Assert.Equal(
            ["checkout-service--slot0", "checkout-service--slot1", "nightly-reconciler--slot0", "partner-globex--slot0"],
            run.OfType(ResourceTypes.RandomPassword).Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(run.OfType(ResourceTypes.RandomPassword), p => Assert.Equal(64, p.Input<double>("length")));
    }

    [Fact]
    public async Task The_document_gets_the_new_secret_before_auth0_switches_and_not_from_the_providers_read_back()
    {
        var captured = await StackHarness.CaptureAsync(Dev);

        var credentials = captured.Single(c => c.Resource is ClientCredentials && c.Resource.GetResourceName() == "partner-globex");
        var before = await StackHarness.ValueAsync(((InputList<Resource>)credentials.Options.DependsOn).ToOutput());
        Assert.Equal(["m2m--partner-globex"], before.Select(r => r.GetResourceName()));
        Assert.True(await Output.IsSecretAsync(((ClientCredentialsArgs)credentials.Args!).ClientSecret!.ToOutput()));

        // The document's value is what the program generated, never the provider's read-back (empty for an identity
        // without read:client_keys), so it does not wait for the credentials.
        var document = captured.Single(c => c.Resource.GetResourceName() == "m2m--partner-globex");
        var value = ((Pulumi.AzureNative.KeyVault.SecretArgs)document.Args!).Properties.Apply(p => p.Value!);
        Assert.DoesNotContain(await Pulumi.Utilities.OutputUtilities.GetDependenciesAsync(value), r => r is ClientCredentials);
        Assert.True(await Output.IsSecretAsync(value));
    }

    [Fact]
    public async Task The_expiry_date_goes_into_the_clients_metadata_its_document_and_the_key_vault_expiry_of_its_secret()
    {
        var run = await StackHarness.RunAsync(Dev);

        Assert.Equal("2026-12-20", run.Single(ResourceTypes.Client, "partner-globex").Map("clientMetadata")["expires_at"]);
        var expires = new DateTimeOffset(2026, 12, 20, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        Assert.Equal(
            [("enabled", (object)true), ("expires", (double)expires)],
            M2MClientTests.Attributes(run, "m2m--partner-globex").OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)));
        Assert.Contains("\"expires\":\"2026-12-20\"", Value(run, "m2m--partner-globex"), StringComparison.Ordinal);

        var noExpiry = await StackHarness.RunAsync(Dev.Edit("infra:clients", c => c[2]!.AsObject().Remove("expires")));
        Assert.False(noExpiry.Single(ResourceTypes.Client, "partner-globex").Map("clientMetadata").ContainsKey("expires_at"));
        Assert.Equal([("enabled", (object)true)], M2MClientTests.Attributes(noExpiry, "m2m--partner-globex").Select(kv => (kv.Key, kv.Value)));
        Assert.Contains("\"expires\":null,", Value(noExpiry, "m2m--partner-globex"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_a_grant_removes_it_and_its_audience_from_the_document_and_nothing_else_of_the_client()
    {
        var a = Snapshot.ByResource(await StackHarness.RunAsync(Dev));
        var run = await StackHarness.RunAsync(Dev.Edit("infra:clients", c => c[0]!["grants"]!.AsArray().RemoveAt(1)));
        var b = Snapshot.ByResource(run);

        Assert.Equal([$"{ResourceTypes.ClientGrant} checkout-service--inventory-api"], a.Keys.Except(b.Keys));
        Assert.Empty(b.Keys.Except(a.Keys));
        Assert.Equal([$"{ResourceTypes.Secret} m2m--checkout-service"], b.Keys.Where(k => a[k] != b[k]));
        Assert.Contains("\"audiences\":{\"orders-api\":\"https://api.acme.example/orders\"},", Value(run, "m2m--checkout-service"), StringComparison.Ordinal);
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
        Assert.Equal("credential-lifecycle_id", await StackHarness.ValueAsync(run.OutputsOf(CredentialExchangePolicy.TypeToken, "credential-lifecycle")["actionId"]));
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
