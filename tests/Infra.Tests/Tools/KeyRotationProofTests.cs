using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Infra.Tests.Support;
using Infra.Tool.Plan;
using Infra.Tool.Preview;

namespace Infra.Tests.Tools;

/// <summary>
/// The rotation proof for <c>private_key_jwt</c> clients: every order of the steps the dependency graph allows, a run
/// stopped after any step, and inside the credentials' update every point the provider passes through (it changes
/// Auth0's credentials one at a time, in the order of a set it does not sort). At each point the key in the document
/// must be one Auth0 accepts; for a rotation, also the key the document held before the run, so that a consumer that
/// read it once needs no retry.
/// </summary>
public sealed class KeyRotationProofTests : IDisposable
{
    private const string CredentialsType = "auth0:index/clientCredentials:ClientCredentials";
    private const string KeyType = "tls:index/privateKey:PrivateKey";
    private const string PasswordType = "random:index/randomPassword:RandomPassword";
    private const string Reconciler = "nightly-reconciler";

    private readonly StackVersions _versions = new();

    public void Dispose() => _versions.Dispose();

    /// <summary>A generated key pair or password as the world sees it: the resource that drew it, and its generation.</summary>
    private sealed record Drawn(string Name, int Generation);

    /// <summary>What Auth0 holds, and what the document holds.</summary>
    private sealed record World(
        ImmutableDictionary<string, int> Generation,
        bool Auth0TakesKeys,
        ImmutableHashSet<Drawn> Auth0Keys,
        Drawn? Auth0Secret,
        Drawn? DocumentKey,
        ImmutableHashSet<Drawn> DocumentSecrets)
    {
        public bool Accepts(Drawn? key) => key is not null && Auth0TakesKeys && Auth0Keys.Contains(key);

        /// <summary>Whether a consumer of the current document gets a token: its key, or the secret it falls back to.</summary>
        public bool ConsumerGetsAToken => Accepts(DocumentKey) || (!Auth0TakesKeys && Auth0Secret is not null && DocumentSecrets.Contains(Auth0Secret));
    }

    private Task<RotationScenario> Step(string stack, string client, string from, string to) => _versions.StepAsync(stack, client, from, to);

    /// <summary>The prod example with <paramref name="client"/>'s entry edited by <paramref name="edit"/>.</summary>
    private static string Prod(string client, Func<string, string> edit)
    {
        var file = StackHarness.StackFileText("prod");
        var at = file.IndexOf($"    - key: {client}\n", StringComparison.Ordinal);
        Assert.True(at >= 0);
        var end = file.IndexOf("    - key: ", at + 1, StringComparison.Ordinal);
        end = end < 0 ? file.Length : end;
        return file[..at] + edit(file[at..end]) + file[end..];
    }

    /// <summary>The prod example's key client at <paramref name="rotation"/>, with optional extra lines.</summary>
    private static string KeysAt(int rotation, string extra = "")
        => Prod(Reconciler, entry => WithRotation(entry, rotation) + extra);

    private static string WithRotation(string entry, int rotation)
    {
        var lines = entry.Split('\n').Where(l => !l.StartsWith("      rotation: ", StringComparison.Ordinal)).ToList();
        if (rotation > 0)
        {
            lines.Insert(1, $"      rotation: {rotation}");
        }

        return string.Join('\n', lines);
    }

    private static PlannedResource? Resource(PlanResult plan, string type, string name) => plan.Resources.SingleOrDefault(r => r.Type == type && r.Name == name);

    private static string? Named(string value, PlanResult plan, string type) => plan.Placeholders.Values.SingleOrDefault(p => p.Type == type && value.Contains(p.Text, StringComparison.Ordinal))?.Name;

    private static Drawn? Of(string? value, PlanResult plan, string type, ImmutableDictionary<string, int> generation)
        => value is not null && Named(value, plan, type) is { } name ? new Drawn(name, generation.GetValueOrDefault(name)) : null;

    /// <summary>The keys a credentials resource's inputs register in Auth0, or null for a secret one.</summary>
    private static List<Drawn>? RegisteredKeys(PlannedResource credentials, PlanResult plan, ImmutableDictionary<string, int> generation)
        => credentials.ComparableInputs["privateKeyJwt"]?["credentials"] is JsonArray entries
            ? [.. entries.Select(e => Of(e!["pem"]!.GetValue<string>(), plan, KeyType, generation)!)]
            : null;

    private static Drawn? SecretOf(PlannedResource credentials, PlanResult plan, ImmutableDictionary<string, int> generation)
        => Of(credentials.ComparableInputs["clientSecret"]?.GetValue<string>(), plan, PasswordType, generation);

