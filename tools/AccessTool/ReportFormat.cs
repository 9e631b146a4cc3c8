using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Config;

namespace Infra.Tool;

/// <summary>What the plan, diff and expiry reports write the same way: config problems, Markdown cells, indented JSON.</summary>
internal static class ReportFormat
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>One problem as a list item: <c>- `path`: message</c> in Markdown, <c>  - path: message</c> in text.</summary>
    public static string Problem(ConfigProblem problem, bool markdown)
        => markdown ? $"- `{problem.Path}`: {Escape(problem.Message)}" : $"  - {problem}";

    /// <summary>
    /// The body of a report whose config is invalid: a heading naming the stack (text) or a bold line (Markdown), then
    /// every problem; nothing else is reported then.
    /// </summary>
    public static string InvalidConfig(string project, string stack, IReadOnlyList<ConfigProblem> problems, bool markdown)
    {
        var text = new System.Text.StringBuilder();
        if (markdown)
        {
            text.AppendLine(FormattableString.Invariant($"**{problems.Count} config problem(s); nothing would be deployed.**")).AppendLine();
        }
        else
        {
            text.AppendLine(FormattableString.Invariant($"Stack {project}/{stack}: {problems.Count} config problem(s); nothing would be deployed."));
        }

        foreach (var problem in problems)
        {
            text.AppendLine(Problem(problem, markdown));
        }

        return text.ToString();
    }

    /// <summary>The problems as the JSON reports carry them: <c>[{path, message}]</c>.</summary>
    public static JsonArray Problems(IEnumerable<ConfigProblem> problems)
        => new(problems.Select(p => (JsonNode)new JsonObject { ["path"] = p.Path, ["message"] = p.Message }).ToArray());

    /// <summary>Indented JSON ending with a newline.</summary>
    public static string Write(JsonObject json) => json.ToJsonString(Indented) + "\n";

    /// <summary>A boolean as YAML, GitHub outputs and the messages write it: <c>true</c> or <c>false</c>.</summary>
    public static string Lower(bool value) => value ? "true" : "false";

    /// <summary>Text safe inside a Markdown table cell.</summary>
    public static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
