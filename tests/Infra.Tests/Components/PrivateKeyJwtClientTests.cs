using System.Collections.Immutable;
using System.Security.Cryptography;
using Infra.Config;
using Infra.Tests.Support;
using Pulumi;
using Pulumi.Auth0;

namespace Infra.Tests.Components;

/// <summary>A client with <c>authentication: private_key_jwt</c>: its keys, what Auth0 gets, its document and their order.</summary>
public class PrivateKeyJwtClientTests
{
    private static readonly Dictionary<string, string> Dev = StackHarness.StackConfig();

    private const string Reconciler = "nightly-reconciler";

    /// <summary>Dev with nightly-reconciler (index 1, never rotated) on keys, at <paramref name="rotation"/>.</summary>
    private static Dictionary<string, string> Keys(int rotation, Action<System.Text.Json.Nodes.JsonNode>? more = null) => Dev.Edit("infra:clients", c =>
    {
        c[1]!["authentication"] = "private_key_jwt";
        c[1]!["rotation"] = rotation;
        more?.Invoke(c[1]!);
    });

    private static ConsumerKeyCredentials Document(StackRun run, string client = Reconciler)
        => ConsumerKeyCredentials.Parse(M2MClientTests.Value(run, $"m2m--{client}"));

    private static IReadOnlyList<ImmutableDictionary<string, object>> Registered(StackRun run, string client = Reconciler)
        => ((ImmutableArray<object>)run.Single(ResourceTypes.ClientCredentials, client).Map("privateKeyJwt")["credentials"]).Cast<ImmutableDictionary<string, object>>().ToList();

    [Fact]
    public async Task A_new_key_client_has_one_rsa_2048_key_auth0_holds_its_public_key_with_the_clients_expiry_and_no_secret_exists()
    {
        var run = await StackHarness.RunAsync(Keys(0));

        var key = run.Single(ResourceTypes.PrivateKey, "nightly-reconciler--key-r0");
        Assert.Equal([("algorithm", (object)"RSA"), ("rsaBits", 2048.0)], key.Inputs.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => (i.Key, i.Value)));
        Assert.Equal(["nightly-reconciler--key-r0"], run.OfType(ResourceTypes.PrivateKey).Select(k => k.Name));
        Assert.DoesNotContain(run.OfType(ResourceTypes.RandomPassword), p => p.Name.StartsWith(Reconciler, StringComparison.Ordinal));

