using System.Text.Json.Nodes;
using Infra.Tests.Support;
using Infra.Tool.Plan;
using Infra.Tool.Preview;

namespace Infra.Tests.Tools;

/// <summary>
/// Rotation without downtime, checked against the engine's own freedom: every order of the rotation's steps that the
/// dependency graph allows (the engine runs independent steps in any order, or at once), and a run stopped after any
/// step. At each of those points the consumer's one read of its secret must hold a secret Auth0 accepts.
/// </summary>
public sealed class RotationProofTests : IDisposable
{
    private readonly StackVersions _versions = new();

    public void Dispose() => _versions.Dispose();

    /// <summary>A generated secret as the world sees it: which password resource drew it, and in which generation.</summary>
    private sealed record Drawn(string Password, int Generation);

    private sealed record World(Dictionary<string, int> Generation, Drawn? Auth0, Drawn? Primary, Drawn? Fallback)
    {
        public bool ConsumerGetsAToken => Auth0 is not null && (Auth0 == Primary || Auth0 == Fallback);
    }

    private async Task<RotationScenario> Rotate(string stack, string client, Func<string, string> change)
    {
        var file = StackHarness.StackFileText(stack);
        return await Step(stack, client, file, change(file));
    }

    /// <summary>The stack going from the file text <paramref name="from"/> to <paramref name="to"/>.</summary>
    private Task<RotationScenario> Step(string stack, string client, string from, string to) => _versions.StepAsync(stack, client, from, to);

    /// <summary>
    /// The secret an adopted client came with, as the proof names it: what its imported credentials read back, and what
    /// its store captured (the same value, kept in the state).
    /// </summary>
    private static Drawn Live(string client) => new(Infra.Components.M2MClient.AdoptedSecretName(client), 0);

