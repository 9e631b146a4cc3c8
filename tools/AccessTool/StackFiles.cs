using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Infra.Tool;

/// <summary>A stack's config, read from files the way the Pulumi CLI hands it to the program.</summary>
/// <param name="Project">The project name: the namespace of the program's own keys.</param>
/// <param name="Stack">The stack name.</param>
/// <param name="Values">Every value keyed <c>namespace:key</c>: scalars as text, structured values as JSON.</param>
/// <param name="SecretKeys">Keys whose value is encrypted in the stack file (<c>secure:</c>); their values are not read.</param>
public sealed record StackConfig(string Project, string Stack, IReadOnlyDictionary<string, string> Values, IReadOnlyList<string> SecretKeys);

/// <summary>
/// Reads <c>Pulumi.yaml</c> and <c>Pulumi.&lt;stack&gt;.yaml</c> without the Pulumi CLI: the stack file's values, then
/// for every key the project file declares with a <c>value</c> or <c>default</c> and the stack does not set, that
/// value (the CLI's own precedence; a project value replaces nothing the stack sets, it is not merged into it).
/// </summary>
public static class StackFiles
{
    /// <summary>Reads the stack <paramref name="stack"/> of the project in <paramref name="projectDirectory"/>.</summary>
    public static StackConfig Load(string projectDirectory, string stack)
        => Load(Path.Combine(projectDirectory, "Pulumi.yaml"), Path.Combine(projectDirectory, $"Pulumi.{stack}.yaml"), stack);

    /// <summary>Reads a stack file against a project file; a missing stack file is a stack with no values of its own.</summary>
    public static StackConfig Load(string projectFile, string stackFile, string stack)
        => Parse(File.ReadAllText(projectFile), File.Exists(stackFile) ? File.ReadAllText(stackFile) : null, stack, projectFile);

    /// <summary>
    /// The same from the files' text (a version read from git history, say); a null <paramref name="stackText"/> is a
    /// stack with no values of its own. <paramref name="projectSource"/> names the project file in errors.
    /// </summary>
    public static StackConfig Parse(string projectText, string? stackText, string stack, string projectSource = "Pulumi.yaml")
    {
        ArgumentNullException.ThrowIfNull(projectText);
        var project = (YamlMappingNode)ReadYaml(projectText);
        var projectName = Scalar(project, "name") ?? throw new InvalidDataException($"{projectSource} has no name.");

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var secretKeys = new List<string>();
        if (stackText is not null && ReadYaml(stackText) is YamlMappingNode stackRoot && Child(stackRoot, "config") is YamlMappingNode stackConfig)
        {
            foreach (var (keyNode, value) in stackConfig.Children)
            {
                var key = FullKey(projectName, ((YamlScalarNode)keyNode).Value!);
                if (value is YamlMappingNode map && Child(map, "secure") is not null)
                {
                    secretKeys.Add(key);
                    continue;
                }

                values[key] = AsConfigText(value);
            }
        }

        if (Child(project, "config") is YamlMappingNode declared)
        {
            foreach (var (keyNode, declaration) in declared.Children)
            {
                var key = FullKey(projectName, ((YamlScalarNode)keyNode).Value!);
                if (values.ContainsKey(key) || secretKeys.Contains(key))
                {
                    continue;
                }

                // A mapping declares the key (type, description, value or default); anything else is a plain value.
                var projectValue = declaration is YamlMappingNode attributes
                    ? Child(attributes, "value") ?? Child(attributes, "default")
                    : declaration;
                if (projectValue is not null)
                {
                    values[key] = AsConfigText(projectValue);
                }
            }
        }

        return new StackConfig(projectName, stack, values, secretKeys);
    }

    /// <summary>What the project file alone provides: its name and the <c>value</c>s and <c>default</c>s it declares.</summary>
    public static StackConfig ProjectDefaults(string projectDirectory)
        => Load(Path.Combine(projectDirectory, "Pulumi.yaml"), stackFile: "", stack: "");

    /// <summary>
    /// A whole YAML file as JSON, scalars typed as YAML reads them (as an editor's YAML language server does):
    /// what a JSON Schema of the file is checked against.
    /// </summary>
    public static JsonNode? ReadAsJson(string path) => ToJson(ReadYaml(File.ReadAllText(path)));

    /// <summary>The map as the <c>PULUMI_CONFIG</c> environment variable carries it.</summary>
    public static string ToEnvironmentValue(IReadOnlyDictionary<string, string> values) => JsonSerializer.Serialize(values);

    private static YamlNode ReadYaml(string text)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(text))
        {
            stream.Load(reader);
        }

        return stream.Documents.Count == 0 ? new YamlMappingNode() : stream.Documents[0].RootNode;
    }

    // A project's own keys may be written without their namespace in Pulumi.yaml and in stack files.
    private static string FullKey(string project, string key) => key.Contains(':', StringComparison.Ordinal) ? key : $"{project}:{key}";

    private static YamlNode? Child(YamlMappingNode map, string key)
        => map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private static string? Scalar(YamlMappingNode map, string key) => (Child(map, key) as YamlScalarNode)?.Value;

    private static string AsConfigText(YamlNode value) => value is YamlScalarNode scalar ? scalar.Value ?? "" : ToJson(value)!.ToJsonString();

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => TypedScalar(scalar),
        _ => throw new NotSupportedException(node.NodeType.ToString()),
    };

    // Inside structured values YAML's plain scalars keep their YAML types, as the CLI passes them.
    private static JsonNode? TypedScalar(YamlScalarNode scalar)
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
}
