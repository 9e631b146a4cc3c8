using System.Text;
using System.Text.Json.Nodes;
using Infra.Tool.Rendering;
using Spectre.Console;

namespace Infra.Tool.Plan;

/// <summary>Writes a <see cref="PlanResult"/> as text, Markdown or JSON.</summary>
public static class PlanReport
{
    /// <summary>Renders the plan in <paramref name="format"/>; text as plain ASCII, every input with <paramref name="details"/>.</summary>
    public static string Render(PlanResult plan, OutputFormat format, bool details = false)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return format switch
        {
            OutputFormat.Markdown => Markdown(plan),
            OutputFormat.Json => Json(plan),
            _ => ReportConsole.PlainText(console => Write(console, plan, details)),
        };
    }

    /// <summary>
    /// Writes the plan as text: a tree of components and their resources, each with the inputs that matter for its
    /// type (every input with <paramref name="details"/>), a summary, the access matrix, capacity and warnings.
    /// </summary>
    public static void Write(IAnsiConsole console, PlanResult plan, bool details = false)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(plan);
        if (!plan.Valid)
        {
            console.Write(ReportFormat.InvalidConfig(plan.Project, plan.Stack, plan.Problems, markdown: false));
            return;
        }

        var tree = ResourceTree(plan, Invariant($"Offline plan of {plan.Project}/{plan.Stack}: what `pulumi up` would create in a new stack"), ReportConsole.Guide(console), details);
        console.Write(tree);
        console.WriteLine(Invariant($"Summary: {plan.Resources.Count} to create"));

        var arrow = ReportConsole.Arrow(console);
        var access = new Tree(Invariant($"Access (client {arrow} API: scopes):")) { Guide = ReportConsole.Guide(console) };
        foreach (var client in plan.Access.GroupBy(a => (a.Client, a.Owner)))
        {
            // The method shows only where it is not the default, so a stack of secret clients reads as it always did.
            var keys = plan.Config?.Clients.Any(c => c.Key == client.Key.Client && c.Authentication == Infra.Config.ClientAuthentication.PrivateKeyJwt) == true;
            var node = access.AddNode(new Text(Invariant($"{client.Key.Client} ({client.Key.Owner}{(keys ? ", private_key_jwt" : "")})")));
            foreach (var entry in client)
            {
                node.AddNode(new Text(Invariant($"{entry.Api}: {string.Join(' ', entry.Scopes)}")));
            }
        }

        console.WriteLine();
        console.Write(access);

        if (plan.Config is { } config)
        {
            console.WriteLine();
            console.WriteLine(Capacity(config, plan.Project));
        }

        if (plan.Warnings.Count > 0)
        {
            console.WriteLine();
            console.WriteLine("Warnings (the deploy goes ahead):");
            foreach (var warning in plan.Warnings)
            {
                console.WriteLine(ReportFormat.Problem(warning, markdown: false));
            }
        }
    }

    /// <summary>Components and their resources, each a node with the operation (create), type, name and inputs.</summary>
    private static Tree ResourceTree(PlanResult plan, string title, TreeGuide guide, bool details)
    {
        var placeholders = plan.Placeholders.Keys.ToHashSet(StringComparer.Ordinal);
        var tree = new Tree(title) { Guide = guide };
        TreeNode? component = null;
        foreach (var (resource, depth) in InTreeOrder(plan.Resources))
        {
            var node = Rendering.ResourceTree.Node(Preview.OperationKind.Create, resource.Type, resource.Name, Flags(resource), resource.Inputs, placeholders, details);
            if (depth == 0)
            {
                component = tree.AddNode(node);
            }
            else
            {
                component!.AddNode(node);
            }
        }

        return tree;
    }

    /// <summary>What the stack declares against the providers' limits, and the stack's role-assignment budget.</summary>
    public static string Capacity(Infra.Config.AccessConfig config, string ns)
    {
        ArgumentNullException.ThrowIfNull(config);
        var c = Infra.Config.StackCapacity.Of(config);
        return Invariant($"Capacity: {c.RoleAssignments:N0} of {config.Policy.RoleAssignmentBudget:N0} role assignments ({ns}:roleAssignmentBudget); Auth0: {c.Clients:N0} clients, {c.Grants:N0} grants, {c.ResourceServers:N0} APIs, {c.ApplicationCredentials:N0} of {config.Policy.ApplicationCredentialLimit:N0} application credentials ({ns}:applicationCredentialLimit)");
    }

    private static string Markdown(PlanResult plan)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant($"### Offline plan: `{plan.Project}/{plan.Stack}`")).AppendLine();
        if (!plan.Valid)
        {
            return md.Append(ReportFormat.InvalidConfig(plan.Project, plan.Stack, plan.Problems, markdown: true)).ToString();
        }

        md.AppendLine("| client | owner | API | scopes |").AppendLine("|---|---|---|---|");
        foreach (var entry in plan.Access)
        {
            md.AppendLine(Invariant($"| `{entry.Client}` | {ReportFormat.Escape(entry.Owner)} | `{entry.Api}` | {string.Join(' ', entry.Scopes.Select(s => $"`{s}`"))} |"));
        }

        if (plan.Config is { } capacity)
        {
            md.AppendLine().AppendLine(Capacity(capacity, plan.Project));
        }

        if (plan.Warnings.Count > 0)
        {
            md.AppendLine().AppendLine("**Warnings** (the deploy goes ahead):").AppendLine();
            foreach (var warning in plan.Warnings)
            {
                md.AppendLine(ReportFormat.Problem(warning, markdown: true));
            }
        }

        // The same tree as the text output, in ASCII: a pull-request comment renders code blocks in any font.
        var tree = ReportConsole.PlainText(console => console.Write(ResourceTree(plan, Invariant($"{plan.Project}/{plan.Stack}"), TreeGuide.Ascii, details: false)));
        md.AppendLine().AppendLine(Invariant($"<details><summary>{plan.Resources.Count} resources</summary>")).AppendLine().AppendLine("```");
        md.Append(tree.ReplaceLineEndings("\n"));
        md.AppendLine("```").AppendLine().AppendLine("</details>");
        return md.ToString();
    }

    private static string Json(PlanResult plan)
    {
        var json = new JsonObject
        {
            ["project"] = plan.Project,
            ["stack"] = plan.Stack,
            ["valid"] = plan.Valid,
            ["problems"] = ReportFormat.Problems(plan.Problems),
            ["warnings"] = ReportFormat.Problems(plan.Warnings),
            ["capacity"] = plan.Config is null ? null : Capacity(Infra.Config.StackCapacity.Of(plan.Config), plan.Config.Policy.RoleAssignmentBudget),
            ["resources"] = new JsonArray(plan.Resources.Select(r => (JsonNode)new JsonObject
            {
                ["type"] = r.Type,
                ["name"] = r.Name,
                ["parent"] = r.Parent,
                ["protect"] = r.Protect,
                ["importId"] = r.ImportId,
                ["inputs"] = r.Inputs.DeepClone(),
            }).ToArray()),
            ["access"] = new JsonArray(plan.Access.Select(a => (JsonNode)new JsonObject
            {
                ["client"] = a.Client,
                ["owner"] = a.Owner,
                ["api"] = a.Api,
                ["audience"] = a.Audience,
                ["scopes"] = new JsonArray(a.Scopes.Select(s => (JsonNode)s!).ToArray()),
            }).ToArray()),
        };
        return ReportFormat.Write(json);
    }

    private static JsonObject Capacity(Infra.Config.StackCapacity c, int budget) => new()
    {
        ["roleAssignments"] = c.RoleAssignments,
        ["roleAssignmentBudget"] = budget,
        ["auth0Clients"] = c.Clients,
        ["auth0Grants"] = c.Grants,
        ["auth0ResourceServers"] = c.ResourceServers,
        ["auth0ApplicationCredentials"] = c.ApplicationCredentials,
    };

    /// <summary>Components first, each followed by its children, in registration order.</summary>
    private static IEnumerable<(PlannedResource Resource, int Depth)> InTreeOrder(IReadOnlyList<PlannedResource> resources)
    {
        var children = resources.Where(r => r.Parent is not null).ToLookup(r => r.Parent!);
        foreach (var top in resources.Where(r => r.Parent is null))
        {
            yield return (top, 0);
            foreach (var child in children[$"{top.Type}::{top.Name}"])
            {
                yield return (child, 1);
            }
        }
    }

    private static string Flags(PlannedResource r)
        => (r.Protect ? " [protected]" : "") + (r.ImportId is null ? "" : $" [import {r.ImportId}]");

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}

/// <summary>How a report is written.</summary>
public enum OutputFormat
{
    /// <summary>Readable text, for a terminal.</summary>
    Text,

    /// <summary>Markdown, for a pull-request comment.</summary>
    Markdown,

    /// <summary>JSON, for tools; see docs/plan-and-diff.md for the schema.</summary>
    Json,
}
