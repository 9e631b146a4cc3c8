using System.Text.Json.Nodes;
using Infra.Config;
using Infra.Tool.Plan;

namespace Infra.Tool.Preview;

/// <summary>What <c>pulumi up</c> would do to one resource.</summary>
public enum OperationKind
{
    /// <summary>No input changes.</summary>
    Same,

    /// <summary>A new resource.</summary>
    Create,

    /// <summary>Changed in place.</summary>
    Update,

    /// <summary>A new object replaces the old one: an input that forces replacement changed.</summary>
    Replace,

    /// <summary>Gone from the program: deleted (or, with retainOnDelete, dropped from the state).</summary>
    Delete,
}

/// <summary>One resource's operation.</summary>
/// <param name="Kind">The operation.</param>
/// <param name="Urn">The resource's URN (for a delete, its URN in the base).</param>
/// <param name="Type">The type token.</param>
/// <param name="Name">The logical name.</param>
/// <param name="ChangedInputs">Top-level inputs that change or become known only after apply, sorted.</param>
/// <param name="ReplaceReasons">The inputs that force the replacement, sorted.</param>
public sealed record Operation(OperationKind Kind, string Urn, string Type, string Name, IReadOnlyList<string> ChangedInputs, IReadOnlyList<string> ReplaceReasons)
{
    /// <summary>The parent component's URN; null at the top.</summary>
    public string? ParentUrn { get; init; }

    /// <summary>Whether the resource is protected (for a delete: in the base, which is what the engine checks).</summary>
    public bool Protect { get; init; }

    /// <summary>Whether a replacement deletes first.</summary>
    public bool DeleteBeforeReplace { get; init; }

    /// <summary>Whether a delete leaves the object in place.</summary>
    public bool RetainOnDelete { get; init; }

    /// <summary>The base URN when the resource was found through an alias.</summary>
    public string? PreviousUrn { get; init; }

    /// <summary>The id the program still asks the engine to import it from (<c>import</c> in config); null when none.</summary>
    public string? ImportId { get; init; }

    /// <summary>Its inputs as the plan shows them, secrets masked: the proposed ones, or for a delete the base's.</summary>
    public JsonObject Inputs { get; init; } = [];
}

/// <summary>How serious a finding is: an error is a change the real engine or provider refuses or gets wrong.</summary>
public enum FindingSeverity
{
    /// <summary>The real <c>pulumi up</c> would refuse or break this change.</summary>
    Error,

    /// <summary>It goes through, with a consequence to know.</summary>
    Warning,
}

/// <summary>An engine or provider rule that applies to one operation.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Rule">A stable id: <c>protected-replace</c>, <c>protected-delete</c>, <c>identity-collision</c>, <c>imported-replace</c>, <c>name-held</c>, <c>soft-deleted-secret</c>, <c>retained-secret</c>.</param>
/// <param name="Urn">The resource.</param>
/// <param name="Reason">What the engine or provider does, and why.</param>
/// <param name="Fix">What to do instead.</param>
public sealed record EngineFinding(FindingSeverity Severity, string Rule, string Urn, string Reason, string Fix);

