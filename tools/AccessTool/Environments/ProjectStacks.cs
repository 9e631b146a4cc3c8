using Infra.Config;

namespace Infra.Tool.Environments;

/// <summary>
/// One environment (one Auth0 tenant): the catalogue stack that deploys the APIs of <c>Pulumi.yaml</c> and the Action,
/// and the team stacks that grant on them. An environment that is not split has no team stacks.
/// </summary>
/// <param name="Name">The environment's name: its catalogue stack's.</param>
/// <param name="Catalogue">The catalogue stack's config.</param>
/// <param name="Teams">Its team stacks' configs, by name.</param>
public sealed record StackEnvironment(string Name, StackConfig Catalogue, IReadOnlyList<StackConfig> Teams)
{
    /// <summary>The catalogue stack, then the team stacks: the order they deploy in.</summary>
    public IReadOnlyList<StackConfig> Stacks => [Catalogue, .. Teams];
}

/// <summary>Every stack file of a project, grouped into environments, and what is wrong with how they are grouped.</summary>
/// <param name="Environments">The environments, by name.</param>
/// <param name="Problems">Stack files that name a catalogue that is missing or is itself a team stack, or are named as a team stack without being one.</param>
public sealed record ProjectStacks(IReadOnlyList<StackEnvironment> Environments, IReadOnlyList<ConfigProblem> Problems)
{
    /// <summary>The key a team stack sets, under the project's namespace.</summary>
    public const string CatalogueKey = "catalogueStack";

    /// <summary>Reads every <c>Pulumi.&lt;stack&gt;.yaml</c> beside <c>Pulumi.yaml</c> in <paramref name="projectDirectory"/>.</summary>
    public static ProjectStacks Load(string projectDirectory)
    {
        var stacks = Directory.EnumerateFiles(projectDirectory, "Pulumi.*.yaml")
            .Select(System.IO.Path.GetFileName)
            .Select(file => file!["Pulumi.".Length..^".yaml".Length])
            .Where(stack => stack.Length > 0)
            .Order(StringComparer.Ordinal)
            .Select(stack => StackFiles.Load(projectDirectory, stack))
            .ToList();
        return Group(stacks);
    }

    /// <summary>Groups stack configs into environments; a team stack joins the environment its <c>catalogueStack</c> names.</summary>
    public static ProjectStacks Group(IReadOnlyList<StackConfig> stacks)
    {
        ArgumentNullException.ThrowIfNull(stacks);
        var problems = new List<ConfigProblem>();
        var byName = stacks.ToDictionary(s => s.Stack, StringComparer.Ordinal);
        var catalogues = stacks.Where(s => CatalogueOf(s) is null).ToList();
        var teams = stacks.Where(s => CatalogueOf(s) is not null).ToList();
        foreach (var team in teams)
        {
            var catalogue = CatalogueOf(team)!;
            var path = Path(team, $"{team.Project}:{CatalogueKey}");
            if (!byName.TryGetValue(catalogue, out var named))
            {
                problems.Add(new(path, $"names the catalogue stack '{catalogue}', but this project has no Pulumi.{catalogue}.yaml: name the stack that deploys this environment's APIs (one of: {string.Join(", ", catalogues.Select(c => c.Stack))})."));
            }
            else if (CatalogueOf(named) is not null)
            {
                problems.Add(new(path, $"names '{catalogue}', which is itself a team stack (of '{CatalogueOf(named)}'): name the catalogue stack, '{CatalogueOf(named)}'."));
            }
        }

        foreach (var stack in catalogues)
        {
            // A dotted name that starts with another stack's name reads as a team stack of it: one that is not would
            // deploy an Action and APIs of its own into that environment's tenant, beside the catalogue's.
            var dot = stack.Stack.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && byName.ContainsKey(stack.Stack[..dot]))
            {
                problems.Add(new(
                    Path(stack, $"{stack.Project}:{CatalogueKey}"),
                    $"is not set, but the stack is named as a team stack of '{stack.Stack[..dot]}': set {stack.Project}:{CatalogueKey}: {stack.Stack[..dot]}, or name the stack without a dot."));
            }
        }

        var environments = catalogues
            .Select(c => new StackEnvironment(c.Stack, c, [.. teams.Where(t => CatalogueOf(t) == c.Stack)]))
            .ToList();
        return new ProjectStacks(environments, problems);
    }

    /// <summary>The environment that <paramref name="stack"/> (a catalogue or a team stack) belongs to, or null.</summary>
    public StackEnvironment? EnvironmentOf(string stack)
        => Environments.FirstOrDefault(e => e.Stacks.Any(s => s.Stack == stack));

    /// <summary>A team stack's catalogue stack; null for a catalogue stack or one that is not split.</summary>
    public static string? CatalogueOf(StackConfig stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        // Pulumi.yaml's default is empty: a stack that sets nothing is a catalogue stack.
        return stack.Values.GetValueOrDefault($"{stack.Project}:{CatalogueKey}") is { Length: > 0 } name ? name : null;
    }

    /// <summary>A config path inside one stack's file, as problems about several stacks name it.</summary>
    public static string Path(StackConfig stack, string key)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return $"Pulumi.{stack.Stack}.yaml {key}";
    }
}
