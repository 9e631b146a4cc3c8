using System.Text.Json.Nodes;

namespace Infra.Tests.Support;

/// <summary>Copy-and-change edits of a stack's config map, for building invalid or varied configs from a real stack file.</summary>
internal static class ConfigEdits
{
    /// <summary>A copy with the structured value at <paramref name="key"/> changed by <paramref name="edit"/>.</summary>
    public static Dictionary<string, string> Edit(this IReadOnlyDictionary<string, string> config, string key, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(config[key])!;
        edit(node);
        return config.Set(key, node.ToJsonString());
    }

    public static Dictionary<string, string> Set(this IReadOnlyDictionary<string, string> config, string key, string value)
        => new(config, StringComparer.Ordinal) { [key] = value };

    public static Dictionary<string, string> Without(this IReadOnlyDictionary<string, string> config, string key)
    {
        var copy = new Dictionary<string, string>(config, StringComparer.Ordinal);
        copy.Remove(key);
        return copy;
    }

}
