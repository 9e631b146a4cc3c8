namespace Infra.Config;

/// <summary>One thing wrong with a stack's config: where it is and what to do about it.</summary>
/// <param name="Path">The config path, e.g. <c>infra:clients[2].grants[0].scopes[1]</c>.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record ConfigProblem(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>Thrown when a stack's config is invalid; lists every problem, not just the first.</summary>
public sealed class ConfigValidationException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    public ConfigValidationException(IReadOnlyList<ConfigProblem> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem found, in config order.</summary>
    public IReadOnlyList<ConfigProblem> Problems { get; }

    private static string Describe(IReadOnlyList<ConfigProblem> problems)
    {
        var noun = problems.Count == 1 ? "problem" : "problems";
        var lines = problems.Select(p => $"  - {p}");
        return $"The stack config has {problems.Count} {noun}; nothing was deployed. Fix them and run again:{Environment.NewLine}"
            + string.Join(Environment.NewLine, lines);
    }
}
