namespace Infra.Tool.Environments;

/// <summary>
/// Which stacks a change reaches, so that a pull request plans, diffs and previews those only: a stack whose file
/// changed, or whose config as the program reads it changed (a change to Pulumi.yaml's catalogue reaches every stack
/// that reads it), and every stack when the program or the tools change.
/// </summary>
public static class AffectedStacks
{
    /// <summary>What the program's behaviour depends on besides config: a change here reaches every stack.</summary>
    public static readonly IReadOnlyList<string> ProgramPaths = ["infra", "tools", "Directory.Build.props", "Directory.Packages.props", "global.json", "nuget.config"];

    /// <summary>The stacks of <paramref name="head"/> that differ from the version in <paramref name="baseDirectory"/>, sorted by name.</summary>
    /// <param name="baseDirectory">A checkout of the base (the target branch).</param>
    /// <param name="headDirectory">A checkout of the change.</param>
    /// <param name="head">The change's stacks.</param>
    public static IReadOnlyList<string> Between(string baseDirectory, string headDirectory, ProjectStacks head)
    {
        ArgumentNullException.ThrowIfNull(head);
        var all = head.Environments.SelectMany(e => e.Stacks).Select(s => s.Stack).Order(StringComparer.Ordinal).ToList();
        if (ProgramPaths.Any(path => !SameTree(Path.Combine(baseDirectory, path), Path.Combine(headDirectory, path))) || !SameProject(baseDirectory, headDirectory))
        {
            return all;
        }

        return [.. all.Where(stack => Changed(baseDirectory, headDirectory, stack))];
    }

    private static bool Changed(string baseDirectory, string headDirectory, string stack)
    {
        var file = $"Pulumi.{stack}.yaml";
        var before = Path.Combine(baseDirectory, file);
        if (!File.Exists(before) || File.ReadAllText(before) != File.ReadAllText(Path.Combine(headDirectory, file)))
        {
            return true;
        }

        // The file is the same; what Pulumi.yaml gives it may not be.
        var old = StackFiles.Load(baseDirectory, stack);
        var current = StackFiles.Load(headDirectory, stack);
        return old.Values.Count != current.Values.Count
            || old.Values.Any(kv => current.Values.GetValueOrDefault(kv.Key) != kv.Value)
            || !old.SecretKeys.Order(StringComparer.Ordinal).SequenceEqual(current.SecretKeys.Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    // Pulumi.yaml but its config (which each stack's values compare): the runtime, the program's folder, its options.
    private static bool SameProject(string baseDirectory, string headDirectory)
    {
        static System.Text.Json.Nodes.JsonNode? WithoutConfig(string folder)
        {
            var project = StackFiles.ReadAsJson(Path.Combine(folder, "Pulumi.yaml"));
            (project as System.Text.Json.Nodes.JsonObject)?.Remove("config");
            return project;
        }

        return System.Text.Json.Nodes.JsonNode.DeepEquals(WithoutConfig(baseDirectory), WithoutConfig(headDirectory));
    }

    // A file or a folder (its files, not bin/ or obj/ output), compared by content.
    private static bool SameTree(string before, string after)
    {
        if (File.Exists(before) || File.Exists(after))
        {
            return File.Exists(before) && File.Exists(after) && File.ReadAllBytes(before).AsSpan().SequenceEqual(File.ReadAllBytes(after));
        }

        var a = Files(before);
        var b = Files(after);
        return a.SequenceEqual(b, StringComparer.Ordinal)
            && a.All(relative => File.ReadAllBytes(Path.Combine(before, relative)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(after, relative))));
    }

    private static List<string> Files(string folder)
        => !Directory.Exists(folder)
            ? []
            : [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
                .Where(f => !f.Split('/').Any(part => part is "bin" or "obj" or "node_modules" or "StrykerOutput"))
                .Order(StringComparer.Ordinal)];
}

/// <summary>A client whose key moves from one stack of its environment to another.</summary>
/// <param name="Client">Its key.</param>
/// <param name="From">The stack that has it in the base.</param>
/// <param name="To">The stack that has it in the change.</param>
/// <param name="Project">The project.</param>
public sealed record ClientMove(string Client, string From, string To, string Project)
{
    /// <summary>
    /// The command that moves its component and every resource under it into <see cref="To"/>'s state: Pulumi
    /// cannot move a resource between stacks in an update, so without it <see cref="From"/> would delete the client
    /// and <see cref="To"/> create another, with a new client id and secret. <c>pulumi state move</c> moves the
    /// children of the URNs it is given and rewrites their URNs to the destination stack (pulumi/pulumi v3.259.0
    /// pkg/cmd/pulumi/state/state_move.go:278-280, 690-695).
    /// </summary>
    public string Command => $"pulumi state move --source {From} --dest {To} --yes '{Urn(From)}'";

    /// <summary>The URN of the client's component in <paramref name="stack"/>: a top-level component, so no parent type in it.</summary>
    public string Urn(string stack) => $"urn:pulumi:{stack}::{Project}::infra:auth0:M2MClient::{Client}";

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
        var clients = new System.Text.Json.Nodes.JsonArray([.. (baseConfig is null ? null : Clients(baseConfig.Values.GetValueOrDefault(key)))?
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
            .Select(c => (KeyOf(c)!, (IReadOnlyList<string>)[.. (((System.Text.Json.Nodes.JsonObject)c!)["previousKeys"] as System.Text.Json.Nodes.JsonArray ?? []).Select(p => p?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)p : null).OfType<string>()], stack.Stack)));

    private static string? KeyOf(System.Text.Json.Nodes.JsonNode? client)
        => client is System.Text.Json.Nodes.JsonObject o && o["key"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)o["key"] : null;

    // The clients list as the stack has it, or null where it is not one (empty, a scalar): its own check reports that.
    private static System.Text.Json.Nodes.JsonArray? Clients(string? text)
    {
        try
        {
            return text is null ? null : System.Text.Json.Nodes.JsonNode.Parse(text) as System.Text.Json.Nodes.JsonArray;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
