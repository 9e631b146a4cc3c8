using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Infra.Config;
using Infra.Tool.Plan;

namespace Infra.Tool.Environments;

/// <summary>What <c>access-tool environments</c> found: every environment with its stacks, and what is wrong across them.</summary>
/// <param name="Layout">The project's stacks, grouped.</param>
/// <param name="Checks">Each environment's check.</param>
/// <param name="Affected">With <c>--base</c>: the stacks the change reaches; otherwise null.</param>
public sealed record EnvironmentsResult(ProjectStacks Layout, IReadOnlyList<EnvironmentCheckResult> Checks, IReadOnlyList<string>? Affected)
{
    /// <summary>With <c>--base</c>: clients that move from one stack of their environment to another.</summary>
    public IReadOnlyList<ClientMove> Moves { get; init; } = [];

    /// <summary>With <c>--base</c>: stacks whose file the change removes; their resources stay deployed until destroyed.</summary>
    public IReadOnlyList<string> Removed { get; init; } = [];

    /// <summary>Every problem: the grouping's, then each environment's.</summary>
    public IReadOnlyList<ConfigProblem> Problems => [.. Layout.Problems, .. Checks.SelectMany(c => c.Problems)];

    /// <summary>0 when every stack may deploy, 1 otherwise.</summary>
    public int ExitCode => Problems.Count == 0 ? 0 : 1;

    /// <summary>Groups the project's stacks, checks each environment and, given a base checkout, finds what the change reaches.</summary>
    public static EnvironmentsResult Run(string projectDirectory, string? baseDirectory, DateOnly? today)
    {
        var layout = ProjectStacks.Load(projectDirectory);
        var defaults = StackFiles.ProjectDefaults(projectDirectory);
        var checks = layout.Environments.Select(e => EnvironmentCheck.Run(e, defaults, today)).ToList();
        return baseDirectory is null
            ? new EnvironmentsResult(layout, checks, null)
            : BaseCompared(layout, checks, baseDirectory, projectDirectory);
    }

    private static EnvironmentsResult BaseCompared(ProjectStacks layout, List<EnvironmentCheckResult> checks, string baseDirectory, string projectDirectory)
    {
        var before = ProjectStacks.Load(baseDirectory);
        var now = layout.Environments.SelectMany(e => e.Stacks).Select(s => s.Stack).ToHashSet(StringComparer.Ordinal);
        return new EnvironmentsResult(layout, checks, AffectedStacks.Between(baseDirectory, projectDirectory, layout))
        {
            Moves = ClientMove.Between(before, layout),
            Removed = [.. before.Environments.SelectMany(e => e.Stacks).Select(s => s.Stack).Where(s => !now.Contains(s)).Order(StringComparer.Ordinal)],
        };
    }
}

/// <summary>Renders an <see cref="EnvironmentsResult"/> as text, Markdown or JSON.</summary>
public static class EnvironmentsReport
{
    /// <summary>The report in <paramref name="format"/>.</summary>
    public static string Render(EnvironmentsResult result, OutputFormat format)
    {
        ArgumentNullException.ThrowIfNull(result);
        return format == OutputFormat.Json ? ReportFormat.Write(Json(result)) : Text(result, format == OutputFormat.Markdown);
    }

