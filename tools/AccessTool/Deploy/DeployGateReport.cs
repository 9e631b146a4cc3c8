using System.Text;
using System.Text.Json.Nodes;
using Infra.Tool.Plan;
using Infra.Tool.Preview;

namespace Infra.Tool.Deploy;

/// <summary>Writes a <see cref="DeployGateResult"/> as text, Markdown (the deploy job's summary) or JSON.</summary>
public static class DeployGateReport
{
    /// <summary>Renders the gate's decision, with the preview of each step, or of the step it refuses.</summary>
    public static string Render(DeployGateResult result, OutputFormat format)
    {
        ArgumentNullException.ThrowIfNull(result);
        return format == OutputFormat.Json ? Json(result) : Text(result, format == OutputFormat.Markdown);
    }

    /// <summary>The commits to apply, one full id a line, in order: what the deploy job reads.</summary>
    public static string Steps(DeployGateResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Concat(result.Steps.Select(s => s.Commit + "\n"));
    }

    /// <summary>
    /// What the stack's state must hold before its <c>pulumi up</c>, one line each: <c>absent &lt;urn&gt;</c> for a client
    /// moved out (still there: the <c>pulumi state move</c> was not run, and the update would delete it) and
    /// <c>present &lt;urn&gt;</c> for one moved in (missing: the update would create a second client). The job checks
    /// them against <c>pulumi stack export</c>.
    /// </summary>
    public static string Moves(DeployGateResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Concat(result.Moves.Select(m => m.From == result.Stack ? $"absent {m.Urn(m.From)}\n" : $"present {m.Urn(m.To)}\n"));
    }

    private static string Text(DeployGateResult result, bool markdown)
    {
        var text = new StringBuilder();
        string Commit(string? id) => id is null ? "nothing (a new stack)" : markdown ? $"`{StackHistory.Short(id)}`" : StackHistory.Short(id);
        var heading = markdown ? "## " : "";
        text.Append(heading).Append("Deploy gate: ").Append(result.Stack).Append('\n').Append('\n');
        text.Append("Deployed: ").Append(Commit(result.Deployed)).Append("; to deploy: ").Append(Commit(result.Target))
            .Append(", ").Append(result.Commits.Count).Append(result.Commits.Count == 1 ? " commit" : " commits").Append(" along main.\n\n");
        if (result.Refused is { } refused)
        {
            text.Append(markdown ? "**Refused.** " : "REFUSED. ")
                .Append($"The stack cannot go from {Commit(refused.From)} to {Commit(refused.Commit)}, not even commit by commit: the operations preview of that step refuses it (below). ")
                .Append("Nothing was deployed. Fix it on main (the preview says how: often a change split in two, or reverted) and the next deploy takes it from the deployed commit.\n\n");
            text.Append(Preview(refused, markdown));
            return text.ToString();
        }

        if (result.Steps.Count == 1)
        {
            text.Append("Accepted as one `pulumi up`.\n\n");
        }
        else
        {
            text.Append($"As one `pulumi up` the batch is refused (the whole preview's findings are below); applied commit by commit it is accepted, in {result.Steps.Count} `pulumi up`s:\n\n");
            for (var i = 0; i < result.Steps.Count; i++)
            {
                text.Append($"{i + 1}. {Commit(result.Steps[i].Commit)}: {OperationsReport.Summary(result.Steps[i].Preview)}\n");
            }

            text.Append('\n').Append(heading).Append("As one deploy (refused)\n\n")
                .Append(OperationsReport.Render(result.Whole, markdown ? OutputFormat.Markdown : OutputFormat.Text)).Append('\n');
        }

        foreach (var step in result.Steps)
        {
            text.Append(Preview(step, markdown));
        }

        return text.ToString();
    }

    private static string Preview(DeployStep step, bool markdown)
        => (markdown ? "## " : "") + $"From {(step.From is null ? "nothing" : StackHistory.Short(step.From))} to {StackHistory.Short(step.Commit)}\n\n"
            + OperationsReport.Render(step.Preview, markdown ? OutputFormat.Markdown : OutputFormat.Text) + "\n";

    private static string Json(DeployGateResult result)
    {
        static JsonObject Step(DeployStep step) => new()
        {
            ["from"] = step.From,
            ["commit"] = step.Commit,
            ["preview"] = JsonNode.Parse(OperationsReport.Render(step.Preview, OutputFormat.Json)),
        };

        return ReportFormat.Write(new JsonObject
        {
            ["stack"] = result.Stack,
            ["deployed"] = result.Deployed,
            ["target"] = result.Target,
            ["commits"] = new JsonArray([.. result.Commits.Select(c => (JsonNode)c)]),
            ["accepted"] = result.Accepted,
            ["steps"] = new JsonArray([.. result.Steps.Select(s => (JsonNode)Step(s))]),
            ["refused"] = result.Refused is null ? null : Step(result.Refused),
        });
    }
}