    /// <summary>Which secret a secret-valued input holds: a generated password, or the adopted client's live one.</summary>
    private static Drawn? SecretIn(string? value, PlanResult plan, string client, Dictionary<string, int> generation)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Contains(Placeholder.TextOf("client secret", "auth0:index/clientCredentials:ClientCredentials", client), StringComparison.Ordinal)
            || value.Contains(Placeholder.TextOf("client secret", "random:index/randomPassword:RandomPassword", Infra.Components.M2MClient.AdoptedSecretName(client)), StringComparison.Ordinal))
        {
            return Live(client);
        }

        return PasswordIn(value, plan) is { } password ? new Drawn(password, generation[password]) : null;
    }

    /// <summary>The password a secret-valued input names, from the offline run's placeholders.</summary>
    private static string? PasswordIn(string? value, PlanResult plan)
        => value is null ? null : plan.Placeholders.Values.SingleOrDefault(p => p.Type == "random:index/randomPassword:RandomPassword" && value.Contains(p.Text, StringComparison.Ordinal))?.Name;

    private static PlannedResource Credentials(PlanResult plan, string client) => plan.Resources.Single(r => r.Type == "auth0:index/clientCredentials:ClientCredentials" && r.Name == client);

    private static PlannedResource Document(PlanResult plan, string client) => plan.Resources.Single(r => r.Type == "azure-native:keyvault:Secret" && r.Name == $"m2m--{client}");

    private static (string? Primary, string? Fallback) Read(PlannedResource document)
    {
        var json = JsonNode.Parse(document.ComparableInputs["properties"]!["value"]!.GetValue<string>().Replace(PlanMocks.SecretMarker, "", StringComparison.Ordinal))!;
        return (json["clientSecret"]?.GetValue<string>(), json["fallbackClientSecret"]?.GetValue<string>());
    }

    private static World Initial(RotationScenario s)
    {
        var generation = s.Before.Resources.Where(r => r.Type == "random:index/randomPassword:RandomPassword").ToDictionary(r => r.Name, _ => 0);
        if (!s.Before.Resources.Any(r => r.Type == "auth0:index/clientCredentials:ClientCredentials" && r.Name == s.Client))
        {
            // A client the stack does not manage yet: Auth0 holds the secret it came with, and no document exists.
            return new World(generation, Live(s.Client), null, null);
        }

        var (primary, fallback) = Read(Document(s.Before, s.Client));
        var credentials = Credentials(s.Before, s.Client).ComparableInputs["clientSecret"]?.GetValue<string>();
        return new World(
            generation,
            // Credentials imported without a secret of ours leave Auth0 with the one the client came with.
            credentials is null ? Live(s.Client) : SecretIn(credentials, s.Before, s.Client, generation),
            SecretIn(primary, s.Before, s.Client, generation),
            SecretIn(fallback, s.Before, s.Client, generation));
    }

    /// <summary>What one step does to the world: a new password, a new document, or Auth0 switching.</summary>
    private static World Apply(World world, Operation step, RotationScenario s)
    {
        switch (step.Type)
        {
            case "random:index/randomPassword:RandomPassword" when step.Kind == OperationKind.Delete:
                // A password lives only in the state: deleting one takes nothing from Auth0 or the document.
                return world;
            case "random:index/randomPassword:RandomPassword":
                // Create-before-delete: the new value exists from here on; the old one's delete comes last and changes
                // nothing. A slot created by this run (a first rotation, a disabling) draws its first value.
                return world with { Generation = new(world.Generation) { [step.Name] = world.Generation.TryGetValue(step.Name, out var drawn) ? drawn + 1 : 0 } };
            case "azure-native:keyvault:Secret":
                var (primary, fallback) = Read(Document(s.After, s.Client));
                return world with { Primary = SecretIn(primary, s.After, s.Client, world.Generation), Fallback = SecretIn(fallback, s.After, s.Client, world.Generation) };
            case "auth0:index/clientCredentials:ClientCredentials":
                // An import (no secret of ours) reads Auth0 and leaves its secret as it is.
                var secret = Credentials(s.After, s.Client).ComparableInputs["clientSecret"]?.GetValue<string>();
                return secret is null ? world : world with { Auth0 = SecretIn(secret, s.After, s.Client, world.Generation) };
            default:
                return world;
        }
    }

    /// <summary>Every order of the client's steps the dependency graph allows.</summary>
    internal static IEnumerable<List<Operation>> Orders(List<Operation> steps, IReadOnlyDictionary<string, IReadOnlySet<string>> dependencies)
    {
        if (steps.Count == 0)
        {
            yield return [];
            yield break;
        }

        // A deleted resource is not in the new graph: nothing waits for it, and it waits for nothing the proof models.
        foreach (var step in steps.Where(s => !steps.Any(other => other != s && dependencies.TryGetValue(s.Urn, out var before) && before.Contains(other.Urn))))
        {
            foreach (var rest in Orders([.. steps.Where(s => s != step)], dependencies))
            {
                yield return [step, .. rest];
            }
        }
    }

    /// <summary>The first point (order and stopping step) at which the consumer cannot get a token, or null.</summary>
    private static string? Counterexample(RotationScenario s, IReadOnlyDictionary<string, IReadOnlySet<string>> dependencies)
        => Counterexample(s, dependencies, w => w.ConsumerGetsAToken);

    /// <summary>The first point (order and stopping step) at which <paramref name="holds"/> fails, or null.</summary>
    private static string? Counterexample(RotationScenario s, IReadOnlyDictionary<string, IReadOnlySet<string>> dependencies, Func<World, bool> holds)
    {
        var steps = s.Preview.Operations.Where(o => o.Kind != OperationKind.Same && o.ParentUrn?.EndsWith($"::{s.Client}", StringComparison.Ordinal) == true).ToList();
        Assert.NotEmpty(steps);
        var orders = 0;
        foreach (var order in Orders(steps, dependencies))
        {
            orders++;
            var world = Initial(s);
            if (!holds(world))
            {
                return "before the run";
            }

            foreach (var step in order)
            {
                world = Apply(world, step, s);
                if (!holds(world))
                {
                    return $"stopped after {step.Type} {step.Name} in the order {string.Join(" → ", order.Select(o => o.Name))}";
                }
            }
        }

        Assert.True(orders > 0);
        return null;
    }

    public static TheoryData<string, string, string, string> Rotations => new()
    {
        // The first rotation of a prod client (no fallback before), and the dev client on its third.
        { "prod", "checkout-service", "      expires: 2027-02-20\n", "      expires: 2027-02-20\n      rotation: 1\n" },
        { "dev", "nightly-reconciler", "      expires: 2027-05-31\n", "      expires: 2027-05-31\n      rotation: 1\n" },
        { "dev", "checkout-service", "      rotation: 2\n", "      rotation: 3\n" },
    };

    [Theory]
    [MemberData(nameof(Rotations))]
    public async Task At_every_step_of_every_order_the_engine_may_take_the_consumer_reads_a_secret_auth0_accepts(string stack, string client, string from, string to)
    {
        var s = await Rotate(stack, client, f => f.Replace(from, to, StringComparison.Ordinal));

        Assert.False(s.Preview.Refused);
        Assert.Null(Counterexample(s, OperationsPreview.Dependencies(s.After)));
        // And at the end the primary is the secret in force: the fallback is only for the moment of the switch.
        var end = End(s);
        Assert.Equal(end.Auth0, end.Primary);
    }

    [Fact]
    public async Task Raising_the_rotation_by_two_at_once_would_lock_the_consumer_out_which_is_why_the_preview_rejects_it()
    {
        var s = await Rotate("dev", "checkout-service", f => f.Replace("      rotation: 2\n", "      rotation: 4\n", StringComparison.Ordinal));
        // The same comparison without the preview's guard (config taken as unchanged), to see what the guard prevents.
        var unguarded = s.Unguarded();

        Assert.False(s.Preview.Valid);
        Assert.StartsWith("stopped after azure-native:keyvault:Secret m2m--checkout-service", Counterexample(unguarded, OperationsPreview.Dependencies(s.After)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_document_written_before_auth0_switches_the_check_finds_the_outage()
    {
        var s = await Rotate("prod", "checkout-service", f => f.Replace("      expires: 2027-02-20\n", "      expires: 2027-02-20\n      rotation: 1\n", StringComparison.Ordinal));
        var dependencies = OperationsPreview.Dependencies(s.After);
        var credentials = Credentials(s.After, "checkout-service").Urn;
        var document = Document(s.After, "checkout-service").Urn;
        Assert.Contains(document, dependencies[credentials]);

        // The same graph without that one edge: the engine may then switch Auth0 first, and a consumer reading the
        // old document is locked out until the document follows.
        var weakened = dependencies.ToDictionary(d => d.Key, d => (IReadOnlySet<string>)(d.Key == credentials ? d.Value.Where(u => u != document).ToHashSet() : d.Value));

        Assert.StartsWith("stopped after auth0:index/clientCredentials:ClientCredentials checkout-service", Counterexample(s, weakened), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabling_leaves_no_secret_auth0_accepts_in_the_document_and_re_enabling_restores_one()
    {
        var disable = await Rotate("prod", "checkout-service", f => f.Replace("    - key: checkout-service\n", "    - key: checkout-service\n      disabled: true\n", StringComparison.Ordinal));
        var disabled = End(disable);
        Assert.False(disabled.ConsumerGetsAToken);
        Assert.Null(disabled.Primary);
        Assert.NotNull(disabled.Auth0);

        var file = StackHarness.StackFileText("prod");
        var enable = await Step("prod", "checkout-service", file.Replace("    - key: checkout-service\n", "    - key: checkout-service\n      disabled: true\n", StringComparison.Ordinal), file);
        var reEnabled = End(enable);
        Assert.False(Initial(enable).ConsumerGetsAToken);
        Assert.True(reEnabled.ConsumerGetsAToken);
        Assert.Contains(enable.Preview.Operations, o => o.Kind == OperationKind.Create && o.Type == "azure-native:authorization:RoleAssignment");
    }

    private const string Globex = "partner-globex";
    private const string GlobexClientId = "Xq7PzR2mK9vT4wY8nB3cL6dF1gH5jS0a";
    private const string GlobexGrantId = "cgr_A1b2C3d4E5f6G7h8";

    /// <summary>
    /// The prod example with partner-globex live in Auth0 only (<paramref name="declared"/> false), or declared, adopted
    /// with its client and grant ids (<paramref name="imported"/>), at <paramref name="rotation"/>.
    /// </summary>
    private static string ProdWithGlobex(bool declared, bool imported = false, int rotation = 0)
    {
        var file = StackHarness.StackFileText("prod");
        var at = file.IndexOf("    - key: partner-globex\n", StringComparison.Ordinal);
        var globex = file[at..];
        if (imported)
        {
            globex = globex.Replace("    - key: partner-globex\n", $"    - key: partner-globex\n      import: {GlobexClientId}\n", StringComparison.Ordinal)
                .Replace("          scopes: [orders:read]\n", $"          scopes: [orders:read]\n          import: {GlobexGrantId}\n", StringComparison.Ordinal);
        }

        if (rotation > 0)
        {
            globex = globex.Replace("      expires: 2027-01-31\n", $"      expires: 2027-01-31\n      rotation: {rotation}\n", StringComparison.Ordinal);
        }

        return declared ? file[..at] + globex : file[..at];
    }

    /// <summary>The world at the end of the first order the engine may take: where every order ends up.</summary>
    private static World End(RotationScenario s)
        => Orders([.. s.Preview.Operations.Where(o => o.Kind != OperationKind.Same && o.ParentUrn?.EndsWith($"::{s.Client}", StringComparison.Ordinal) == true)], OperationsPreview.Dependencies(s.After)).First()
            .Aggregate(Initial(s), (world, step) => Apply(world, step, s));

    private static OperationKind KindOf(RotationScenario s, string type, string name) => s.Preview.Operations.Single(o => o.Type == type && o.Name == name).Kind;

    [Fact]
    public async Task Adopting_a_live_client_on_prod_is_safe_at_every_step_and_the_steps_that_would_cut_it_off_are_refused()
    {
        var live = ProdWithGlobex(declared: false);
        var adopted = ProdWithGlobex(declared: true, imported: true);
        var rotated = ProdWithGlobex(declared: true, imported: true, rotation: 1);
        var managed = ProdWithGlobex(declared: true, imported: false, rotation: 1);

        // 1. Adopt: every point of every order leaves Auth0 with the secret the client came with, and the document ends
        //    up holding that one, alone.
        var adopt = await Step("prod", Globex, live, adopted);
        Assert.True(adopt.Preview.Valid);
        Assert.False(adopt.Preview.Refused);
        Assert.Null(Counterexample(adopt, OperationsPreview.Dependencies(adopt.After), w => w.Auth0 == Live(Globex) && (w.Primary is null || w.Primary == Live(Globex))));
        Assert.Equal((Live(Globex), (Drawn?)null), (End(adopt).Primary, End(adopt).Fallback));
        Assert.Equal(
            [("auth0:index/client:Client", GlobexClientId), ("auth0:index/clientGrant:ClientGrant", GlobexGrantId), ("auth0:index/clientCredentials:ClientCredentials", GlobexClientId)],
            adopt.After.Resources.Where(r => r.ImportId is not null).Select(r => (r.Type, r.ImportId!)));

        // 2. The first rotation, import kept: the consumer always reads a secret Auth0 accepts, the captured one as the
        //    fallback until Auth0 switches; nothing reads Auth0 for it, and the store keeps what it captured.
        var rotate = await Step("prod", Globex, adopted, rotated);
        Assert.True(rotate.Preview.Valid);
        Assert.False(rotate.Preview.Refused);
        Assert.Null(Counterexample(rotate, OperationsPreview.Dependencies(rotate.After)));
        Assert.Equal(End(rotate).Auth0, End(rotate).Primary);
        Assert.Equal(Live(Globex), End(rotate).Fallback);
        Assert.DoesNotContain(rotate.After.Resources, r => r.Name.EndsWith("--live", StringComparison.Ordinal));
        Assert.Equal(OperationKind.Same, KindOf(rotate, "random:index/randomPassword:RandomPassword", "partner-globex--adopted-secret"));

        // 3. Once it has deployed, a run of the same config changes nothing: the weekly --expect-no-changes check holds.
        var again = await Step("prod", Globex, rotated, rotated);
        Assert.All(again.Preview.Operations, o => Assert.Equal(OperationKind.Same, o.Kind));

        // 4. Drop import: Auth0, the client, its credentials and its grant stay as they are; the consumer keeps a secret
        //    Auth0 accepts at every point, and the store is gone.
        var manage = await Step("prod", Globex, rotated, managed);
        Assert.True(manage.Preview.Valid);
        Assert.False(manage.Preview.Refused);
        Assert.Null(Counterexample(manage, OperationsPreview.Dependencies(manage.After)));
        Assert.Equal(OperationKind.Same, KindOf(manage, "auth0:index/client:Client", Globex));
        Assert.Equal(OperationKind.Same, KindOf(manage, "auth0:index/clientCredentials:ClientCredentials", Globex));
        Assert.Equal(OperationKind.Same, KindOf(manage, "auth0:index/clientGrant:ClientGrant", "partner-globex--orders-api"));
        Assert.Equal(OperationKind.Delete, KindOf(manage, "random:index/randomPassword:RandomPassword", "partner-globex--adopted-secret"));
        Assert.DoesNotContain(manage.After.Resources, r => r.ImportId is not null);

        // Refused: dropping import before the first rotation, which the proof shows would cut the consumer off.
        var cut = await Step("prod", Globex, adopted, ProdWithGlobex(declared: true, imported: false));
        var problem = Assert.Single(cut.Preview.Problems);
        Assert.Equal("infra:clients[2].import", problem.Path);
        Assert.StartsWith("is removed while client 'partner-globex' still uses the secret it was adopted with (rotation 0): without `import` the program gives its credentials a generated secret at once, with no fallback", problem.Message, StringComparison.Ordinal);
        Assert.EndsWith("Keep `import`, raise `rotation` to 1 and deploy that; remove `import` in a later change (docs/adoption.md).", problem.Message, StringComparison.Ordinal);
        var unguarded = cut.Unguarded();
        Assert.StartsWith("stopped after azure-native:keyvault:Secret m2m--partner-globex", Counterexample(unguarded, OperationsPreview.Dependencies(cut.After)), StringComparison.Ordinal);

        // Refused: dropping import and rotating in one change, and adopting straight at rotation 1 (nothing captured).
        var both = await Step("prod", Globex, adopted, managed);
        Assert.Equal(["infra:clients[2].import"], both.Preview.Problems.Select(p => p.Path));
        var direct = await Step("prod", Globex, live, rotated);
        Assert.Equal(["infra:clients[2].rotation"], direct.Preview.Problems.Select(p => p.Path));
        Assert.StartsWith("adopts client 'partner-globex' at rotation 1: the secret it came with is captured only while it is adopted at rotation 0", direct.Preview.Problems[0].Message, StringComparison.Ordinal);
    }
}
