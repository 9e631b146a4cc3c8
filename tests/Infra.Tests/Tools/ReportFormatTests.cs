using System.Text.Json.Nodes;
using Infra.Config;
using Infra.Tool;

namespace Infra.Tests.Tools;

public class ReportFormatTests
{
    private static readonly ConfigProblem[] Problems =
    [
        new("infra:clients[0].name", "is required."),
        new("infra:apis[1].scopes", "'a|b' is not a scope:\nuse a:b."),
    ];

    [Fact]
    public void A_problem_is_a_list_item_with_the_path_in_code_in_markdown()
    {
        Assert.Equal("- `infra:apis[1].scopes`: 'a\\|b' is not a scope: use a:b.", ReportFormat.Problem(Problems[1], markdown: true));
        Assert.Equal("  - infra:apis[1].scopes: 'a|b' is not a scope:\nuse a:b.", ReportFormat.Problem(Problems[1], markdown: false));
    }

    [Fact]
    public void Invalid_config_is_a_heading_then_every_problem()
    {
        Assert.Equal(
            "**2 config problem(s); nothing would be deployed.**\n\n- `infra:clients[0].name`: is required.\n- `infra:apis[1].scopes`: 'a\\|b' is not a scope: use a:b.\n",
            ReportFormat.InvalidConfig("infra", "dev", Problems, markdown: true).ReplaceLineEndings("\n"));
        Assert.Equal(
            "Stack infra/dev: 2 config problem(s); nothing would be deployed.\n  - infra:clients[0].name: is required.\n  - infra:apis[1].scopes: 'a|b' is not a scope:\nuse a:b.\n",
            ReportFormat.InvalidConfig("infra", "dev", Problems, markdown: false).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Json_carries_each_problem_as_path_and_message_indented_and_ends_with_a_newline()
    {
        Assert.Equal(
            """[{"path":"infra:clients[0].name","message":"is required."},{"path":"infra:apis[1].scopes","message":"\u0027a|b\u0027 is not a scope:\nuse a:b."}]""",
            ReportFormat.Problems(Problems).ToJsonString());
        Assert.Equal("{\n  \"valid\": false\n}\n", ReportFormat.Write(new JsonObject { ["valid"] = false }).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_markdown_cell_escapes_its_pipes_and_keeps_to_one_line()
    {
        Assert.Equal("a\\|b c", ReportFormat.Escape("a|b\nc"));
    }
}
