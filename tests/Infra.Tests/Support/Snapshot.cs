using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Infra.Tests.Support;

/// <summary>What the engine would compare between two runs: each resource's identity and inputs, canonically written.</summary>
internal static class Snapshot
{
    /// <summary>One line per registered resource: type, name, import id, and its inputs as JSON with sorted keys.</summary>
    public static IReadOnlyList<string> Of(StackRun run)
        => run.Registered.Select(r => $"{r.Type} {r.Name} import={r.ImportId} {Canonical(r.Inputs)!.ToJsonString()}").ToList();

    /// <summary>The same lines keyed by type and name, for comparing runs whose registration order may differ.</summary>
    public static Dictionary<string, string> ByResource(StackRun run)
        => run.Registered.ToDictionary(r => $"{r.Type} {r.Name}", r => $"import={r.ImportId} {Canonical(r.Inputs)!.ToJsonString()}");

    /// <summary>Between two runs, by type and name: the resources gone, the ones new, and the ones whose inputs differ, each sorted.</summary>
    public static (List<string> Removed, List<string> Added, List<string> Changed) Compare(StackRun before, StackRun after)
    {
        var a = ByResource(before);
        var b = ByResource(after);
        return (
            a.Keys.Except(b.Keys).Order(StringComparer.Ordinal).ToList(),
            b.Keys.Except(a.Keys).Order(StringComparer.Ordinal).ToList(),
            a.Keys.Intersect(b.Keys).Where(k => a[k] != b[k]).Order(StringComparer.Ordinal).ToList());
    }

    private static JsonNode? Canonical(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        double d => JsonValue.Create(d),
        IDictionary map => new JsonObject(map.Keys.Cast<string>().Order(StringComparer.Ordinal).Select(k => KeyValuePair.Create(k, Canonical(map[k])))),
        IEnumerable list => new JsonArray(list.Cast<object?>().Select(Canonical).ToArray()),
        _ => JsonValue.Create(JsonSerializer.Serialize(value)),
    };
}