    private static string Text(EnvironmentsResult result, bool markdown)
    {
        var text = new StringBuilder();
        if (markdown)
        {
            text.AppendLine("| environment | catalogue stack | team stacks | |").AppendLine("|---|---|---|---|");
        }

        foreach (var check in result.Checks)
        {
            var environment = check.Environment;
            var teams = environment.Teams.Count == 0 ? "none" : string.Join(", ", environment.Teams.Select(t => t.Stack));
            var state = check.Valid ? "valid" : string.Create(CultureInfo.InvariantCulture, $"{check.Problems.Count} problem(s)");
            text.AppendLine(markdown
                ? $"| {environment.Name} | {environment.Catalogue.Stack} | {teams} | {state} |"
                : $"Environment {environment.Name}: catalogue stack {environment.Catalogue.Stack}, team stacks: {teams}; {state}.");
        }

        if (result.Affected is { } affected)
        {
            text.AppendLine().AppendLine(affected.Count == 0
                ? "The change reaches no stack."
                : $"The change reaches: {string.Join(", ", affected)}.");
        }

        if (result.Moves.Count > 0)
        {
            text.AppendLine().AppendLine(markdown
                ? "**Clients that move to another stack.** Pulumi cannot move a resource between stacks in an update: deployed as it is, the old stack would delete each client and the new one create another, with a new client id and secret. Before this deploys, pause deploys and move their state (docs/team-stacks.md \"Moving clients into a team stack\"):"
                : "Clients that move to another stack. Pulumi cannot move a resource between stacks in an update: deployed as it is, the old stack would delete each client and the new one create another, with a new client id and secret. Before this deploys, pause deploys and move their state (docs/team-stacks.md \"Moving clients into a team stack\"):");
            text.AppendLine(markdown ? "\n```bash" : "");
            foreach (var move in result.Moves)
            {
                text.AppendLine(markdown ? move.Command : $"  {move.Command}");
            }

            if (markdown)
            {
                text.AppendLine("```");
            }
        }

        foreach (var stack in result.Removed)
        {
            // A stack file is the only way the workflows know a stack: without it, its clients would live on unmanaged.
            var removed = $"The change removes Pulumi.{stack}.yaml, but the stack's resources stay deployed, and no workflow deploys, checks or destroys it any more. Before merging, destroy it (`pulumi destroy --stack {stack}`; on a protected stack after `pulumi state unprotect --all --stack {stack}`) or move its clients to another stack, then `pulumi stack rm {stack}`.";
            text.AppendLine().AppendLine(markdown ? $"**{removed}**" : removed);
        }

        var problems = result.Problems;
        if (problems.Count > 0)
        {
            var count = problems.Count.ToString(CultureInfo.InvariantCulture);
            text.AppendLine().AppendLine(markdown
                ? $"**{count} problem(s) across the stacks; none of them would deploy.**"
                : $"{count} problem(s) across the stacks; none of them would deploy:");
            if (markdown)
            {
                text.AppendLine();
            }

            foreach (var problem in problems)
            {
                text.AppendLine(ReportFormat.Problem(problem, markdown));
            }
        }

        return text.ToString();
    }

    private static JsonObject Json(EnvironmentsResult result)
    {
        var json = new JsonObject
        {
            ["environments"] = new JsonArray([.. result.Checks.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Environment.Name,
                ["catalogue"] = c.Environment.Catalogue.Stack,
                ["teams"] = new JsonArray([.. c.Environment.Teams.Select(t => (JsonNode)t.Stack)]),
                ["valid"] = c.Valid,
            })]),
        };
        // Every stack with its environment, in deploy order: what a workflow's matrix includes (the environment names
        // the GitHub environment whose approvals and identity the stack's jobs use).
        JsonArray Include(IEnumerable<string> stacks) => new([.. stacks.Select(stack => (JsonNode)new JsonObject
        {
            ["stack"] = stack,
            ["environment"] = result.Layout.EnvironmentOf(stack)?.Name,
        })]);
        json["stacks"] = Include(result.Checks.SelectMany(c => c.Environment.Stacks).Select(s => s.Stack));
        if (result.Affected is { } affected)
        {
            json["affected"] = Include(affected);
        }

        if (result.Affected is not null)
        {
            json["removed"] = new JsonArray([.. result.Removed.Select(s => (JsonNode)s)]);
            json["moves"] = new JsonArray([.. result.Moves.Select(m => (JsonNode)new JsonObject
            {
                ["client"] = m.Client,
                ["from"] = m.From,
                ["to"] = m.To,
                ["command"] = m.Command,
            })]);
        }

        json["problems"] = ReportFormat.Problems(result.Problems);
        return json;
    }
}
