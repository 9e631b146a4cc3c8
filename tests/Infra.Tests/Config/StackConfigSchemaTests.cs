using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Infra.Config;
using Infra.Tests.Support;
using Infra.Tool;
using Infra.Tool.Schema;
using Json.Schema;

namespace Infra.Tests.Config;

public partial class StackConfigSchemaTests
{
    private static readonly string Root = StackHarness.RepositoryRoot();

    private static readonly Lazy<JsonSchema> Committed = new(() => JsonSchema.FromText(File.ReadAllText(Path.Combine(Root, StackConfigSchema.RelativePath))));

    private static readonly IReadOnlyDictionary<string, string> Dev = StackHarness.StackConfig("dev");

    private static List<string> ExampleStackFiles() => [.. Directory.GetFiles(Root, "Pulumi.*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    public static TheoryData<string> StackFileNames => [.. ExampleStackFiles()];

    [Fact]
    public void The_committed_schema_is_the_one_the_parsers_declarations_generate()
    {
        var committed = File.ReadAllText(Path.Combine(Root, StackConfigSchema.RelativePath)).ReplaceLineEndings("\n");

        Assert.True(
            committed == StackConfigSchema.Generate(Root),
            $"{StackConfigSchema.RelativePath} is stale: the config keys changed. Run `{StackConfigSchema.Command}` and commit the file.");
    }

    [Theory]
    [MemberData(nameof(StackFileNames))]
    public void Every_example_stack_file_names_the_schema_on_its_first_line_and_validates_against_it(string file)
    {
        var path = Path.Combine(Root, file);

        Assert.Equal("# yaml-language-server: $schema=./schema/stack-config.schema.json", File.ReadLines(path).First());
        var result = Evaluate(StackFiles.ReadAsJson(path));
        Assert.True(result.IsValid, string.Join("\n", Errors(result)));
    }

    [Fact]
    public void The_example_stacks_are_all_of_them()
    {
        Assert.Equal(["Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.staging.checkout.yaml", "Pulumi.staging.warehouse.yaml", "Pulumi.staging.yaml"], ExampleStackFiles());
    }

    [Fact]
    public void A_secret_must_be_encrypted_other_packages_keys_pass_and_project_keys_are_only_the_declared_ones()
    {
        var stack = Stack(Dev);
        stack["config"]!["auth0:clientSecret"] = new JsonObject { ["secure"] = "v1:AAAA" };
        stack["config"]!["azure-native:location"] = "westeurope";
        stack["config"]!["infra:tokenLifetime"] = "900"; // as `pulumi config set` writes it
        Assert.True(Evaluate(stack).IsValid, string.Join("\n", Errors(Evaluate(stack))));

        stack["config"]!["auth0:clientSecret"] = "plain-text";
        Assert.Contains("/config/auth0:clientSecret", Errors(Evaluate(stack)).Select(e => e.Location));
        stack["config"]!["auth0:clientSecret"] = new JsonObject { ["secure"] = "v1:AAAA" };
        stack["config"]!["keyVault"] = new JsonObject(); // unqualified: the Pulumi CLI wants namespace:key in a stack file
        Assert.Contains("/config/keyVault", Errors(Evaluate(stack)).Select(e => e.Location));
    }

    /// <summary>The invalid-config corpus's cases with an unknown key or a value of the wrong type.</summary>
    private static List<string> UnknownKeyAndWrongType() => [.. AccessConfigParserTests.InvalidConfigs
        .Where(c => c.Value.Expected.Any(IsUnknownKeyOrWrongType))
        .Select(c => c.Key)];

    public static TheoryData<string> UnknownKeyAndWrongTypeCases => [.. UnknownKeyAndWrongType()];

    [Fact]
    public void The_corpus_cases_taken_are_those_with_an_unknown_key_or_a_wrong_type()
    {
        Assert.Equal(
            ["api not an object", "apis a plain string", "client name a list", "client name a number", "client not an object", "client owner a boolean", "created vault with an unknown key", "disabled a string", "grant not an object", "grant of a scope on an api whose only scope is malformed", "grant scope not a string", "keyVault a plain string", "keyVault name an object", "keyVault name misspelt", "maximum lifetime not a number", "production not a boolean in a stack without protection", "protect not a boolean", "reader not an object", "rotation a string", "scope not an object", "stack token lifetime not a number", "tokenLifetime a string", "tokenLifetime in another case", "top-level key misspelt", "top-level key unknown", "two apis not objects", "unknown key without a near match"],
            UnknownKeyAndWrongType().Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(UnknownKeyAndWrongTypeCases))]
    public void The_schema_rejects_the_corpus_cases_with_an_unknown_key_or_a_wrong_type_where_the_parser_does(string name)
    {
        var (edit, expected) = AccessConfigParserTests.InvalidConfigs[name];

        var result = Evaluate(Stack(edit(Dev)));

        Assert.False(result.IsValid);
        var locations = Errors(result).Select(e => e.Location).ToHashSet(StringComparer.Ordinal);
        Assert.All(expected.Where(IsUnknownKeyOrWrongType), problem => Assert.Contains(Pointer(problem), locations));
    }

    [Fact]
    public void A_stack_file_of_a_project_that_sets_nothing_must_set_exactly_the_vault_apis_and_clients()
    {
        // Pulumi.yaml here sets the apis catalogue, so the committed schema requires only two; another project may not.
        var none = StackConfigSchema.Generate("infra", new HashSet<string>(StringComparer.Ordinal));
        var catalogue = StackConfigSchema.Generate("infra", new HashSet<string>(["infra:apis"], StringComparer.Ordinal));

        Assert.Equal(["infra:keyVault", "infra:apis", "infra:clients"], none["properties"]!["config"]!["required"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(["infra:keyVault", "infra:clients"], catalogue["properties"]!["config"]!["required"]!.AsArray().Select(n => (string)n!));
    }

    /// <summary>Each declared key set to a value of the wrong type: the parser and the schema both refuse it there.</summary>
    public static TheoryData<string> DeclaredKeys => [.. WrongTypeEdits().Keys];

    [Theory]
    [MemberData(nameof(DeclaredKeys))]
    public void Every_declared_key_is_read_by_the_parser_and_typed_in_the_schema(string path)
    {
        var config = WrongTypeEdits()[path];

        var problems = Assert.Throws<ConfigValidationException>(() => AccessConfigParser.Parse(AccessConfigParserTests.Raw(config))).Problems;
        Assert.Contains(path, problems.Select(p => p.Path));
        Assert.Contains(Pointer($"{path}: x"), Errors(Evaluate(Stack(config))).Select(e => e.Location));
    }

    [Fact]
    public void Every_declared_key_has_a_wrong_type_case()
    {
        var declared = StackConfigKeys.Project.Count + new[] { StackConfigKeys.KeyVault, StackConfigKeys.ManagedVault, StackConfigKeys.Api, StackConfigKeys.Scope, StackConfigKeys.Client, StackConfigKeys.Grant, StackConfigKeys.Reader }.Sum(s => s.Keys.Count);

        Assert.Equal(declared, WrongTypeEdits().Count);
    }

    /// <summary>
    /// For every declared key, the dev stack with that key (in its first object of the kind) set to a value of another
    /// type: a number for a string, a string for anything else; keyVault.create is added first, as dev has none.
    /// </summary>
    internal static Dictionary<string, Dictionary<string, string>> WrongTypeEdits()
    {
        const string ns = "infra";
        var withCreate = Dev.Edit($"{ns}:keyVault", v => v["create"] = new JsonObject { ["location"] = "westeurope", ["deployerObjectId"] = "6a1f3c5e-8b2d-4e7f-9a0c-1d3e5f7a9b2c" });
        var places = new (ConfigShape Shape, string Key, string Pointer, IReadOnlyDictionary<string, string> Config)[]
        {
            (StackConfigKeys.KeyVault, $"{ns}:keyVault", "", Dev),
            (StackConfigKeys.ManagedVault, $"{ns}:keyVault", "create", withCreate),
            (StackConfigKeys.Api, $"{ns}:apis", "0", Dev),
            (StackConfigKeys.Scope, $"{ns}:apis", "0.scopes.0", Dev),
            (StackConfigKeys.Client, $"{ns}:clients", "0", Dev),
            (StackConfigKeys.Grant, $"{ns}:clients", "0.grants.0", Dev),
            (StackConfigKeys.Reader, $"{ns}:clients", "0.readers.0", Dev),
        };
        var edits = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var key in StackConfigKeys.Project)
        {
            edits[$"{ns}:{key.Name}"] = Dev.Set($"{ns}:{key.Name}", key.Type == ConfigType.String ? "42" : "x");
        }

        foreach (var (shape, configKey, at, config) in places)
        {
            foreach (var key in shape.Keys)
            {
                var path = configKey + string.Concat(at.Split('.', StringSplitOptions.RemoveEmptyEntries).Select(p => int.TryParse(p, out _) ? $"[{p}]" : $".{p}")) + $".{key.Name}";
                edits[path] = config.Edit(configKey, node =>
                {
                    var target = at.Split('.', StringSplitOptions.RemoveEmptyEntries).Aggregate(node, (n, p) => int.TryParse(p, out var i) ? n[i]! : n[p]!);
                    target[key.Name] = key.Type == ConfigType.String ? JsonValue.Create(42) : JsonValue.Create("x");
                });
            }
        }

        return edits;
    }

    private static bool IsUnknownKeyOrWrongType(string problem) => WrongTypeMessage().IsMatch(problem);

    [GeneratedRegex(@"^[^ ]+: (unknown key;|must be a string \(|must be a list of |must be an object with the keys |must be a whole number|must be true or false)")]
    private static partial Regex WrongTypeMessage();

    /// <summary>A problem's config path as a JSON Pointer into the stack file: <c>infra:clients[0].team</c> is <c>/config/infra:clients/0/team</c>.</summary>
    private static string Pointer(string problem)
    {
        var path = problem[..problem.IndexOf(": ", StringComparison.Ordinal)];
        var top = path.IndexOfAny(['.', '[']) is var i and >= 0 ? i : path.Length;
        var rest = path[top..].Replace("[", ".", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal);
        return "/config/" + path[..top] + string.Concat(rest.Split('.', StringSplitOptions.RemoveEmptyEntries).Select(p => $"/{p}"));
    }

    /// <summary>A config map (as the tests edit it) as the stack file would hold it: structured and typed values parsed, text as text.</summary>
    private static JsonObject Stack(IReadOnlyDictionary<string, string> config)
    {
        static JsonNode? Value(string text)
        {
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                return JsonValue.Create(text);
            }
        }

        return new JsonObject { ["config"] = new JsonObject(config.Select(p => KeyValuePair.Create(p.Key, Value(p.Value)))) };
    }

    private static EvaluationResults Evaluate(JsonNode? stackFile)
        => Committed.Value.Evaluate(JsonSerializer.SerializeToElement(stackFile), new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static IEnumerable<(string Location, string Message)> Errors(EvaluationResults result)
        => (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => (d.InstanceLocation.ToString(), $"{d.InstanceLocation} {e.Key}: {e.Value}")));
}
