using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Infra.Tool.Diff;
using Infra.Tool.Plan;

namespace Infra.Tool.Review;

/// <summary>Renders a <see cref="ReviewGateResult"/>: which API still waits for whom, and who approved the rest.</summary>
public static class ReviewGateReport
{
    /// <summary>The report in <paramref name="format"/>.</summary>
    public static string Render(ReviewGateResult result, OutputFormat format)
    {
        ArgumentNullException.ThrowIfNull(result);
        return format == OutputFormat.Json ? ReportFormat.Write(Json(result)) : Text(result, format == OutputFormat.Markdown);
    }

    /// <summary>One API's standing in a sentence: approved by whom, or waiting for whom and why.</summary>
    public static string Standing(ApiDecision decision, string headSha, bool markdown = false)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(headSha);
        var owners = string.Join(", ", decision.Approval.Owners);
        var notes = decision.Notes.Count == 0 ? "" : " " + string.Join(" ", decision.Notes);
        return decision.State switch
        {
            ApprovalState.Approved => string.Create(CultureInfo.InvariantCulture, $"approved by @{decision.ApprovedBy!.Login} (review {decision.ApprovedBy.Id}, {decision.ApprovedBy.SubmittedAt:yyyy-MM-ddTHH:mm:ssZ}) of {ReviewGate.Short(headSha)}"),
            ApprovalState.ChangesRequested => $"{(markdown ? "**changes requested**" : "changes requested")}: waits for {owners}.{notes}",
            ApprovalState.NoOwners => "names no owners: the access-review environment's reviewers approve it (name its owners under apis[].owners in Pulumi.yaml)",
            _ => $"{(markdown ? "**waiting**" : "waiting")} for an approving review of {ReviewGate.Short(headSha)} by one of {owners}.{notes}",
        };
    }

    private static string Text(ReviewGateResult result, bool markdown)
    {
        var text = new StringBuilder();
        text.AppendLine(markdown ? "### Access review: the API owners' approval" : "Access review: the API owners' approval");
        if (result.Decisions.Count == 0)
        {
            return text.AppendLine().AppendLine("No privilege increase: no approval needed.").ToString();
        }

        text.AppendLine().AppendLine($"Head {ReviewGate.Short(result.HeadSha)}, opened by @{result.Author}, whose own approval does not count.").AppendLine();
        if (markdown)
        {
            text.AppendLine("| API | owners | what it approves | approval |").AppendLine("|---|---|---|---|");
        }

        foreach (var decision in result.Decisions)
        {
            var increases = decision.Approval.Increases.Select(i => $"{i.Stack}: {AccessDiffReport.Describe(i.Change, markdown)}").ToList();
            if (markdown)
            {
                text.AppendLine($"| `{decision.Approval.Api}` | {ReportFormat.Escape(Owners(decision))} | {ReportFormat.Escape(string.Join("; ", increases))} | {ReportFormat.Escape(Standing(decision, result.HeadSha, markdown: true))} |");
            }
            else
            {
                text.AppendLine($"{decision.Approval.Api} (owners {Owners(decision)}): {Standing(decision, result.HeadSha)}");
                foreach (var increase in increases)
                {
                    text.AppendLine($"  - {increase}");
                }
            }
        }

        text.AppendLine().AppendLine(result.OwnersApproved
            ? result.NeedsEnvironmentApproval ? "The owners have approved; an API without owners waits for the access-review environment." : "Every API's owners have approved."
            : $"Waiting: {string.Join(", ", result.Decisions.Where(d => d.State is ApprovalState.Waiting or ApprovalState.ChangesRequested).Select(d => d.Approval.Api))}. The check runs again when a review is submitted or dismissed.");
        return text.ToString();
    }

    private static JsonObject Json(ReviewGateResult result) => new()
    {
        ["headSha"] = result.HeadSha,
        ["author"] = result.Author,
        ["ownersApproved"] = result.OwnersApproved,
        ["environmentApproval"] = result.NeedsEnvironmentApproval,
        ["apis"] = new JsonArray([.. result.Decisions.Select(d => (JsonNode)new JsonObject
        {
            ["api"] = d.Approval.Api,
            ["owners"] = new JsonArray([.. d.Approval.Owners.Select(o => (JsonNode)o)]),
            ["state"] = d.State.ToString(),
            ["approvedBy"] = d.ApprovedBy is null ? null : Review(d.ApprovedBy),
            ["notes"] = new JsonArray([.. d.Notes.Select(n => (JsonNode)n)]),
            ["increases"] = new JsonArray([.. d.Approval.Increases.Select(i => (JsonNode)new JsonObject
            {
                ["stack"] = i.Stack,
                ["kind"] = i.Change.Kind.ToString(),
                ["description"] = AccessDiffReport.Describe(i.Change),
            })]),
        })]),
    };

    /// <summary>A review as the JSON reports and the access record carry it.</summary>
    internal static JsonObject Review(PullRequestReview review) => new()
    {
        ["login"] = review.Login,
        ["reviewId"] = review.Id,
        ["commit"] = review.CommitId,
        ["submittedAt"] = review.SubmittedAt?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
    };

    private static string Owners(ApiDecision decision) => decision.Approval.Owners.Count == 0 ? "none" : string.Join(", ", decision.Approval.Owners);
}
