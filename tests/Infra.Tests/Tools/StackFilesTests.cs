using Infra.Config;
using Infra.Tests.Support;
using Infra.Tool;
using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Tools;

public class StackFilesTests
{
    [Fact]
    public void A_stack_value_wins_and_the_project_default_fills_what_the_stack_leaves_out()
    {
        using var folder = new TemporaryProject();
        folder.Write("Pulumi.x.yaml", """
            config:
              infra:tokenLifetime: 900
              clients: [{key: a}]
              auth0:clientSecret:
                secure: v1:abcdef
              infra:keyVault:
                name: kv-x
                retries: 3
                public: false
            """);

        var config = StackFiles.Load(folder.Path, "x");

        Assert.Equal("900", config.Values["infra:tokenLifetime"]);
        Assert.Equal("""[{"key":"a"}]""", config.Values["infra:clients"]);
        Assert.Equal("""{"name":"kv-x","retries":3,"public":false}""", config.Values["infra:keyVault"]);
        Assert.Equal("false", config.Values["infra:protect"]);
        Assert.Equal("0", config.Values["infra:maxCredentialLifetimeDays"]);
        Assert.StartsWith("""[{"key":"orders-api","name":"Orders API",""", config.Values["infra:apis"], StringComparison.Ordinal);
        Assert.Equal(["auth0:clientSecret"], config.SecretKeys);
        Assert.False(config.Values.ContainsKey("auth0:clientSecret"));
    }

    [Fact]
    public void Structured_values_keep_their_yaml_types_as_the_cli_passes_them()
    {
        using var folder = new TemporaryProject();
        folder.Write("Pulumi.x.yaml", """
            config:
              infra:values:
                tilde: ~
                null: null
                empty:
                quotedNumber: "123"
                quotedNull: 'null'
                number: 123
                negative: -5
                beyondDouble: 9007199254740993
                fraction: 1.5
                exponent: 1e3
                notANumber: NaN
                yes: true
                quotedTrue: "true"
                word: abc
            """);

        var config = StackFiles.Load(folder.Path, "x");

        Assert.Equal(
            """{"tilde":null,"null":null,"empty":null,"quotedNumber":"123","quotedNull":"null","number":123,"negative":-5,"beyondDouble":9007199254740993,"fraction":1.5,"exponent":1000,"notANumber":"NaN","yes":true,"quotedTrue":"true","word":"abc"}""",
            config.Values["infra:values"]);
    }

    [Fact]
    public void A_project_files_value_wins_over_its_default()
    {
        using var folder = new TemporaryProject();
        folder.Write("Pulumi.yaml", """
            name: infra
            runtime: dotnet
            config:
              infra:onlyDefault:
                default: 1
              infra:onlyValue:
                value: 2
              infra:both:
                value: 3
                default: 4
              infra:plain: 5
              infra:declaredOnly:
                type: string
            """);

        var config = StackFiles.ProjectDefaults(folder.Path);

        Assert.Equal(new Dictionary<string, string> { ["infra:onlyDefault"] = "1", ["infra:onlyValue"] = "2", ["infra:both"] = "3", ["infra:plain"] = "5" }, config.Values);
        Assert.Equal(("infra", ""), (config.Project, config.Stack));
    }

    [Fact]
    public void An_empty_stack_file_is_a_stack_without_values_of_its_own()
    {
        using var folder = new TemporaryProject();
        folder.Write("Pulumi.empty.yaml", "");

        var config = StackFiles.Load(folder.Path, "empty");

        Assert.Equal(StackFiles.ProjectDefaults(folder.Path).Values, config.Values);
        Assert.Empty(config.SecretKeys);
    }

    [Fact]
    public void A_project_file_without_a_name_is_refused_naming_the_file()
    {
        using var folder = new TemporaryProject();
        folder.Write("Pulumi.yaml", "runtime: dotnet\n");

        var error = Assert.Throws<InvalidDataException>(() => StackFiles.ProjectDefaults(folder.Path));

        Assert.Equal($"{Path.Combine(folder.Path, "Pulumi.yaml")} has no name.", error.Message);
    }

    [Fact]
    public void Pulumi_yaml_declares_with_a_description_every_key_the_program_reads_and_no_other()
    {
        var stream = new YamlStream();
        stream.Load(File.OpenText(Path.Combine(StackHarness.RepositoryRoot(), "Pulumi.yaml")));
        var declared = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("config")];

        Assert.Equal(AccessConfigParser.ProjectKeys.Order(StringComparer.Ordinal), declared.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order(StringComparer.Ordinal));
        Assert.All(declared.Children.Values, d => Assert.False(string.IsNullOrWhiteSpace(((YamlScalarNode)((YamlMappingNode)d).Children[new YamlScalarNode("description")]).Value)));
    }

    [Fact]
    public void The_readme_documents_every_key_the_program_reads()
    {
        var readme = File.ReadAllText(Path.Combine(StackHarness.RepositoryRoot(), "README.md"));

        Assert.All(AccessConfigParser.ProjectKeys, key => Assert.Contains($"| `infra:{key}", readme, StringComparison.Ordinal));
        foreach (var nested in new[] { "apis[].previousKeys", "apis[].import", "clients[].readers[]", "clients[].expires", "clients[].rotation", "clients[].disabled", "clients[].grants[].import", "keyVault.create.location", "keyVault.secretPrefix" })
        {
            Assert.Contains($"| `infra:{nested}", readme, StringComparison.Ordinal);
        }
    }
}
