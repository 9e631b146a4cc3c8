using System.Text.Json;

namespace Infra.Config;

/// <summary>
/// Reads one config object strictly: unknown keys and wrong types become problems, never silent defaults.
/// Problems are collected, not thrown, so one run reports everything that is wrong.
/// </summary>
internal sealed class StrictObject
{
    private readonly JsonElement _element;
    private readonly ConfigShape _shape;
    private readonly List<ConfigProblem> _problems;

    private StrictObject(JsonElement element, ConfigShape shape, string path, List<ConfigProblem> problems)
    {
        _element = element;
        _shape = shape;
        Path = path;
        _problems = problems;
    }

    /// <summary>The config path of this object.</summary>
    public string Path { get; }

    /// <summary>Opens <paramref name="element"/> as an object with exactly the keys <paramref name="shape"/> declares; null (and a problem) if it is not an object.</summary>
    public static StrictObject? Open(JsonElement element, string path, List<ConfigProblem> problems, ConfigShape shape)
    {
        var keys = shape.Names;
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new(path, $"must be an object with the keys {string.Join(", ", keys)}; found {Describe(element)}."));
            return null;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (keys.Contains(property.Name, StringComparer.Ordinal))
            {
                continue;
            }

            var suggestion = Suggest(property.Name, keys);
            var fix = suggestion is null
                ? $"remove it (known keys: {string.Join(", ", keys)})."
                : $"did you mean '{suggestion}'?";
            problems.Add(new($"{path}.{property.Name}", $"unknown key; {fix}"));
        }

        return new StrictObject(element, shape, path, problems);
    }

    /// <summary>A required, non-blank string; "" (and a problem) when absent or of another type.</summary>
    public string RequiredString(string key)
    {
        var declared = Declared(key, ConfigType.String, required: true);
        if (!_element.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            _problems.Add(new($"{Path}.{key}", $"is required: set {declared.What}."));
            return "";
        }

        return StringValue(value, $"{Path}.{key}", declared.What);
    }

    /// <summary>An optional string; <paramref name="fallback"/> when absent.</summary>
    public string OptionalString(string key, string fallback) => OptionalString(key) ?? fallback;

    /// <summary>An optional string; null when absent.</summary>
    public string? OptionalString(string key)
    {
        var declared = Declared(key, ConfigType.String, required: false);
        return _element.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null
            ? StringValue(value, $"{Path}.{key}", declared.What)
            : null;
    }

    /// <summary>An optional object with exactly the keys its declaration's shape has; null when absent.</summary>
    public StrictObject? OptionalObject(string key)
    {
        var declared = Declared(key, ConfigType.Object, required: false);
        return _element.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null
            ? Open(value, $"{Path}.{key}", _problems, declared.Shape!)
            : null;
    }

    /// <summary>An optional list: empty when absent, but never empty when present (an empty list says nothing).</summary>
    public IReadOnlyList<(JsonElement Item, string Path)> OptionalList(string key)
    {
        var declared = Declared(key, ConfigType.List, required: false);
        return _element.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null
            ? List(value, $"{Path}.{key}", declared, _problems)
            : [];
    }

    /// <summary>A required, non-empty list; each item with its own path. Empty (and a problem) when absent, empty or not a list.</summary>
    public IReadOnlyList<(JsonElement Item, string Path)> RequiredList(string key)
        => List(_element.TryGetProperty(key, out var value) ? value : default, $"{Path}.{key}", Declared(key, ConfigType.List, required: true), _problems);

    /// <summary>The non-blank strings of a list of strings; a problem for each item that is not one.</summary>
    public IReadOnlyList<string> Strings(string key)
    {
        var declared = _shape[key];
        var items = declared.Required ? RequiredList(key) : OptionalList(key);
        return [.. items.Select(item => StringItem(item.Item, item.Path, declared.ItemWhat ?? declared.What, _problems))];
    }

    /// <summary>An optional whole number; <paramref name="fallback"/> when absent, null (and a problem) when of another type.</summary>
    public int? OptionalInt(string key, int fallback)
    {
        var declared = Declared(key, ConfigType.Integer, required: false);
        if (!_element.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        _problems.Add(new($"{Path}.{key}", $"must be a whole number ({declared.What}); found {Describe(value)}."));
        return null;
    }

    /// <summary>An optional boolean; <paramref name="fallback"/> when absent, and (with a problem) when of another type.</summary>
    public bool OptionalBool(string key, bool fallback)
    {
        Declared(key, ConfigType.Boolean, required: false);
        if (!_element.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        _problems.Add(new($"{Path}.{key}", $"must be true or false; found {Describe(value)}."));
        return fallback;
    }

    /// <summary>
    /// The declaration of <paramref name="key"/>, which must match how it is read: the reader and the generated schema
    /// then cannot disagree on a key's type or on whether it is required.
    /// </summary>
    private ConfigKey Declared(string key, ConfigType type, bool required)
    {
        var declared = _shape[key];
        return declared.Type == type && declared.Required == required
            ? declared
            : throw new InvalidOperationException($"'{_shape.Name}.{key}' is declared as {(declared.Required ? "a required" : "an optional")} {declared.Type} but read as {(required ? "a required" : "an optional")} {type}.");
    }

    /// <summary>Reads the list <paramref name="declared"/> at <paramref name="path"/>: required, and non-empty unless the key may be empty.</summary>
    public static IReadOnlyList<(JsonElement Item, string Path)> List(JsonElement value, string path, ConfigKey declared, List<ConfigProblem> problems)
    {
        var what = declared.Listed;
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            problems.Add(new(path, $"is required: list {what}."));
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            problems.Add(new(path, $"must be a list of {what}; found {Describe(value)}."));
            return [];
        }

        if (value.GetArrayLength() == 0 && !declared.MayBeEmpty)
        {
            problems.Add(new(path, $"must not be empty: list at least one of {what}."));
            return [];
        }

        return value.EnumerateArray().Select((item, i) => (item, $"{path}[{i}]")).ToList();
    }

    /// <summary>A string list item; "" (and a problem) when blank or of another type.</summary>
    public static string StringItem(JsonElement value, string path, string what, List<ConfigProblem> problems)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add(new(path, $"must be a string ({what}); found {Describe(value)}."));
            return "";
        }

        var text = value.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add(new(path, $"must not be blank: set {what}."));
            return "";
        }

        return text;
    }

    private string StringValue(JsonElement value, string path, string what) => StringItem(value, path, what, _problems);

    /// <summary>Names a JSON value's kind for an error message without echoing the value itself.</summary>
    internal static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>The known key closest to a misspelt one: same letters in another case, or at most two edits away.</summary>
    internal static string? Suggest(string unknown, IEnumerable<string> known)
    {
        var best = known
            .Select(k => (Key: k, Distance: string.Equals(k, unknown, StringComparison.OrdinalIgnoreCase) ? 0 : EditDistance(unknown.ToLowerInvariant(), k.ToLowerInvariant())))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Key is not null && best.Distance <= Math.Max(2, unknown.Length / 4) ? best.Key : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), substitution);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
