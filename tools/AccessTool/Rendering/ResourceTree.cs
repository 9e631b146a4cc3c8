using System.Text.Json.Nodes;
using Infra.Tool.Preview;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Infra.Tool.Rendering;

/// <summary>One resource as a node of the text reports' tree, the way <c>pulumi preview</c> lists it.</summary>
internal static class ResourceTree
{
    /// <summary>The width of the operation column: <c>+- replace</c> and a space.</summary>
    private const int OperationWidth = 11;

    /// <summary>
    /// The operation, type and name (and flags such as <c>[protected]</c>), then, indented, its inputs: those that
    /// matter for the type on one line, or with <paramref name="details"/> every input on a line of its own.
    /// </summary>
    public static IRenderable Node(OperationKind kind, string type, string name, string flags, JsonObject inputs, IReadOnlySet<string> placeholders, bool details)
    {
        var style = kind switch
        {
            OperationKind.Create => new Style(Color.Green),
            OperationKind.Update => new Style(Color.Yellow),
            OperationKind.Replace => new Style(Color.Fuchsia),
            OperationKind.Delete => new Style(Color.Red),
            _ => new Style(decoration: Decoration.Dim),
        };
        var node = new Paragraph()
            .Append($"{OperationsReport.Symbol(kind)} {Word(kind)}".PadRight(OperationWidth), style)
            .Append($"{type} ")
            .Append(name, new Style(decoration: Decoration.Bold))
            .Append(flags, new Style(Color.Yellow));
        var lines = details ? InputDisplay.Details(inputs, placeholders) : [InputDisplay.Summary(type, inputs, placeholders)];
        foreach (var line in lines.Where(l => l.Length > 0))
        {
            // Under the name, past the operation: the eye runs down the operations, then across to the inputs.
            node.Append($"\n{new string(' ', OperationWidth)}{line}", new Style(decoration: Decoration.Dim));
        }

        return node;
    }

    /// <summary>The operation as <c>pulumi preview</c> writes it.</summary>
    public static string Word(OperationKind kind) => kind.ToString().ToLowerInvariant();
}
