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