    /// <summary>What the document tells the consumer: its key, and every secret it may try.</summary>
    private static (Drawn? Key, ImmutableHashSet<Drawn> Secrets) Read(PlannedResource document, PlanResult plan, ImmutableDictionary<string, int> generation)
    {
        var json = JsonNode.Parse(document.ComparableInputs["properties"]!["value"]!.GetValue<string>().Replace(PlanMocks.SecretMarker, "", StringComparison.Ordinal))!;
        var secrets = new[] { "clientSecret", "fallbackClientSecret" }
            .Select(field => Of(json[field]?.GetValue<string>(), plan, PasswordType, generation))
            .OfType<Drawn>()
            .ToImmutableHashSet();
        return (Of(json["privateKey"]?.GetValue<string>(), plan, KeyType, generation), secrets);
    }

    private static PlannedResource Document(PlanResult plan, string client) => Resource(plan, "azure-native:keyvault:Secret", $"m2m--{client}")!;

    private static World Initial(RotationScenario s)
    {
        var generation = s.Before.Resources.Where(r => r.Type is KeyType or PasswordType).ToImmutableDictionary(r => r.Name, _ => 0);
        var credentials = Resource(s.Before, CredentialsType, s.Client);
        var keys = credentials is null ? null : RegisteredKeys(credentials, s.Before, generation);
        var (key, secrets) = Resource(s.Before, "azure-native:keyvault:Secret", $"m2m--{s.Client}") is { } document ? Read(document, s.Before, generation) : (null, []);
        return new World(
            generation,
            keys is not null,
            [.. keys ?? []],
            credentials is null || keys is not null ? null : SecretOf(credentials, s.Before, generation),
            key,
            secrets);
    }

    /// <summary>
    /// Every sequence of states Auth0 passes through while terraform-provider-auth0 v1.53.0 applies the credentials'
    /// change (internal/auth0/client/resource_credentials.go): create POSTs every credential and attaches them in one
    /// PATCH (:202-213); update pairs removed with added credentials and, per pair, adds first below two attached
    /// credentials and removes first at two, then removes and adds what is left, one PATCH each (planCredentialRotation,
    /// :265-314; :386-435). The set's order is not the config's, so every order of the added and removed entries.
    /// </summary>
    private static IEnumerable<List<World>> CredentialSteps(World world, List<Drawn> target, bool create)
    {
        var after = world with { Auth0TakesKeys = true, Auth0Keys = [.. target] };
        if (create)
        {
            yield return [after];
            yield break;
        }

        var held = world.Auth0TakesKeys ? world.Auth0Keys : [];
        var toAdd = target.Where(k => !held.Contains(k)).ToList();
        var toRemove = held.Where(k => !target.Contains(k)).ToList();
        foreach (var adds in Permutations(toAdd))
        {
            foreach (var removes in Permutations(toRemove))
            {
                var states = new List<World>();
                var current = world;
                var count = held.Count;
                void Add(Drawn key)
                {
                    current = current with { Auth0TakesKeys = true, Auth0Keys = (current.Auth0TakesKeys ? current.Auth0Keys : []).Add(key) };
                    count++;
                    states.Add(current);
                }

                void Remove(Drawn key)
                {
                    current = current with { Auth0Keys = current.Auth0Keys.Remove(key) };
                    count--;
                    states.Add(current);
                }

                var pairs = Math.Min(adds.Count, removes.Count);
                for (var i = 0; i < pairs; i++)
                {
                    if (count < Infra.Config.ClientKeys.PerApplication)
                    {
                        Add(adds[i]);
                        Remove(removes[i]);
                    }
                    else
                    {
                        Remove(removes[i]);
                        Add(adds[i]);
                    }
                }

                removes.Skip(pairs).ToList().ForEach(Remove);
                adds.Skip(pairs).ToList().ForEach(Add);
                Assert.Equal(after.Auth0Keys, current.Auth0Keys);
                yield return states.Count == 0 ? [after] : states;
            }
        }
    }

    private static IEnumerable<List<T>> Permutations<T>(List<T> items)
        => items.Count <= 1 ? [items] : items.SelectMany((item, i) => Permutations([.. items.Where((_, j) => j != i)]).Select(rest => (List<T>)[item, .. rest]));

    /// <summary>The states one step leads through: a new key or password, Auth0's credentials, the document.</summary>
    private static IEnumerable<List<World>> Apply(World world, Operation step, RotationScenario s)
    {
        switch (step.Type)
        {
            case KeyType or PasswordType when step.Kind == OperationKind.Delete:
                // Lives only in the state.
                return [[world]];
            case KeyType or PasswordType:
                return [[world with { Generation = world.Generation.SetItem(step.Name, world.Generation.TryGetValue(step.Name, out var drawn) ? drawn + 1 : 0) }]];
            case "azure-native:keyvault:Secret":
                var (key, secrets) = Read(Document(s.After, s.Client), s.After, world.Generation);
                return [[world with { DocumentKey = key, DocumentSecrets = secrets }]];
            case CredentialsType:
                var credentials = Resource(s.After, CredentialsType, s.Client)!;
                return RegisteredKeys(credentials, s.After, world.Generation) is { } target
                    ? CredentialSteps(world, target, create: step.Kind == OperationKind.Create)
                    : [[world with { Auth0TakesKeys = false, Auth0Keys = [], Auth0Secret = SecretOf(credentials, s.After, world.Generation) }]];
            default:
                return [[world]];
        }
    }

