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
    public ConfigValidationException(IEnumerable<ConfigProblem> problems)
        : this(problems.OrderBy(p => p.Path, ConfigPathOrder.Instance).ToList())
    {
    }

    private ConfigValidationException(List<ConfigProblem> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem found, ordered by config path (list indices numerically); problems at one path in the order found.</summary>
    public IReadOnlyList<ConfigProblem> Problems { get; }

    private static string Describe(IReadOnlyList<ConfigProblem> problems)
    {
        var (noun, pronoun) = problems.Count == 1 ? ("problem", "it") : ("problems", "them");
        var lines = problems.Select(p => $"  - {p}");
        return $"The stack config has {problems.Count} {noun}; nothing was deployed. Fix {pronoun} and run again:{Environment.NewLine}"
            + string.Join(Environment.NewLine, lines);
    }
}

/// <summary>Orders config paths as a reader scans the file: by key, and list indices as numbers, so [2] precedes [10].</summary>
internal sealed class ConfigPathOrder : IComparer<string>
{
    public static readonly ConfigPathOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        var a = Tokens(x ?? "");
        var b = Tokens(y ?? "");
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var order = int.TryParse(a[i], out var m) && int.TryParse(b[i], out var n)
                ? m.CompareTo(n)
                : string.CompareOrdinal(a[i], b[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    private static string[] Tokens(string path) => path.Split(['[', ']', '.'], StringSplitOptions.RemoveEmptyEntries);
}
