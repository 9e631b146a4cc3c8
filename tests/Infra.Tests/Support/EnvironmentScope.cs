namespace Infra.Tests.Support;

/// <summary>
/// Sets environment variables (null removes one) until disposed, then puts back what was there. The test assembly runs
/// one test at a time, so no other test sees the change.
/// </summary>
internal sealed class EnvironmentScope : IDisposable
{
    private readonly Dictionary<string, string?> _previous;

    public EnvironmentScope(IReadOnlyDictionary<string, string?> variables)
    {
        _previous = variables.Keys.ToDictionary(name => name, Environment.GetEnvironmentVariable);
        foreach (var (name, value) in variables)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public EnvironmentScope(string name, string? value)
        : this(new Dictionary<string, string?> { [name] = value })
    {
    }

    public void Dispose()
    {
        foreach (var (name, value) in _previous)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