        var credentials = run.Single(ResourceTypes.ClientCredentials, Reconciler);
        Assert.Equal("private_key_jwt", credentials.Input<string>("authenticationMethod"));
        Assert.False(credentials.Inputs.ContainsKey("clientSecret"));
        var only = Assert.Single(Registered(run));
        Assert.Equal(
            [("algorithm", (object)"RS256"), ("credentialType", "public_key"), ("expiresAt", "2027-05-31T00:00:00.000Z"), ("name", "nightly-reconciler-r0"), ("pem", ProviderFakes.KeyPairOf("nightly-reconciler--key-r0").PublicPem)],
            only.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => (i.Key, i.Value)));
    }

    [Fact]
    public async Task A_key_client_signs_its_tokens_with_rs256_as_auth0_requires_before_it_attaches_keys_and_a_secret_client_is_left_as_it_was()
    {
        var run = await StackHarness.RunAsync(Keys(0));

        Assert.Equal([("alg", (object)"RS256")], run.Single(ResourceTypes.Client, Reconciler).Map("jwtConfiguration").Select(i => (i.Key, i.Value)));
        Assert.False(run.Single(ResourceTypes.Client, "checkout-service").Inputs.ContainsKey("jwtConfiguration"));
    }

    [Fact]
    public async Task The_document_holds_the_private_key_its_kid_and_what_an_assertion_needs_and_no_secret()
    {
        var run = await StackHarness.RunAsync(Keys(0));

        var pair = ProviderFakes.KeyPairOf("nightly-reconciler--key-r0");
        var expected = new ConsumerKeyCredentials(
            "cid_nightly-reconciler",
            ClientKeys.KeyId(pair.PublicPem),
            "RS256",
            pair.PrivatePem,
            "https://acme-dev.eu.auth0.com/",
            "https://acme-dev.eu.auth0.com/oauth/token",
            new Dictionary<string, string> { ["inventory-api"] = "https://api.acme.example/inventory" },
            "2027-05-31",
            false,
            null).ToJson();
        Assert.Equal(expected, M2MClientTests.Value(run, "m2m--nightly-reconciler"));
        Assert.StartsWith("""{"clientId":"cid_nightly-reconciler","keyId":""", expected, StringComparison.Ordinal);
        Assert.EndsWith(""","fallbackClientSecret":null,"version":2,"authentication":"private_key_jwt"}""", expected, StringComparison.Ordinal);

        // The key in the document signs what Auth0's registered public key verifies.
        using var signer = RSA.Create();
        signer.ImportFromPem(Document(run).PrivateKey);
        using var verifier = RSA.Create();
        verifier.ImportFromPem((string)Registered(run)[0]["pem"]);
        var signature = signer.SignData("assertion"u8.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Assert.True(verifier.VerifyData("assertion"u8.ToArray(), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task The_key_id_is_the_rfc_7638_thumbprint()
        => Assert.Equal(Infra.Tool.Plan.PlanMocks.ExampleKeyId, ClientKeys.KeyId(Infra.Tool.Plan.PlanMocks.ExampleKeyPem));

    [Theory]
    [InlineData(1, new[] { 0, 1 })]
    [InlineData(2, new[] { 1, 2 })]
    [InlineData(5, new[] { 4, 5 })]
    public async Task Auth0_holds_the_keys_of_the_last_two_rotations_and_the_document_the_newest(int rotation, int[] held)
    {
        var run = await StackHarness.RunAsync(Keys(rotation));

        Assert.Equal(held.Select(r => $"nightly-reconciler--key-r{r}"), run.OfType(ResourceTypes.PrivateKey).Select(k => k.Name).Order(StringComparer.Ordinal));
        Assert.Equal(
            held.Select(r => ($"nightly-reconciler-r{r}", ProviderFakes.KeyPairOf($"nightly-reconciler--key-r{r}").PublicPem)),
            Registered(run).Select(c => ((string)c["name"], (string)c["pem"])));
        var newest = ProviderFakes.KeyPairOf($"nightly-reconciler--key-r{rotation}");
        Assert.Equal((newest.PrivatePem, ClientKeys.KeyId(newest.PublicPem)), (Document(run).PrivateKey, Document(run).KeyId));
    }

    [Fact]
    public async Task Auth0_gets_a_rotations_key_before_the_document_hands_it_out()
    {
        var captured = await StackHarness.CaptureAsync(Keys(1));

        var document = captured.Single(c => c.Resource.GetResourceName() == "m2m--nightly-reconciler");
        var waitsFor = await StackHarness.ValueAsync(((InputList<Resource>)document.Options.DependsOn).ToOutput());
        Assert.Contains(waitsFor, r => r is ClientCredentials && r.GetResourceName() == Reconciler);
        var credentials = captured.Single(c => c.Resource is ClientCredentials && c.Resource.GetResourceName() == Reconciler);
        Assert.Empty(await StackHarness.ValueAsync(((InputList<Resource>)credentials.Options.DependsOn).ToOutput()));

        var value = ((Pulumi.AzureNative.KeyVault.SecretArgs)document.Args!).Properties.Apply(p => p.Value!);
        Assert.True(await Output.IsSecretAsync(value));
    }

    [Fact]
    public async Task Moving_from_a_secret_hands_out_the_key_with_the_secret_auth0_still_holds_before_auth0_switches()
    {
        // checkout-service is at rotation 2 with a client secret; the move is its rotation 3.
        var before = await StackHarness.RunAsync(Dev);
        var moving = Dev.Edit("infra:clients", c =>
        {
            c[0]!["authentication"] = "private_key_jwt";
            c[0]!["rotation"] = 3;
            c[0]!["keysSinceRotation"] = 3;
        });
        var run = await StackHarness.RunAsync(moving);

        var held = before.Single(ResourceTypes.ClientCredentials, "checkout-service").Input<string>("clientSecret");
        var document = Document(run, "checkout-service");
        Assert.Equal(held, document.FallbackClientSecret);
        Assert.Equal(ProviderFakes.KeyPairOf("checkout-service--key-r3").PrivatePem, document.PrivateKey);
        // The secret's slot is the same resource with the same inputs: it is not drawn anew.
        var slots = Snapshot.ByResource(run).Where(r => r.Key.StartsWith($"{ResourceTypes.RandomPassword} checkout-service", StringComparison.Ordinal)).ToList();
        var slot = Assert.Single(slots);
        Assert.Equal(Snapshot.ByResource(before)[slot.Key], slot.Value);
        Assert.Equal(["checkout-service--key-r3"], run.OfType(ResourceTypes.PrivateKey).Select(k => k.Name));

        var captured = await StackHarness.CaptureAsync(moving);
        var credentials = captured.Single(c => c.Resource is ClientCredentials && c.Resource.GetResourceName() == "checkout-service");
        Assert.Equal(["m2m--checkout-service"], (await StackHarness.ValueAsync(((InputList<Resource>)credentials.Options.DependsOn).ToOutput())).Select(r => r.GetResourceName()));
    }

    [Fact]
    public async Task After_the_move_the_next_rotation_has_no_secret_left_and_no_fallback()
    {
        var run = await StackHarness.RunAsync(Dev.Edit("infra:clients", c =>
        {
            c[0]!["authentication"] = "private_key_jwt";
            c[0]!["rotation"] = 4;
            c[0]!["keysSinceRotation"] = 3;
        }));

        Assert.DoesNotContain(run.OfType(ResourceTypes.RandomPassword), p => p.Name.StartsWith("checkout-service", StringComparison.Ordinal));
        Assert.Equal(["checkout-service--key-r3", "checkout-service--key-r4"], run.OfType(ResourceTypes.PrivateKey).Select(k => k.Name).Order(StringComparer.Ordinal));
        Assert.Null(Document(run, "checkout-service").FallbackClientSecret);
    }

    [Fact]
    public async Task A_disabled_key_client_gives_auth0_a_key_no_document_holds_and_keeps_its_own_for_re_enabling()
    {
        var run = await StackHarness.RunAsync(Keys(2, c => c["disabled"] = true));

        var only = Assert.Single(Registered(run));
        Assert.Equal(
            [("algorithm", (object)"RS256"), ("credentialType", "public_key"), ("name", "nightly-reconciler-disabled"), ("pem", ProviderFakes.KeyPairOf("nightly-reconciler--key-disabled").PublicPem)],
            only.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => (i.Key, i.Value)));
        Assert.Equal(
            ["nightly-reconciler--key-disabled", "nightly-reconciler--key-r1", "nightly-reconciler--key-r2"],
            run.OfType(ResourceTypes.PrivateKey).Select(k => k.Name).Order(StringComparer.Ordinal));
        var document = Document(run);
        Assert.Equal((null, null, true), (document.PrivateKey, document.KeyId, document.Disabled));
        Assert.Equal(false, M2MClientTests.Attributes(run, "m2m--nightly-reconciler")["enabled"]);
        Assert.DoesNotContain(run.OfType(ResourceTypes.RoleAssignment), r => r.Name.StartsWith("m2m--nightly-reconciler", StringComparison.Ordinal));

        // Re-enabling restores what Auth0 held: the same two keys.
        var enabled = await StackHarness.RunAsync(Keys(2));
        Assert.Equal(["nightly-reconciler-r1", "nightly-reconciler-r2"], Registered(enabled).Select(c => (string)c["name"]));
    }

    [Fact]
    public async Task No_private_key_reaches_a_stack_output_and_the_documents_value_is_secret()
    {
        var run = await StackHarness.RunAsync(Keys(1));

        var (outputs, _) = await StackHarness.StackOutputsAsync(run);
        var text = outputs.GetRawText();
        Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
        Assert.DoesNotContain(ProviderFakes.KeyPairOf("nightly-reconciler--key-r1").PrivatePem.Split('\n')[1], text, StringComparison.Ordinal);
    }
}