    private static List<Operation> Steps(RotationScenario s)
        => [.. s.Preview.Operations.Where(o => o.Kind != OperationKind.Same && o.ParentUrn?.EndsWith($"::{s.Client}", StringComparison.Ordinal) == true)];

    /// <summary>The first point (order, step, provider state) at which <paramref name="holds"/> fails, or null; and how many points were checked.</summary>
    private static (string? Counterexample, int Points) Check(RotationScenario s, IReadOnlyDictionary<string, IReadOnlySet<string>> dependencies, Func<World, World, bool> holds)
    {
        var steps = Steps(s);
        Assert.NotEmpty(steps);
        var points = 0;
        var initial = Initial(s);
        foreach (var order in RotationProofTests.Orders(steps, dependencies))
        {
            var worlds = new List<World> { initial };
            foreach (var step in order)
            {
                var next = new List<World>();
                foreach (var world in worlds)
                {
                    foreach (var path in Apply(world, step, s))
                    {
                        foreach (var point in path)
                        {
                            points++;
                            if (point.Auth0Keys.Count > Infra.Config.ClientKeys.PerApplication)
                            {
                                // Auth0 refuses a third credential on an application: the deploy would fail there.
                                return ($"Auth0 would hold {point.Auth0Keys.Count} credentials inside or after {step.Type} {step.Name}", points);
                            }

                            if (!holds(initial, point))
                            {
                                return ($"stopped inside or after {step.Type} {step.Name} in the order {string.Join(" → ", order.Select(o => o.Name))}", points);
                            }
                        }

                        next.Add(path[^1]);
                    }
                }

                worlds = next;
            }
        }

        return (null, points);
    }

