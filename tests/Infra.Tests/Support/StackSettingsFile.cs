using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Support;

/// <summary>
/// Reads a <c>Pulumi.&lt;stack&gt;.yaml</c> into the config map the Pulumi engine hands a program: top-level
/// scalars as text, structured values as JSON (YAML numbers and booleans typed as the engine types them).
/// </summary>
internal static class StackSettingsFile
{
    public static Dictionary<string, string> Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(path))
        {
            stream.Load(reader);
        }

        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var config = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!root.Children.TryGetValue(new YamlScalarNode("config"), out var node) || node is not YamlMappingNode entries)
        {
            return config;
        }

        foreach (var (key, value) in entries.Children)
        {
            config[((YamlScalarNode)key).Value!] = value switch
            {
                YamlScalarNode scalar => scalar.Value ?? "",
                _ => ToJson(value)!.ToJsonString(),
            };
        }

        return config;
    }

    /// <summary>The repository's copy of a stack file, found by walking up from the test binaries to Infra.sln.</summary>
    public static string PathOf(string stack) => Path.Combine(RepositoryRoot(), $"Pulumi.{stack}.yaml");

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Infra.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Infra.sln not found above " + AppContext.BaseDirectory);
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException(node.NodeType.ToString()),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null")
        {
            return null;
        }

        if (text is "true" or "false")
        {
            return JsonValue.Create(text == "true");
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return JsonValue.Create(whole);
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && text.Any(char.IsDigit)
            ? JsonValue.Create(real)
            : JsonValue.Create(text);
    }

    /// <summary>The map as the <c>PULUMI_CONFIG</c> environment variable carries it.</summary>
    public static string ToEnvironmentValue(IReadOnlyDictionary<string, string> config) => JsonSerializer.Serialize(config);
}
