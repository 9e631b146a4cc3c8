using Infra.Tests.Support;

namespace Infra.Tests.Components;

/// <summary>Disabling cuts a client off in Azure as well as in Auth0, and removing the flag restores it.</summary>
public class DisabledClientTests
{
    private static readonly Dictionary<string, string> Dev = StackHarness.StackConfig();

    private static IEnumerable<string> Documents(StackRun run) => run.OfType(ResourceTypes.Secret).Select(s => (string)s.Map("properties")["value"]);

    [Fact]
    public async Task Disabling_empties_and_disables_the_document_removes_its_readers_and_gives_auth0_a_secret_no_document_holds()
    {
        var enabled = await StackHarness.RunAsync(Dev);
        var disabled = await StackHarness.RunAsync(Dev.Edit("infra:clients", c => c[2]!["disabled"] = true));

        var (removed, added, changed) = Snapshot.Compare(enabled, disabled);
        Assert.Equal(
            [
                $"{ResourceTypes.RoleAssignment} m2m--partner-globex--4e6b8d0f-2a1c-4b3d-8f5e-9c7a6b5d4e3f",
                $"{ResourceTypes.RoleAssignment} m2m--partner-globex--c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f",
            ],
            removed);
        // The client never rotated, so its other slot did not exist: disabling creates it for Auth0's new secret.
        Assert.Equal([$"{ResourceTypes.RandomPassword} partner-globex--slot1"], added);
        Assert.Equal(
            [
                $"{ResourceTypes.Client} partner-globex",
                $"{ResourceTypes.ClientCredentials} partner-globex",
                $"{ResourceTypes.Secret} m2m--partner-globex",
            ],
            changed);

        Assert.Equal("true", disabled.Single(ResourceTypes.Client, "partner-globex").Map("clientMetadata")["disabled"]);
        Assert.Equal(
            """{"clientId":"cid_partner-globex","clientSecret":null,"fallbackClientSecret":null,"tokenEndpoint":"https://acme-dev.eu.auth0.com/oauth/token","audiences":{"orders-api":"https://api.acme.example/orders"},"expires":"2026-12-20","disabled":true,"version":1}""",
            M2MClientTests.Value(disabled, "m2m--partner-globex"));
        Assert.Equal(
            [("enabled", (object)false), ("expires", 1797724800d)],
            M2MClientTests.Attributes(disabled, "m2m--partner-globex").OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)));
        Assert.DoesNotContain(disabled.OfType(ResourceTypes.RoleAssignment), a => a.Input<string>("scope").EndsWith("/secrets/m2m--partner-globex", StringComparison.Ordinal));
        Assert.Equal(2, disabled.OfType(ResourceTypes.RoleAssignment).Count);

        // Auth0 gets the other slot, freshly drawn: no document, before or after, ever held it.
        var auth0Secret = disabled.Single(ResourceTypes.ClientCredentials, "partner-globex").Input<string>("clientSecret");
        Assert.Equal("S3cr3t.partner-globex.xVq9Lr2pWm8Tz4Kd.slot1.disabled-0", auth0Secret);
        Assert.DoesNotContain(Documents(enabled).Concat(Documents(disabled)), d => d.Contains(auth0Secret, StringComparison.Ordinal));
        Assert.NotEqual(enabled.Single(ResourceTypes.ClientCredentials, "partner-globex").Input<string>("clientSecret"), auth0Secret);
    }

    [Fact]
    public async Task The_other_clients_are_untouched_by_a_disabled_one()
    {
        var enabled = Snapshot.ByResource(await StackHarness.RunAsync(Dev));
        var disabled = Snapshot.ByResource(await StackHarness.RunAsync(Dev.Edit("infra:clients", c => c[2]!["disabled"] = true)));

        Assert.All(
            enabled.Keys.Where(k => !k.Contains("partner-globex", StringComparison.Ordinal)),
            k => Assert.Equal(enabled[k], disabled[k]));
    }

    [Fact]
    public async Task Re_enabling_restores_the_readers_and_the_document_and_gives_auth0_the_documents_secret_again()
    {
        // checkout-service is rotated twice, so a fallback is at stake as well.
        var before = await StackHarness.RunAsync(Dev);
        var disabled = await StackHarness.RunAsync(Dev.Edit("infra:clients", c => c[0]!["disabled"] = true));
        var reEnabled = await StackHarness.RunAsync(Dev);

        var (removed, added, changed) = Snapshot.Compare(disabled, reEnabled);
        Assert.Empty(removed);
        Assert.Equal([$"{ResourceTypes.RoleAssignment} m2m--checkout-service--0f8d5a3e-6b1c-4e2a-9d7f-3c5b8a1e4f60"], added);
        Assert.Equal(
            [
                $"{ResourceTypes.Client} checkout-service",
                $"{ResourceTypes.ClientCredentials} checkout-service",
                $"{ResourceTypes.Secret} m2m--checkout-service",
                $"{ResourceTypes.RandomPassword} checkout-service--slot1",
            ],
            changed);

        Assert.Equal("S3cr3t.checkout-service.xVq9Lr2pWm8Tz4Kd.slot1.disabled-2", disabled.Single(ResourceTypes.ClientCredentials, "checkout-service").Input<string>("clientSecret"));
        Assert.Contains("\"clientSecret\":null,\"fallbackClientSecret\":null,", M2MClientTests.Value(disabled, "m2m--checkout-service"), StringComparison.Ordinal);
        Assert.Equal(M2MClientTests.Value(before, "m2m--checkout-service"), M2MClientTests.Value(reEnabled, "m2m--checkout-service"));
        Assert.Equal(true, M2MClientTests.Attributes(reEnabled, "m2m--checkout-service")["enabled"]);
        Assert.False(reEnabled.Single(ResourceTypes.Client, "checkout-service").Map("clientMetadata").ContainsKey("disabled"));

        // The active slot is kept while disabled: re-enabling gives Auth0 the secret it had before (README: raise the
        // rotation in the same change when that secret may have leaked).
        var auth0Secret = reEnabled.Single(ResourceTypes.ClientCredentials, "checkout-service").Input<string>("clientSecret");
        Assert.Equal(before.Single(ResourceTypes.ClientCredentials, "checkout-service").Input<string>("clientSecret"), auth0Secret);
        Assert.Contains($"\"clientSecret\":\"{auth0Secret}\"", M2MClientTests.Value(reEnabled, "m2m--checkout-service"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Re_enabling_with_a_raised_rotation_gives_a_secret_the_client_never_had()
    {
        var disabled = await StackHarness.RunAsync(Dev.Edit("infra:clients", c => c[0]!["disabled"] = true));
        var reEnabled = await StackHarness.RunAsync(Dev.Edit("infra:clients", c => c[0]!["rotation"] = 3));

        var auth0Secret = reEnabled.Single(ResourceTypes.ClientCredentials, "checkout-service").Input<string>("clientSecret");
        Assert.Equal("S3cr3t.checkout-service.xVq9Lr2pWm8Tz4Kd.slot1.3", auth0Secret);
        Assert.DoesNotContain(Documents(disabled), d => d.Contains(auth0Secret, StringComparison.Ordinal));
        Assert.NotEqual(disabled.Single(ResourceTypes.ClientCredentials, "checkout-service").Input<string>("clientSecret"), auth0Secret);
    }
}
