using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Components;

namespace Infra.Tool.Environments;

/// <summary>A client whose key moves from one stack of its environment to another.</summary>
/// <param name="Client">Its key.</param>
/// <param name="From">The stack that has it in the base.</param>
/// <param name="To">The stack that has it in the change.</param>
/// <param name="Project">The project.</param>
public sealed record ClientMove(string Client, string From, string To, string Project)
{
    /// <summary>
    /// The command that moves its component and the component's children into <see cref="To"/>'s state: Pulumi
    /// cannot move a resource between stacks in an update, so without it <see cref="From"/> would delete the client
    /// and <see cref="To"/> create another, with a new client id and secret. <c>pulumi state move</c> moves the
    /// children of the URNs it is given and rewrites their URNs to the destination stack (pulumi/pulumi v3.259.0
    /// pkg/cmd/pulumi/state/state_move.go:278-280, 690-695).
    /// </summary>
    public string Command => $"pulumi state move --source {From} --dest {To} --yes '{Urn(From)}'";

    /// <summary>The URN of the client's component in <paramref name="stack"/>: a top-level component, so no parent type in it.</summary>
    public string Urn(string stack) => $"urn:pulumi:{stack}::{Project}::{M2MClient.TypeToken}::{Client}";

    /// <summary>Every client whose stack differs between the base and the change, within one environment.</summary>
    public static IReadOnlyList<ClientMove> Between(ProjectStacks before, ProjectStacks after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var moves = new List<ClientMove>();
        foreach (var environment in after.Environments)
        {
            if (before.Environments.FirstOrDefault(e => e.Name == environment.Name) is not { } earlier)
            {
                continue;
            }

            var was = StacksByKey(earlier);
            foreach (var (key, previousKeys, stack) in Clients(environment).OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                // A client moved and renamed in one change is found by its previous key: the URN to move is the old
                // one, and the alias that previousKeys gives its component maps it to the new key in the new stack.
                if (new[] { key }.Concat(previousKeys).FirstOrDefault(was.ContainsKey) is { } old && was[old] != stack)
                {
                    moves.Add(new ClientMove(old, was[old], stack, environment.Catalogue.Project));
                }
            }
        }

        return moves;
    }

    /// <summary>
    /// The base <paramref name="stack"/> is compared with once the moves are made: <c>pulumi state move</c> takes the
    /// clients that move out from its state and brings those that move in, with the definitions their old stack
    /// deployed. Without it, the preview and the deploy gate would read a move as a delete (refused on a protected
    /// stack, though the real update deletes nothing) and a create. Their client metadata still gains or loses
    /// <c>stack</c> in the move's deploy; that update in place is the one thing this base does not show.
    /// </summary>
    public static StackConfig? BaseAfterMoves(string stack, StackConfig? baseConfig, StackConfig head, ProjectStacks before, IReadOnlyList<ClientMove> moves)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(moves);
        var outs = moves.Where(m => m.From == stack).Select(m => m.Client).ToHashSet(StringComparer.Ordinal);
        var ins = moves.Where(m => m.To == stack).ToList();
        if (outs.Count == 0 && ins.Count == 0)
        {
            return baseConfig;
        }

        var start = baseConfig ?? head;
        var key = $"{start.Project}:clients";
        var clients = new JsonArray([.. (baseConfig is null ? null : Clients(baseConfig.Values.GetValueOrDefault(key)))?
            .Where(c => !outs.Contains(KeyOf(c) ?? ""))
            .Select(c => c!.DeepClone()) ?? []]);
        foreach (var move in ins)
        {
            var source = before.Environments.SelectMany(e => e.Stacks).Single(s => s.Stack == move.From);
            clients.Add(Clients(source.Values.GetValueOrDefault($"{source.Project}:clients"))!.First(c => KeyOf(c) == move.Client)!.DeepClone());
        }

        var values = new Dictionary<string, string>(start.Values, StringComparer.Ordinal) { [key] = clients.ToJsonString() };
        return start with { Values = values };
    }

    // Read without validation: a move is worth telling about even while a stack has problems of its own.
    private static Dictionary<string, string> StacksByKey(StackEnvironment environment)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, _, stack) in Clients(environment))
        {
            keys.TryAdd(key, stack);
        }

        return keys;
    }

    private static IEnumerable<(string Key, IReadOnlyList<string> PreviousKeys, string Stack)> Clients(StackEnvironment environment)
        => environment.Stacks.SelectMany(stack => (Clients(stack.Values.GetValueOrDefault($"{stack.Project}:clients")) ?? [])
            .Where(c => KeyOf(c) is not null)
            .Select(c => (KeyOf(c)!, (IReadOnlyList<string>)[.. (((JsonObject)c!)["previousKeys"] as JsonArray ?? []).Select(p => p?.GetValueKind() == JsonValueKind.String ? (string?)p : null).OfType<string>()], stack.Stack)));

    private static string? KeyOf(JsonNode? client)
        => client is JsonObject o && o["key"]?.GetValueKind() == JsonValueKind.String ? (string?)o["key"] : null;

    // The clients list as the stack has it, or null where it is not one (empty, a scalar): its own check reports that.
    private static JsonArray? Clients(string? text)
    {
        try
        {
            return text is null ? null : JsonNode.Parse(text) as JsonArray;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