    private static World End(RotationScenario s)
        => RotationProofTests.Orders(Steps(s), OperationsPreview.Dependencies(s.After)).First()
            .Aggregate(Initial(s), (world, step) => Apply(world, step, s).First()[^1]);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(6, 7)]
    public async Task A_rotation_keeps_both_the_new_document_and_the_one_read_before_it_accepted_at_every_point(int from, int to)
    {
        var s = await Step("prod", Reconciler, KeysAt(from), KeysAt(to));

        Assert.True(s.Preview.Valid);
        Assert.False(s.Preview.Refused);
        var (counterexample, points) = Check(s, OperationsPreview.Dependencies(s.After), (initial, w) =>
            (w.DocumentKey is null || w.Accepts(w.DocumentKey)) && w.Accepts(initial.DocumentKey));
        Assert.Null(counterexample);
        Assert.True(points >= 3, $"{points} points");
        var end = End(s);
        Assert.Equal(new Drawn($"{Reconciler}--key-r{to}", 0), end.DocumentKey);
        Assert.Equal([new Drawn($"{Reconciler}--key-r{from}", 0), new Drawn($"{Reconciler}--key-r{to}", 0)], end.Auth0Keys.OrderBy(k => k.Name, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Renewing_with_a_new_date_and_a_rotation_in_one_change_is_as_safe()
    {
        var from = KeysAt(2);
        var to = KeysAt(3).Replace("      expires: 2027-02-10\n", "      expires: 2027-02-25\n", StringComparison.Ordinal);
        var s = await Step("prod", Reconciler, from, to);

        Assert.True(s.Preview.Valid);
        Assert.False(s.Preview.Refused);
        Assert.Null(Check(s, OperationsPreview.Dependencies(s.After), (initial, w) => w.Accepts(initial.DocumentKey) && (w.DocumentKey is null || w.Accepts(w.DocumentKey))).Counterexample);
    }

    [Fact]
    public async Task Without_the_document_waiting_for_auth0_the_check_finds_the_outage()
    {
        var s = await Step("prod", Reconciler, KeysAt(1), KeysAt(2));
        var dependencies = OperationsPreview.Dependencies(s.After);
        var credentials = Resource(s.After, CredentialsType, Reconciler)!.Urn;
        var document = Document(s.After, Reconciler).Urn;
        Assert.Contains(credentials, dependencies[document]);
        var weakened = dependencies.ToDictionary(d => d.Key, d => (IReadOnlySet<string>)(d.Key == document ? d.Value.Where(u => u != credentials).ToHashSet() : d.Value));

        Assert.StartsWith("stopped inside or after azure-native:keyvault:Secret m2m--nightly-reconciler", Check(s, weakened, (_, w) => w.ConsumerGetsAToken).Counterexample, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raising_a_key_clients_rotation_by_two_would_drop_the_key_in_the_document_which_is_why_the_preview_rejects_it()
    {
        var s = await Step("prod", Reconciler, KeysAt(1), KeysAt(3));
        Assert.False(s.Preview.Valid);
        Assert.Equal(["infra:clients[1].rotation"], s.Preview.Problems.Select(p => p.Path));

        var unguarded = s.Unguarded();
        Assert.StartsWith("stopped inside or after auth0:index/clientCredentials:ClientCredentials nightly-reconciler", Check(unguarded, OperationsPreview.Dependencies(s.After), (_, w) => w.ConsumerGetsAToken).Counterexample, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Moving_a_prod_client_from_its_secret_to_keys_keeps_a_credential_auth0_accepts_in_the_document_at_every_point()
    {
        var from = Prod("checkout-service", entry => entry);
        var to = Prod("checkout-service", entry => entry + "      authentication: private_key_jwt\n      rotation: 1\n      keysSinceRotation: 1\n");
        var s = await Step("prod", "checkout-service", from, to);

        Assert.True(s.Preview.Valid);
        Assert.False(s.Preview.Refused);
        var initial = Initial(s);
        Assert.False(initial.Auth0TakesKeys);
        Assert.Null(Check(s, OperationsPreview.Dependencies(s.After), (_, w) => w.ConsumerGetsAToken).Counterexample);
        var end = End(s);
        Assert.True(end.Auth0TakesKeys);
        Assert.Equal(new Drawn("checkout-service--key-r1", 0), end.DocumentKey);
        // The fallback is the secret Auth0 held before, never one drawn in this run.
        Assert.Equal([initial.Auth0Secret!], end.DocumentSecrets);

        // The next rotation is an ordinary key rotation, and leaves no secret behind.
        var next = await Step("prod", "checkout-service", to, to.Replace("      rotation: 1\n", "      rotation: 2\n", StringComparison.Ordinal));
        Assert.True(next.Preview.Valid);
        Assert.Null(Check(next, OperationsPreview.Dependencies(next.After), (i, w) => w.Accepts(i.DocumentKey) && (w.DocumentKey is null || w.Accepts(w.DocumentKey))).Counterexample);
        Assert.Empty(End(next).DocumentSecrets);
        Assert.Equal(OperationKind.Delete, next.Preview.Operations.Single(o => o.Type == PasswordType && o.Name.StartsWith("checkout-service--slot", StringComparison.Ordinal)).Kind);
    }

    [Fact]
    public async Task Disabling_leaves_auth0_with_no_key_a_document_held_and_re_enabling_restores_the_keys()
    {
        var enabled = KeysAt(2);
        var disabled = KeysAt(2, "      disabled: true\n");
        var disable = await Step("prod", Reconciler, enabled, disabled);

        Assert.True(disable.Preview.Valid);
        Assert.False(disable.Preview.Refused);
        var before = Initial(disable);
        var end = End(disable);
        Assert.False(end.ConsumerGetsAToken);
        Assert.Null(end.DocumentKey);
        Assert.Equal([new Drawn($"{Reconciler}--key-disabled", 0)], end.Auth0Keys);
        Assert.False(end.Accepts(before.DocumentKey));

        var enable = await Step("prod", Reconciler, disabled, enabled);
        Assert.True(enable.Preview.Valid);
        Assert.False(enable.Preview.Refused);
        Assert.False(Initial(enable).ConsumerGetsAToken);
        Assert.True(End(enable).ConsumerGetsAToken);
        Assert.Equal(before.Auth0Keys, End(enable).Auth0Keys);
    }

    [Fact]
    public async Task Creating_a_key_client_on_prod_hands_out_its_key_only_once_auth0_holds_it_and_removing_it_after_disabling_passes()
    {
        var without = Prod(Reconciler, _ => "");
        var created = await Step("prod", Reconciler, without, KeysAt(0));

        Assert.True(created.Preview.Valid);
        Assert.False(created.Preview.Refused);
        Assert.Null(Check(created, OperationsPreview.Dependencies(created.After), (_, w) => w.DocumentKey is null || w.Accepts(w.DocumentKey)).Counterexample);
        Assert.Equal(OperationKind.Create, created.Preview.Operations.Single(o => o.Type == KeyType).Kind);

        var removed = await Step("prod", Reconciler, KeysAt(0, "      disabled: true\n"), without);
        Assert.True(removed.Preview.Valid);
        Assert.False(removed.Preview.Refused);
        Assert.Contains(removed.Preview.Operations, o => o.Type == CredentialsType && o.Kind == OperationKind.Delete && !o.Protect);
    }
}
