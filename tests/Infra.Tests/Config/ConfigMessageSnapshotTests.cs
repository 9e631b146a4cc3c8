using Infra.Config;
using Infra.Tests.Support;

namespace Infra.Tests.Config;

/// <summary>
/// What the parser says for every declared key set to a value of the wrong type, pinned in one reviewed file: each
/// message names what the key holds, from its declaration, so a changed declaration shows up here as a changed line.
/// </summary>
public class ConfigMessageSnapshotTests
{
    [Fact]
    public void Every_declared_keys_wrong_type_message_is_the_reviewed_one()
    {
        var lines = StackConfigSchemaTests.WrongTypeEdits()
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .SelectMany(e => Assert.Throws<ConfigValidationException>(() => AccessConfigParser.Parse(AccessConfigParserTests.Raw(e.Value))).Problems.Where(p => p.Path == e.Key))
            .Select(p => p.ToString());

        TextSnapshot.AssertMatches("config-wrong-type-messages.txt", string.Join("\n", lines) + "\n");
    }
}
