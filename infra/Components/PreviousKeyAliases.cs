using Pulumi;

namespace Infra.Components;

/// <summary>Turns the keys a client or an API had before into Pulumi aliases of its component.</summary>
public static class PreviousKeyAliases
{
    /// <summary>
    /// Adds an alias per previous key. Children need none of their own: they are named after the key, and Pulumi
    /// derives a child's alias from its parent's when the child's name starts with the parent's.
    /// </summary>
    public static ComponentResourceOptions Add(ComponentResourceOptions? options, IReadOnlyList<string> previousKeys)
    {
        var merged = ComponentResourceOptions.Merge(options, null);
        foreach (var key in previousKeys)
        {
            merged.Aliases.Add(new Alias { Name = key });
        }

        return merged;
    }
}