/// <summary>The operations preview of one stack between two versions of its config.</summary>
public sealed record OperationsPreviewResult(
    string Project,
    string Stack,
    IReadOnlyList<ConfigProblem> Problems,
    IReadOnlyList<Operation> Operations,
    IReadOnlyList<EngineFinding> Findings)
{
    /// <summary>Config findings that do not stop a deploy (expiry dates that have passed).</summary>
    public IReadOnlyList<ConfigProblem> Warnings { get; init; } = [];

    /// <summary>Whether both versions are valid.</summary>
    public bool Valid => Problems.Count == 0;

    /// <summary>Whether the real engine would refuse (or a provider break) the change.</summary>
    public bool Refused => Findings.Any(f => f.Severity == FindingSeverity.Error);

    /// <summary>The provider placeholders either plan's inputs contain: values known only after apply.</summary>
    internal IReadOnlySet<string> Placeholders { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>How many resources get <paramref name="kind"/>.</summary>
    public int Count(OperationKind kind) => Operations.Count(o => o.Kind == kind);
}

/// <summary>
/// Compares the offline plans of two versions of a stack the way the engine's step generator does, and applies the
/// engine's and providers' rules that the mock engine does not: protection, create-before-delete collisions, and Key
/// Vault's soft delete.
/// </summary>
public static class OperationsPreview
{
    /// <summary>Soft-deleted secrets of a vault this program creates stay recoverable, and their names taken, this long.</summary>
    public const int SoftDeleteRetentionDays = Infra.Components.ManagedKeyVault.SoftDeleteRetentionDays;

    /// <summary>
    /// Plans both versions offline and compares them; a stack missing from the base compares against nothing.
    /// <paramref name="earlier"/> lists the clients the stack had before the base and has since removed (from its history).
    /// </summary>
    public static async Task<OperationsPreviewResult> RunAsync(StackConfig? before, StackConfig after, DateOnly today, IReadOnlyList<EarlierClient>? earlier = null)
    {
        ArgumentNullException.ThrowIfNull(after);
        var basePlan = before is null ? null : await OfflinePlan.RunAsync(before, today).ConfigureAwait(false);
        var headPlan = await OfflinePlan.RunAsync(after, today).ConfigureAwait(false);
        return Compare(basePlan, headPlan, today, earlier);
    }

    /// <summary>Compares two plans; <paramref name="before"/> null means the stack is new.</summary>
    public static OperationsPreviewResult Compare(PlanResult? before, PlanResult after, DateOnly today, IReadOnlyList<EarlierClient>? earlier = null)
    {
        ArgumentNullException.ThrowIfNull(after);
        var problems = new List<ConfigProblem>();
        if (before is { Valid: false })
        {
            // Named as the access diff names them: the base version's problems are prefixed.
            problems.AddRange(before.Problems.Select(p => p with { Path = $"base: {p.Path}" }));
        }

        problems.AddRange(after.Problems);
        if (problems.Count == 0)
        {
            problems.AddRange(ExpiriesSetInThePast(before?.Config, after.Config!, after.Project, today));
            problems.AddRange(RotationsOtherThanOneStep(before?.Config, after.Config!, after.Project));
            problems.AddRange(AdoptionSteps(before?.Config, after.Config!, after.Project));
            problems.AddRange(AuthenticationSteps(before?.Config, after.Config!, after.Project));
            problems.AddRange(RenamesLeavingLiveSecrets(before?.Config, after.Config!, after.Project));
            problems.AddRange(SecretNamesStillTaken(before?.Config, after.Config!, after.Project, earlier ?? []));
        }

        if (problems.Count > 0)
        {
            return new OperationsPreviewResult(after.Project, after.Stack, problems, [], []);
        }

        var operations = Operations(before?.Resources ?? [], after);
        var findings = Findings(operations, before?.Resources ?? [], before?.Config ?? after.Config!);
        return new OperationsPreviewResult(after.Project, after.Stack, [], operations, findings)
        {
            Warnings = after.Warnings,
            Placeholders = (before?.Placeholders.Keys ?? []).Concat(after.Placeholders.Keys).ToHashSet(StringComparer.Ordinal),
        };
    }

    /// <summary>A renewed or new expiry date that has already passed would deploy a client dead on arrival; an old one may stay.</summary>
    private static IEnumerable<ConfigProblem> ExpiriesSetInThePast(AccessConfig? before, AccessConfig after, string ns, DateOnly today)
        => WithBaseVersions(before, after)
            .Where(c => c.Client.Expires is { } expires && expires <= today && c.Was?.Expires != expires)
            .Select(c => AccessConfigValidator.ExpiryAlreadyPast(ns, c.Index, c.Client.Expires!.Value, today));

    /// <summary>
    /// A rotation is safe one step at a time: the document keeps the secret Auth0 holds as the fallback while Auth0
    /// switches. Raising the counter by two draws both secrets anew, and lowering it puts an old one back in force,
    /// and either way a consumer is locked out between the document's write and Auth0's switch (RotationProofTests).
    /// </summary>
    private static IEnumerable<ConfigProblem> RotationsOtherThanOneStep(AccessConfig? before, AccessConfig after, string ns)
        => WithBaseVersions(before, after)
            .Where(c => c.Was is { Disabled: false } was && !c.Client.Disabled && c.Client.Rotation - was.Rotation is not (0 or 1))
            .Select(c => new ConfigProblem(
                $"{ns}:clients[{c.Index}].rotation",
                $"goes from {c.Was!.Rotation} to {c.Client.Rotation} in one change: raise it by exactly one per deploy (to {c.Was.Rotation + 1}), so that the secret Auth0 holds stays the fallback while it switches; a lower value would put an old secret back."));

    /// <summary>
    /// Adoption is safe one step at a time (docs/adoption.md): adopt at rotation 0, which keeps the secret the client came
    /// with and captures it in the state; rotate once with <c>import</c> kept, that secret as the fallback; then remove
    /// <c>import</c>. Removing it at rotation 0 gives the credentials a generated secret with no fallback, and adopting at
    /// rotation 1 has no captured secret to fall back on: either cuts the consumer off.
    /// </summary>
    private static IEnumerable<ConfigProblem> AdoptionSteps(AccessConfig? before, AccessConfig after, string ns)
    {
        foreach (var (index, client, was) in WithBaseVersions(before, after))
        {
            if (was is { ImportId: not null, Rotation: 0, Disabled: false } && client is { ImportId: null, Disabled: false })
            {
                yield return new ConfigProblem(
                    $"{ns}:clients[{index}].import",
                    $"is removed while client '{client.Key}' still uses the secret it was adopted with (rotation 0): without `import` the program gives its credentials a generated secret at once, with no fallback, and every consumer holding the live secret is cut off. Keep `import`, raise `rotation` to 1 and deploy that; remove `import` in a later change (docs/adoption.md).");
            }

            if (client is { ImportId: not null, Rotation: 1, Disabled: false } && was is not { ImportId: not null, Rotation: 0 or 1 })
            {
                yield return new ConfigProblem(
                    $"{ns}:clients[{index}].rotation",
                    $"adopts client '{client.Key}' at rotation 1: the secret it came with is captured only while it is adopted at rotation 0, and its first rotation needs that secret as the fallback. Adopt it at rotation 0 (leave `rotation` out) and deploy, then raise `rotation` to 1 (docs/adoption.md).");
            }
        }
    }

    /// <summary>
    /// A client moves from its secret to keys in a rotation of its own, which hands out the new key with the secret
    /// Auth0 still takes before Auth0 switches (KeyRotationProofTests); it does not move back; and its keys' expiry can
    /// be moved but not removed. terraform-provider-auth0 v1.53.0 pairs a key whose expiry is cleared with its state
    /// entry and sends no update (internal/auth0/client/resource_credentials.go:356-362: only `addExpiry != ""`), and
    /// Auth0 cannot set a credential to never expire (:592): the key would still expire on the old date.
    /// </summary>
    private static IEnumerable<ConfigProblem> AuthenticationSteps(AccessConfig? before, AccessConfig after, string ns)
    {
        foreach (var (index, client, was) in WithBaseVersions(before, after))
        {
            if (was is null)
            {
                continue;
            }

            var path = $"{ns}:clients[{index}]";
            var keys = client.Authentication == ClientAuthentication.PrivateKeyJwt;
            var hadKeys = was.Authentication == ClientAuthentication.PrivateKeyJwt;
            if (keys && !hadKeys && !(client.MovesToKeys && client.Rotation == was.Rotation + 1 && !was.Disabled))
            {
                yield return new ConfigProblem(
                    $"{path}.authentication",
                    was.Disabled
                        ? $"moves client '{client.Key}' to keys while it is disabled: re-enable it with its client secret first, then move it in a change of its own."
                        : $"moves client '{client.Key}' from its client secret to keys: that takes a rotation of its own, whose document hands out the new key together with the secret Auth0 still takes until it switches. In the same change raise rotation to {was.Rotation + 1} and set keysSinceRotation: {was.Rotation + 1} (docs/credential-lifecycle.md).");
            }
            else if (hadKeys && !keys)
            {
                yield return new ConfigProblem(
                    $"{path}.authentication",
                    $"moves client '{client.Key}' from keys back to a client secret, which this program does not do: Auth0 would take the new secret only after the document hands it out, and terraform-provider-auth0 v1.53.0 deletes every credential of the application when it switches away from private_key_jwt (resource_credentials.go:92-117). Keep private_key_jwt, or give the consumer a new client with a client secret and remove this one once it has moved.");
            }
            else if (hadKeys && keys && was.KeysSinceRotation != client.KeysSinceRotation)
            {
                yield return new ConfigProblem(
                    $"{path}.keysSinceRotation",
                    $"changes from {Show(was.KeysSinceRotation)} to {Show(client.KeysSinceRotation)}: it records the rotation at which client '{client.Key}' moved to keys, which decides which keys exist. Put back {Show(was.KeysSinceRotation)}.");
            }

            // A disabled client's keys are not in Auth0: re-enabling registers them again, with what config says then.
            if (hadKeys && keys && was.Expires is { } expiry && client.Expires is null && !was.Disabled && !client.Disabled)
            {
                yield return new ConfigProblem(
                    $"{path}.expires",
                    $"is removed from key client '{client.Key}', but Auth0 cannot clear a key's expiry (terraform-provider-auth0 v1.53.0 leaves it as it is, and the key it keeps through a rotation would show a change on every run): its keys would still stop working on {expiry:yyyy-MM-dd}. Set a later date instead.");
            }
        }

        static string Show(int? since) => since?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)";
    }

    /// <summary>
    /// A key change moves the client, its credentials and passwords by alias, but its Key Vault secret is named after
    /// the key: the old one is deleted, or on a vault the pipeline cannot delete from, retained, still holding the secret
    /// Auth0 accepts. Rotating in the same change leaves it holding only secrets Auth0 no longer accepts.
    /// </summary>
    private static IEnumerable<ConfigProblem> RenamesLeavingLiveSecrets(AccessConfig? before, AccessConfig after, string ns)
        => WithBaseVersions(before, after)
            .Where(c => before?.KeyVault.PrivateDataPlane == true && c.Was is { Disabled: false } was && was.Key != c.Client.Key && !c.Client.Disabled && c.Client.Rotation == was.Rotation)
            .Select(c => new ConfigProblem(
                $"{ns}:clients[{c.Index}].key",
                c.Client.Authentication == ClientAuthentication.PrivateKeyJwt
                    // Auth0 keeps the previous rotation's key (ClientKeys), so the retained document's key dies one rotation later.
                    ? $"renames client '{c.Was!.Key}' to '{c.Client.Key}' on a vault the pipeline cannot delete secrets from ({ns}:keyVault.create.publicNetworkAccess is Disabled): its old secret `{ConsumerSecretLayout.SecretName(before!.KeyVault, c.Was)}` is retained in the vault and would still hold a key Auth0 accepts. Raise `rotation` to {c.Was.Rotation + 1} in the same change and to {c.Was.Rotation + 2} in the next one: Auth0 keeps the previous rotation's key, so the retained key stops working at the second."
                    : $"renames client '{c.Was!.Key}' to '{c.Client.Key}' on a vault the pipeline cannot delete secrets from ({ns}:keyVault.create.publicNetworkAccess is Disabled): its old secret `{ConsumerSecretLayout.SecretName(before!.KeyVault, c.Was)}` is retained in the vault and would still hold the secret Auth0 accepts. Raise `rotation` to {c.Was.Rotation + 1} in the same change: the client then moves to a new secret, and the retained one holds only secrets Auth0 no longer accepts."));

    /// <summary>
    /// azure-native creates a Key Vault secret only where none exists (its create asks ARM first and refuses one it
    /// finds: "cannot create already existing resource"). A removed client's secret that was retained in a vault the
    /// pipeline cannot reach still exists, so a client under that key again cannot be deployed. A soft-deleted one is
    /// no obstacle: the create recovers it through the data plane and writes over it (custom_keyvault.go,
    /// pulumi/pulumi-azure-native#4759), which a closed data plane does not allow either. Only the stack's history
    /// knows which keys those are.
    /// </summary>
    private static IEnumerable<ConfigProblem> SecretNamesStillTaken(AccessConfig? before, AccessConfig after, string ns, IReadOnlyList<EarlierClient> earlier)
    {
        var inBase = (before?.Clients ?? []).Select(c => ConsumerSecretLayout.SecretName(before!.KeyVault, c)).ToHashSet(StringComparer.Ordinal);
        var closed = after.KeyVault.PrivateDataPlane;
        for (var i = 0; i < after.Clients.Count; i++)
        {
            var name = ConsumerSecretLayout.SecretName(after.KeyVault, after.Clients[i]);
            var gone = earlier.Where(e => e.SecretName == name && e.VaultName == after.KeyVault.Name && !inBase.Contains(name) && (e.Retained || closed))
                .MaxBy(e => e.RemovedOn);
            if (gone is null)
            {
                continue;
            }

            var held = gone.Retained
                ? "is still in the vault: it was retained, since the pipeline cannot reach the vault's data plane to delete it"
                : "is soft-deleted, and the pipeline cannot reach the vault's data plane to recover it";
            yield return new ConfigProblem(
                $"{ns}:clients[{i}].key",
                $"'{after.Clients[i].Key}' was the key of a client removed from this stack in commit {gone.RemovedIn} ({gone.RemovedOn:yyyy-MM-dd}): its Key Vault secret `{name}` {held}. azure-native creates a Key Vault secret only where none exists, so `pulumi up` would fail on it. Give the client a key this stack has not used (its secret is named after the key), or first delete the old secret from a network that reaches the vault and wait out its soft-delete retention.");
        }
    }

    /// <summary>Each client of the head with its index and the client it was in the base (by its key or a previous key), if any.</summary>
    private static IEnumerable<(int Index, M2MClientDefinition Client, M2MClientDefinition? Was)> WithBaseVersions(AccessConfig? before, AccessConfig after)
    {
        var byKey = before?.Clients
            .SelectMany(c => c.PreviousKeys.Prepend(c.Key).Select(k => (Key: k, Client: c)))
            .GroupBy(c => c.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Client, StringComparer.Ordinal) ?? [];
        return after.Clients.Select((client, i) => (i, client, client.PreviousKeys.Prepend(client.Key).Select(byKey.GetValueOrDefault).FirstOrDefault(c => c is not null)));
    }

    private static List<Operation> Operations(IReadOnlyList<PlannedResource> olds, PlanResult after)
    {
        var oldByUrn = olds.ToDictionary(r => r.Urn, StringComparer.Ordinal);
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        // The old URN each new resource was found at, when that was through an alias: children inherit it.
        var foundAt = new Dictionary<string, string>(StringComparer.Ordinal);
        var matches = new List<(PlannedResource New, PlannedResource? Old)>();
        foreach (var resource in after.Resources)
        {
            var old = Candidates(resource, foundAt).Where(u => !claimed.Contains(u)).Select(u => oldByUrn.GetValueOrDefault(u)).FirstOrDefault(o => o is not null);
            if (old is not null)
            {
                claimed.Add(old.Urn);
                if (old.Urn != resource.Urn)
                {
                    foundAt[resource.Urn] = old.Urn;
                }
            }

            matches.Add((resource, old));
        }

        // A resource found under another name hands out placeholders under that name; write the new ones as the old.
        var renamed = matches.Where(m => m.Old is not null && m.Old.Name != m.New.Name)
            .ToDictionary(m => (m.New.Type, m.New.Name), m => m.Old!.Name);
        var rename = after.Placeholders.Values
            .Where(p => renamed.ContainsKey((p.Type, p.Name)))
            .ToDictionary(p => p.Text, p => (p with { Name = renamed[(p.Type, p.Name)] }).Text, StringComparer.Ordinal);

        // Outputs of a created or replaced resource are unknown until apply: every input they reach changes.
        var fresh = new HashSet<(string Type, string Name)>();
        var unknown = after.Placeholders.Values.ToDictionary(p => p.Text, p => (p.Type, p.Name), StringComparer.Ordinal);
        var operations = new List<Operation>();
        foreach (var (resource, old) in matches)
        {
            var rule = ReplacementRules.For(resource.Type);
            Operation operation;
            if (old is null)
            {
                operation = new Operation(OperationKind.Create, resource.Urn, resource.Type, resource.Name, [], []);
            }
            else
            {
                var inputs = (JsonObject)Substitute(resource.ComparableInputs, rename)!;
                TakeFromState(inputs, old.ComparableInputs, resource.IgnoreChanges, resource.Urn);
                TakeFromState(inputs, old.ComparableInputs, rule.KeptWhenUnset.Where(k => inputs[k] is null), resource.Urn);
                bool Unknown(JsonNode? node) => Strings(node).Any(s => unknown.Any(u => fresh.Contains(u.Value) && s.Contains(u.Key, StringComparison.Ordinal)));
                bool Differs(JsonNode? a, JsonNode? b) => Unknown(b) || !JsonNode.DeepEquals(a, b);
                var changed = inputs.Select(p => p.Key).Union(old.ComparableInputs.Select(p => p.Key), StringComparer.Ordinal)
                    .Where(k => Differs(old.ComparableInputs[k], inputs[k]))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                var replace = rule.ReplaceOnChange
                    .Where(path => Differs(At(old.ComparableInputs, path), At(inputs, path)))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                var kind = replace.Count > 0 ? OperationKind.Replace : changed.Count > 0 ? OperationKind.Update : OperationKind.Same;
                operation = new Operation(kind, resource.Urn, resource.Type, resource.Name, changed, replace)
                {
                    PreviousUrn = old.Urn == resource.Urn ? null : old.Urn,
                };
            }

            if (operation.Kind is OperationKind.Create or OperationKind.Replace)
            {
                fresh.Add((resource.Type, resource.Name));
            }

            operations.Add(operation with
            {
                ParentUrn = resource.ParentUrn,
                Protect = resource.Protect,
                // The option where the program sets one, else the provider's answer: step_generator.go:2044-2047 (v3.259.0).
                DeleteBeforeReplace = resource.DeleteBeforeReplace ?? rule.ProviderDeletesFirst,
                RetainOnDelete = resource.RetainOnDelete,
                ImportId = resource.ImportId,
                Inputs = resource.Inputs,
            });
        }

        // The engine deletes what no new resource claimed, dependents first: the reverse of the base's registration order.
        operations.AddRange(olds.Where(o => !claimed.Contains(o.Urn)).Reverse().Select(o => new Operation(OperationKind.Delete, o.Urn, o.Type, o.Name, [], [])
        {
            ParentUrn = o.ParentUrn,
            Protect = o.Protect,
            DeleteBeforeReplace = o.DeleteBeforeReplace ?? ReplacementRules.For(o.Type).ProviderDeletesFirst,
            RetainOnDelete = o.RetainOnDelete,
            Inputs = o.Inputs,
        }));
        return operations;
    }

    /// <summary>
    /// The URNs a resource may have had, in the engine's order: its own URN, its aliases, then the aliases inherited from
    /// the old URN its parent was found at (generateAliases and inheritedChildAlias, pulumi/pulumi v3.259.0
    /// pkg/resource/deploy/step_generator.go:590-650; the URN first, step_generator.go:652-680).
    /// </summary>
    private static IEnumerable<string> Candidates(PlannedResource resource, Dictionary<string, string> foundAt)
    {
        yield return resource.Urn;
        foreach (var alias in resource.AliasUrns)
        {
            yield return alias;
        }

        // Not `ParentUrn is null || !TryGetValue(…, out var parentAlias)`: Stryker.NET's `||` → `&&` mutant of that
        // leaves parentAlias unassigned, a compile error for which it drops every mutant of this method untested.
        var parentUrn = resource.ParentUrn;
        var parentAlias = parentUrn is null ? null : foundAt.GetValueOrDefault(parentUrn);
        if (parentUrn is null || parentAlias is null)
        {
            yield break;
        }

        var parentName = NameOf(parentUrn);
        foreach (var name in resource.AliasUrns.Select(NameOf).Prepend(resource.Name))
        {
            var aliasName = name.StartsWith(parentName, StringComparison.Ordinal) ? NameOf(parentAlias) + name[parentName.Length..] : name;
            yield return $"{parentAlias[..parentAlias.LastIndexOf("::", StringComparison.Ordinal)]}${resource.Type}::{aliasName}";
        }
    }

    /// <summary>
    /// Which resources each resource waits for, by URN, as the engine orders steps: those it names in
    /// <c>dependsOn</c>, and those whose outputs its inputs use (seen through the placeholders the offline run hands
    /// out; an output without a placeholder, such as an input echoed back, is not seen).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> Dependencies(PlanResult plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var urnOf = plan.Resources.ToDictionary(r => (r.Type, r.Name), r => r.Urn);
        var graph = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var resource in plan.Resources)
        {
            var strings = Strings(resource.ComparableInputs).ToList();
            var used = plan.Placeholders.Values
                .Where(p => strings.Any(s => s.Contains(p.Text, StringComparison.Ordinal)))
                .Select(p => urnOf[(p.Type, p.Name)]);
            graph[resource.Urn] = used.Concat(resource.DependsOn).Where(u => u != resource.Urn).ToHashSet(StringComparer.Ordinal);
        }

        return graph;
    }

    private static string NameOf(string urn) => urn[(urn.LastIndexOf("::", StringComparison.Ordinal) + 2)..];

    /// <summary>
    /// The engine's view of inputs it takes from the old state rather than the program: those under ignoreChanges
    /// (processIgnoreChanges, pulumi/pulumi v3.259.0 pkg/resource/deploy/step_generator.go) and Optional+Computed ones
    /// the program no longer sets (Terraform's SDKv2 diff keeps their state value: terraform-plugin-sdk v2.40.1, which
    /// terraform-provider-auth0 v1.53.0 uses, helper/schema/schema.go:1746-1751, "removed &amp;&amp; schema.Computed"). Top-level inputs only; a nested path is not modelled, so it fails rather than guesses.
    /// </summary>
    private static void TakeFromState(JsonObject inputs, JsonObject old, IEnumerable<string> keys, string urn)
    {
        foreach (var key in keys.ToList())
        {
            if (key.Contains('.', StringComparison.Ordinal) || key.Contains('[', StringComparison.Ordinal))
            {
                throw new NotSupportedException($"The operations preview models ignoreChanges on top-level inputs only; {urn} ignores '{key}'.");
            }

            if (old[key] is { } value)
            {
                inputs[key] = value.DeepClone();
            }
            else
            {
                inputs.Remove(key);
            }
        }
    }

    private static List<EngineFinding> Findings(List<Operation> operations, IReadOnlyList<PlannedResource> olds, AccessConfig vaultConfig)
    {
        var oldByUrn = olds.ToDictionary(r => r.Urn, StringComparer.Ordinal);
        var findings = new List<EngineFinding>();
        foreach (var op in operations)
        {
            var urn = op.Urn;
            switch (op.Kind)
            {
                // step_generator.go:1951-1972 (v3.259.0): refused when both the old and the new state are protected.
                case OperationKind.Replace when op.Protect && oldByUrn[op.PreviousUrn ?? urn].Protect:
                    findings.Add(new(FindingSeverity.Error, "protected-replace", urn,
                        $"replacing it (a change to {string.Join(", ", op.ReplaceReasons)} forces a new object) is refused: it is protected, and a replacement deletes the old object.",
                        $"leave {string.Join(", ", op.ReplaceReasons)} as it was; a replacement of this resource would also cut off its consumers."));
                    break;

                // step.go:644-649: a protected resource is not deleted; step_executor.go:442-447 carries on past that
                // error, so the run still performs the other deletes and then fails.
                case OperationKind.Delete when op.Protect:
                    findings.Add(new(FindingSeverity.Error, "protected-delete", urn,
                        "deleting it is refused: it is protected. The run would still carry out every other operation, including the deletes of unprotected resources beside it, and then fail.",
                        op.Type == "auth0:index/client:Client" || op.ParentUrn?.Contains($"{Infra.Components.M2MClient.TypeToken}::", StringComparison.Ordinal) == true
                            ? "set `disabled: true` on the client and deploy that first (a disabled client is no longer protected), then remove it."
                            : $"remove `protect` from the resource and deploy that first, or run `pulumi state unprotect '{urn}'`, then remove it."));
                    break;

                case OperationKind.Replace when !op.DeleteBeforeReplace && IdentityKept(op) is { Count: > 0 } identity:
                    findings.Add(new(FindingSeverity.Error, "identity-collision", urn,
                        $"the replacement creates the new object before deleting the old one, and both would have the same {string.Join(", ", identity)}: the create collides with (or adopts) the old object, whose delete then removes it.",
                        "declare the resource with deleteBeforeReplace."));
                    break;

                case OperationKind.Delete when op.Type == "azure-native:keyvault:Secret" && op.RetainOnDelete:
                    findings.Add(new(FindingSeverity.Warning, "retained-secret", urn,
                        "the secret stays in the vault (retainOnDelete): the pipeline cannot reach the vault's data plane, where Key Vault deletes secrets. Its readers' role assignments are deleted, so no consumer can read it, but a role on the whole vault still can, each version as it was written. Its name stays taken: azure-native creates a Key Vault secret only where none exists.",
                        "delete it from a network that reaches the vault (`az keyvault secret delete`) when convenient. A client under this key again needs a key this stack has not used (docs/protection-and-keys.md)."));
                    break;

                case OperationKind.Delete when op.Type == "azure-native:keyvault:Secret":
                    var purgeProtected = vaultConfig.KeyVault.Create is not null;
                    findings.Add(new(FindingSeverity.Warning, "soft-deleted-secret", urn,
                        (purgeProtected ? $"the vault has purge protection: the secret is soft-deleted and cannot be purged for {SoftDeleteRetentionDays} days" : "the secret is soft-deleted (and, if the vault has purge protection, cannot be purged until its retention ends)")
                        + "; its versions stay recoverable by anyone who may recover secrets in the vault.",
                        "nothing to do. A client added under this key within that time gets the deleted secret recovered by azure-native and overwritten; do not recover it by hand, since azure-native refuses to create a secret that exists (docs/protection-and-keys.md)."));
                    break;
            }

            if (op.Kind == OperationKind.Replace && op.ImportId is not null)
            {
                // step_generator.go:1975-2000 (v3.259.0): an error in an update, a warning in a preview.
                findings.Add(new(FindingSeverity.Error, "imported-replace", urn,
                    $"the program still imports it (`import: {op.ImportId}`), and the engine refuses to replace a resource whose goal carries an import id: `pulumi up` fails on it, while `pulumi preview` only warns.",
                    "remove its `import` in a change of its own and deploy that first (an adopted client once its first rotation has deployed: docs/adoption.md), then make this change."));
            }

            if (op.Kind == OperationKind.Replace && op.DeleteBeforeReplace && ReplacementRules.For(op.Type).NameHeldAfterDelete && IdentityKept(op) is { Count: > 0 } held)
            {
                findings.Add(new(FindingSeverity.Error, "name-held", urn,
                    $"the replacement deletes the vault before creating the new one (azure-native asks for delete-before-replace), and Key Vault keeps a deleted vault's name taken while it is soft-deleted ({SoftDeleteRetentionDays} days with purge protection, which nobody can purge sooner): the create under the same {string.Join(", ", held)} fails, and the stack is left without its vault and every secret in it.",
                    "keep the vault's resource group and location as they are. To move the credentials, declare a new vault under another name (infra:keyVault.name) and deploy that."));
            }

            if (op.Kind == OperationKind.Replace && op.Type == "azure-native:keyvault:Secret" && op.RetainOnDelete && IdentityKept(op) is { Count: > 0 } kept)
            {
                findings.Add(new(FindingSeverity.Error, "name-held", urn,
                    $"the replacement drops the old secret from the stack but leaves it in the vault (retainOnDelete), and azure-native creates a Key Vault secret only where none exists (its create checks first: \"cannot create already existing resource\"): the new one under the same {string.Join(", ", kept)} fails.",
                    "keep the secret's vault and resource group as they are; to move the credentials, name another vault (infra:keyVault.name)."));
            }
        }

        return findings;
    }

    /// <summary>The identity inputs a replacement keeps: all of them when every one is unchanged and known, else none.</summary>
    private static List<string> IdentityKept(Operation op)
    {
        var identity = ReplacementRules.For(op.Type).Identity;
        return identity.All(k => !op.ChangedInputs.Contains(k)) ? [.. identity] : [];
    }

    private static JsonNode? At(JsonObject inputs, string path)
    {
        JsonNode? node = inputs;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
        }

        return node;
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    private static JsonNode? Substitute(JsonNode? node, Dictionary<string, string> rename) => node switch
    {
        _ when rename.Count == 0 => node?.DeepClone(),
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Substitute(p.Value, rename)))),
        JsonArray a => new JsonArray(a.Select(n => Substitute(n, rename)).ToArray()),
        JsonValue v when v.TryGetValue<string>(out var s) => JsonValue.Create(rename.Aggregate(s, (text, r) => text.Replace(r.Key, r.Value, StringComparison.Ordinal))),
        _ => node?.DeepClone(),
    };
}
