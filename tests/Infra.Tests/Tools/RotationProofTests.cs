using System.Text.Json.Nodes;
using Infra.Tests.Support;
using Infra.Tool;
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
    private readonly TemporaryProject _base = new();
    private readonly TemporaryProject _head = new();

    public void Dispose()
    {
        _base.Dispose();
        _head.Dispose();
    }

    /// <summary>A generated secret as the world sees it: which password resource drew it, and in which generation.</summary>
    private sealed record Drawn(string Password, int Generation);

    private sealed record World(Dictionary<string, int> Generation, Drawn? Auth0, Drawn? Primary, Drawn? Fallback)
    {
        public bool ConsumerGetsAToken => Auth0 is not null && (Auth0 == Primary || Auth0 == Fallback);
    }

    private sealed record Scenario(PlanResult Before, PlanResult After, OperationsPreviewResult Preview, string Client);

    private async Task<Scenario> Rotate(string stack, string client, Func<string, string> change)
    {
        var file = StackHarness.StackFileText(stack);
        _base.Write($"Pulumi.{stack}.yaml", file);
        _head.Write($"Pulumi.{stack}.yaml", change(file));
        var before = await OfflinePlan.RunAsync(StackFiles.Load(_base.Path, stack), PulumiConfigScope.Today);
        var after = await OfflinePlan.RunAsync(StackFiles.Load(_head.Path, stack), PulumiConfigScope.Today);
        return new Scenario(before, after, OperationsPreview.Compare(before, after, PulumiConfigScope.Today), client);
    }

    /// <summary>The password a secret-valued input names, from the offline run's placeholders.</summary>
    private static string? PasswordIn(string? value, PlanResult plan)
        => value is null ? null : plan.Placeholders.Values.SingleOrDefault(p => p.Type == "random:index/randomPassword:RandomPassword" && value.Contains(p.Text, StringComparison.Ordinal))?.Name;

    private static PlannedResource Credentials(PlanResult plan, string client) => plan.Resources.Single(r => r.Type == "auth0:index/clientCredentials:ClientCredentials" && r.Name == client);

    private static PlannedResource Document(PlanResult plan, string client) => plan.Resources.Single(r => r.Type == "azure-native:keyvault:Secret" && r.Name == $"m2m--{client}");

    private static (string? Primary, string? Fallback) Read(PlannedResource document, PlanResult plan)
    {
        var json = JsonNode.Parse(document.ComparableInputs["properties"]!["value"]!.GetValue<string>().Replace(PlanMocks.SecretMarker, "", StringComparison.Ordinal))!;
        return (PasswordIn(json["clientSecret"]?.GetValue<string>(), plan), PasswordIn(json["fallbackClientSecret"]?.GetValue<string>(), plan));
    }

    private static World Initial(Scenario s)
    {
        var generation = s.Before.Resources.Where(r => r.Type == "random:index/randomPassword:RandomPassword").ToDictionary(r => r.Name, _ => 0);
        Drawn? At(string? password) => password is null ? null : new Drawn(password, 0);
        var (primary, fallback) = Read(Document(s.Before, s.Client), s.Before);
        return new World(generation, At(PasswordIn(Credentials(s.Before, s.Client).ComparableInputs["clientSecret"]?.GetValue<string>(), s.Before)), At(primary), At(fallback));
    }

    /// <summary>What one step does to the world: a new password, a new document, or Auth0 switching.</summary>
    private static World Apply(World world, Operation step, Scenario s)
    {
        Drawn? At(string? password) => password is null ? null : new Drawn(password, world.Generation[password]);
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
                var (primary, fallback) = Read(Document(s.After, s.Client), s.After);
                return world with { Primary = At(primary), Fallback = At(fallback) };
            case "auth0:index/clientCredentials:ClientCredentials":
                return world with { Auth0 = At(PasswordIn(Credentials(s.After, s.Client).ComparableInputs["clientSecret"]?.GetValue<string>(), s.After)) };
            default:
                return world;
        }
    }

    /// <summary>Every order of the client's steps the dependency graph allows.</summary>
    private static IEnumerable<List<Operation>> Orders(List<Operation> steps, IReadOnlyDictionary<string, IReadOnlySet<string>> dependencies)
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
    private static string? Counterexample(Scenario s, IReadOnlyDictionary<string, IReadOnlySet<string>> dependencies)
    {
        var steps = s.Preview.Operations.Where(o => o.Kind != OperationKind.Same && o.ParentUrn?.EndsWith($"::{s.Client}", StringComparison.Ordinal) == true).ToList();
        Assert.NotEmpty(steps);
        var orders = 0;
        foreach (var order in Orders(steps, dependencies))
        {
            orders++;
            var world = Initial(s);
            if (!world.ConsumerGetsAToken)
            {
                return "before the run";
            }

            foreach (var step in order)
            {
                world = Apply(world, step, s);
                if (!world.ConsumerGetsAToken)
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
        var end = Orders([.. s.Preview.Operations.Where(o => o.Kind != OperationKind.Same && o.ParentUrn?.EndsWith($"::{client}", StringComparison.Ordinal) == true)], OperationsPreview.Dependencies(s.After)).First()
            .Aggregate(Initial(s), (world, step) => Apply(world, step, s));
        Assert.Equal(end.Auth0, end.Primary);
    }

    [Fact]
    public async Task Raising_the_rotation_by_two_at_once_would_lock_the_consumer_out_which_is_why_the_preview_rejects_it()
    {
        var s = await Rotate("dev", "checkout-service", f => f.Replace("      rotation: 2\n", "      rotation: 4\n", StringComparison.Ordinal));
        // The same comparison without the preview's guard (config taken as unchanged), to see what the guard prevents.
        var unguarded = new Scenario(s.Before, s.After, OperationsPreview.Compare(s.Before, s.After with { Config = s.Before.Config }, PulumiConfigScope.Today), s.Client);

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
        var disable = await Rotate("prod", "nightly-reconciler", f => f.Replace("    - key: nightly-reconciler\n", "    - key: nightly-reconciler\n      disabled: true\n", StringComparison.Ordinal));
        var disabled = Orders([.. disable.Preview.Operations.Where(o => o.Kind != OperationKind.Same && o.ParentUrn?.EndsWith("::nightly-reconciler", StringComparison.Ordinal) == true)], OperationsPreview.Dependencies(disable.After)).First()
            .Aggregate(Initial(disable), (world, step) => Apply(world, step, disable));
        Assert.False(disabled.ConsumerGetsAToken);
        Assert.Null(disabled.Primary);
        Assert.NotNull(disabled.Auth0);

        var file = StackHarness.StackFileText("prod");
        _base.Write("Pulumi.prod.yaml", file.Replace("    - key: nightly-reconciler\n", "    - key: nightly-reconciler\n      disabled: true\n", StringComparison.Ordinal));
        _head.Write("Pulumi.prod.yaml", file);
        var before = await OfflinePlan.RunAsync(StackFiles.Load(_base.Path, "prod"), PulumiConfigScope.Today);
        var after = await OfflinePlan.RunAsync(StackFiles.Load(_head.Path, "prod"), PulumiConfigScope.Today);
        var enable = new Scenario(before, after, OperationsPreview.Compare(before, after, PulumiConfigScope.Today), "nightly-reconciler");
        var reEnabled = Orders([.. enable.Preview.Operations.Where(o => o.Kind != OperationKind.Same && o.ParentUrn?.EndsWith("::nightly-reconciler", StringComparison.Ordinal) == true)], OperationsPreview.Dependencies(enable.After)).First()
            .Aggregate(Initial(enable), (world, step) => Apply(world, step, enable));
        Assert.False(Initial(enable).ConsumerGetsAToken);
        Assert.True(reEnabled.ConsumerGetsAToken);
        Assert.Contains(enable.Preview.Operations, o => o.Kind == OperationKind.Create && o.Type == "azure-native:authorization:RoleAssignment");
    }
}
