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
