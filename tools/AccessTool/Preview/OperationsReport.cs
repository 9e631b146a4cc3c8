using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Infra.Tool.Plan;
using Infra.Tool.Rendering;
using Spectre.Console;

namespace Infra.Tool.Preview;

/// <summary>Writes an <see cref="OperationsPreviewResult"/> as text, Markdown or JSON, and gives its exit code.</summary>
public static class OperationsReport
{
    /// <summary>Exit code when either version's config is invalid.</summary>
    public const int InvalidConfigExitCode = 1;

    /// <summary>Exit code when the real engine would refuse the change (or a provider break it).</summary>
    public const int RefusedExitCode = 3;

    /// <summary>The process exit code for <paramref name="preview"/>.</summary>
    public static int ExitCode(OperationsPreviewResult preview)
    {
        ArgumentNullException.ThrowIfNull(preview);
        return !preview.Valid ? InvalidConfigExitCode : preview.Refused ? RefusedExitCode : 0;
    }

    /// <summary>Renders the preview in <paramref name="format"/>; text as plain ASCII, every input with <paramref name="details"/>.</summary>
    public static string Render(OperationsPreviewResult preview, OutputFormat format, bool details = false)
    {
        ArgumentNullException.ThrowIfNull(preview);
        return format switch
        {
            OutputFormat.Markdown => Markdown(preview),
            OutputFormat.Json => Json(preview),
            _ => ReportConsole.PlainText(console => Write(console, preview, details)),
        };
    }

    /// <summary>create / update / replace / delete counts, as <c>pulumi preview</c> ends.</summary>
    public static string Summary(OperationsPreviewResult preview)
    {
        ArgumentNullException.ThrowIfNull(preview);
        return string.Create(CultureInfo.InvariantCulture, $"{preview.Count(OperationKind.Create)} to create, {preview.Count(OperationKind.Update)} to update, {preview.Count(OperationKind.Replace)} to replace, {preview.Count(OperationKind.Delete)} to delete, {preview.Count(OperationKind.Same)} unchanged");
    }

    /// <summary>The symbol <c>pulumi preview</c> uses for an operation.</summary>
    public static string Symbol(OperationKind kind) => kind switch
    {
        OperationKind.Create => "+",
        OperationKind.Update => "~",
        OperationKind.Replace => "+-",
        OperationKind.Delete => "-",
        _ => " ",
    };

    /// <summary>
    /// Writes the preview as text: a tree of the operations that do something, under their components, each with the
    /// inputs that matter for its type (every input with <paramref name="details"/>); a summary; findings and warnings.
    /// </summary>
    public static void Write(IAnsiConsole console, OperationsPreviewResult preview, bool details = false)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(preview);
        if (!preview.Valid)
        {
            console.Write(ReportFormat.InvalidConfig(preview.Project, preview.Stack, preview.Problems, markdown: false));
            return;
        }

        var tree = new Tree(Invariant($"Operations preview of {preview.Project}/{preview.Stack} (what `pulumi up` would do):")) { Guide = ReportConsole.Guide(console) };
        TreeNode? component = null;
        foreach (var (op, depth) in Changed(preview))
        {
            var node = ResourceTree.Node(op.Kind, op.Type, op.Name, Detail(op), op.Inputs, preview.Placeholders, details);
            if (depth == 0)
            {
                component = tree.AddNode(node);
            }
            else
            {
                component!.AddNode(node);
            }
        }

