using System.Text.Json;
using Infra.Config;

namespace Infra.Tests.Config;

/// <summary>
/// The guards that keep the parser reading every key as <see cref="StackConfigKeys"/> declares it (the schema is
/// generated from the same declarations): a reader that disagrees with its declaration must fail loudly, naming both.
/// </summary>
public class ConfigDeclarationTests
{
    private static readonly ConfigShape Probe = new(
        "probe",
        "a shape for these tests",
        new ConfigKey("label", ConfigType.String, true, "a label", "A label."),
        new ConfigKey("note", ConfigType.String, false, "a note", "A note."));

    private static StrictObject Open(string json) =>
        StrictObject.Open(JsonDocument.Parse(json).RootElement.Clone(), "infra:probe", [], Probe)!;

    [Fact]
    public void A_required_key_read_as_optional_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Open("""{"label": "x"}""").OptionalString("label"));

        Assert.Equal("'probe.label' is declared as a required String but read as an optional String.", error.Message);
    }

    [Fact]
    public void An_optional_key_read_as_required_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Open("""{"note": "x"}""").RequiredString("note"));

        Assert.Equal("'probe.note' is declared as an optional String but read as a required String.", error.Message);
    }

    [Fact]
    public void A_string_key_read_as_a_boolean_is_refused_before_its_value_is_looked_at()
    {
        // The key is absent, so only the declaration check can fail.
        var error = Assert.Throws<InvalidOperationException>(() => Open("{}").OptionalBool("note", false));

        Assert.Equal("'probe.note' is declared as an optional String but read as an optional Boolean.", error.Message);
    }

    [Fact]
    public void Reading_a_key_the_shape_does_not_declare_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Probe["owner"]);

        Assert.Equal("The config object 'probe' declares no key 'owner': declare it in StackConfigKeys.", error.Message);
    }

    [Fact]
    public void A_project_key_read_as_another_type_or_not_declared_is_refused()
    {
        Assert.Equal("protect", StackConfigKeys.ProjectKey("protect", ConfigType.Boolean).Name);

        var wrongType = Assert.Throws<InvalidOperationException>(() => StackConfigKeys.ProjectKey("protect", ConfigType.Integer));
        var undeclared = Assert.Throws<InvalidOperationException>(() => StackConfigKeys.ProjectKey("region"));

        Assert.Equal("The project config key 'protect' is declared as Boolean but read as Integer.", wrongType.Message);
        Assert.Equal("No project config key 'region' is declared in StackConfigKeys.Project.", undeclared.Message);
    }

    [Theory]
    [InlineData("ab", new[] { "ac", "aa" }, "aa")]
    [InlineData("ab", new[] { "aa", "ac" }, "aa")]
    [InlineData("Name", new[] { "nam", "name" }, "name")]
    public void A_misspelt_key_is_matched_to_the_nearest_known_one_and_ties_go_to_the_first_in_ordinal_order(string unknown, string[] known, string expected)
    {
        Assert.Equal(expected, StrictObject.Suggest(unknown, known));
    }
}