        console.Write(tree);
        var text = new StringBuilder().AppendLine(Invariant($"Summary: {Summary(preview)}"));
        AppendFindings(text, preview, markdown: false);
        console.Write(new Text(text.ToString()));
    }

    private static string Markdown(OperationsPreviewResult preview)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant($"### Operations preview: `{preview.Project}/{preview.Stack}`")).AppendLine();
        if (!preview.Valid)
        {
            return md.Append(ReportFormat.InvalidConfig(preview.Project, preview.Stack, preview.Problems, markdown: true)).ToString();
        }

        md.AppendLine(Invariant($"**{Summary(preview)}**")).AppendLine();
        if (preview.Refused)
        {
            md.AppendLine("> [!CAUTION]").AppendLine("> The real `pulumi up` would refuse or break this change; see the errors below.").AppendLine();
        }

        var changed = Changed(preview).ToList();
        if (changed.Count > 0)
        {
            md.AppendLine("| op | type | name | details |").AppendLine("|---|---|---|---|");
            foreach (var (op, _) in changed)
            {
                md.AppendLine(Invariant($"| `{Symbol(op.Kind)}` {op.Kind.ToString().ToLowerInvariant()} | `{op.Type}` | `{op.Name}` | {ReportFormat.Escape(Detail(op).Trim())} |"));
            }

            md.AppendLine();
        }

        AppendFindings(md, preview, markdown: true);
        return md.ToString();
    }

    private static void AppendFindings(StringBuilder output, OperationsPreviewResult preview, bool markdown)
    {
        foreach (var (severity, title) in new[] { (FindingSeverity.Error, "Errors (the real engine would refuse or break this)"), (FindingSeverity.Warning, "Warnings") })
        {
            var findings = preview.Findings.Where(f => f.Severity == severity).ToList();
            if (findings.Count == 0)
            {
                continue;
            }

            output.AppendLine(markdown ? Invariant($"\n#### {title}\n") : Invariant($"{title}:"));
            foreach (var f in findings)
            {
                output.AppendLine(markdown
                    ? Invariant($"- **{f.Rule}** `{f.Urn}`: {ReportFormat.Escape(f.Reason)} Fix: {ReportFormat.Escape(f.Fix)}")
                    : Invariant($"  - {f.Rule} {f.Urn}: {f.Reason} Fix: {f.Fix}"));
            }
        }

        if (preview.Warnings.Count > 0)
        {
            output.AppendLine(markdown ? "\n#### Config warnings\n" : "Config warnings:");
            foreach (var warning in preview.Warnings)
            {
                output.AppendLine(ReportFormat.Problem(warning, markdown));
            }
        }
    }

    private static string Json(OperationsPreviewResult preview)
    {
        static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v!).ToArray());
        var json = new JsonObject
        {
            ["project"] = preview.Project,
            ["stack"] = preview.Stack,
            ["valid"] = preview.Valid,
            ["refused"] = preview.Refused,
            ["problems"] = ReportFormat.Problems(preview.Problems),
            ["summary"] = new JsonObject
            {
                ["create"] = preview.Count(OperationKind.Create),
                ["update"] = preview.Count(OperationKind.Update),
                ["replace"] = preview.Count(OperationKind.Replace),
                ["delete"] = preview.Count(OperationKind.Delete),
                ["same"] = preview.Count(OperationKind.Same),
            },
            ["operations"] = new JsonArray(preview.Operations.Select(o => (JsonNode)new JsonObject
            {
                ["op"] = o.Kind.ToString().ToLowerInvariant(),
                ["urn"] = o.Urn,
                ["type"] = o.Type,
                ["name"] = o.Name,
                ["previousUrn"] = o.PreviousUrn,
                ["changedInputs"] = Strings(o.ChangedInputs),
                ["replaceReasons"] = Strings(o.ReplaceReasons),
                ["protect"] = o.Protect,
                ["deleteBeforeReplace"] = o.DeleteBeforeReplace,
                ["retainOnDelete"] = o.RetainOnDelete,
            }).ToArray()),
            ["findings"] = new JsonArray(preview.Findings.Select(f => (JsonNode)new JsonObject
            {
                ["severity"] = f.Severity.ToString().ToLowerInvariant(),
                ["rule"] = f.Rule,
                ["urn"] = f.Urn,
                ["reason"] = f.Reason,
                ["fix"] = f.Fix,
            }).ToArray()),
            ["warnings"] = ReportFormat.Problems(preview.Warnings),
        };
        return ReportFormat.Write(json);
    }

    /// <summary>The operations that do something, each under its component (a component shown when a child changes).</summary>
    private static IEnumerable<(Operation Op, int Depth)> Changed(OperationsPreviewResult preview)
    {
        var children = preview.Operations.Where(o => o.ParentUrn is not null).ToLookup(o => o.ParentUrn!);
        foreach (var top in preview.Operations.Where(o => o.ParentUrn is null))
        {
            // A component found through an alias keeps the children deleted under its old URN.
            var changedChildren = children[top.Urn].Concat(top.PreviousUrn is null ? [] : children[top.PreviousUrn])
                .Where(c => c.Kind != OperationKind.Same)
                .ToList();
            if (top.Kind == OperationKind.Same && changedChildren.Count == 0)
            {
                continue;
            }

            yield return (top, 0);
            foreach (var child in changedChildren)
            {
                yield return (child, 1);
            }
        }
    }

    private static string Detail(Operation op)
    {
        var parts = new List<string>();
        switch (op.Kind)
        {
            case OperationKind.Replace:
                parts.Add($"replace: {string.Join(", ", op.ReplaceReasons)}" + (op.DeleteBeforeReplace ? " (delete first)" : ""));
                break;
            case OperationKind.Update:
                parts.Add($"update: {string.Join(", ", op.ChangedInputs)}");
                break;
            case OperationKind.Delete when op.RetainOnDelete:
                parts.Add("retained: dropped from the state, left in place");
                break;
        }

        if (op.PreviousUrn is not null)
        {
            parts.Add($"was {op.PreviousUrn[(op.PreviousUrn.LastIndexOf("::", StringComparison.Ordinal) + 2)..]}");
        }

        if (op.Protect)
        {
            parts.Add("protected");
        }

        return parts.Count == 0 ? "" : $" [{string.Join("; ", parts)}]";
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
