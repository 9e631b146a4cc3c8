using System.Globalization;
using System.Text.Json.Nodes;
using Infra.Tool.Diff;

namespace Infra.Tool.Review;

/// <summary>The pull request a record belongs to: where it was reviewed and what merged it.</summary>
/// <param name="Repository">owner/name.</param>
/// <param name="Number">The pull request's number.</param>
/// <param name="MergeCommit">The commit that merged it into the branch the stacks deploy from.</param>
/// <param name="MergedAt">When it merged (GitHub's merged_at).</param>
public sealed record MergedPullRequest(string Repository, int Number, string MergeCommit, DateTimeOffset MergedAt);

/// <summary>
/// The record a merged privilege increase leaves, for auditors: what was granted, on which API, to which client and
/// its owner, approved by whom, in which pull request and commit, and when. One JSON document per pull request
/// (format version 1), kept as a workflow artifact and read back by <c>access-tool grants</c>.
/// </summary>
public static class AccessRecord
{
    /// <summary>The record's format version.</summary>
    public const int Version = 1;

    /// <summary>The record of <paramref name="result"/>, the gate's verdict at the merge.</summary>
    public static JsonObject Create(ReviewGateResult result, MergedPullRequest pullRequest)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(pullRequest);
        return new JsonObject
        {
            ["version"] = Version,
            ["repository"] = pullRequest.Repository,
            ["pullRequest"] = pullRequest.Number,
            ["headSha"] = result.HeadSha,
            ["mergeCommit"] = pullRequest.MergeCommit,
            ["mergedAt"] = pullRequest.MergedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["author"] = result.Author,
            ["increases"] = new JsonArray([.. result.Decisions.SelectMany(d => d.Approval.Increases.Select(i => (JsonNode)new JsonObject
            {
                ["stack"] = i.Stack,
                ["api"] = d.Approval.Api,
                ["kind"] = i.Change.Kind.ToString(),
                ["client"] = i.Change.Client,
                ["clientOwner"] = i.ClientOwner,
                ["items"] = new JsonArray([.. i.Change.Items.Select(x => (JsonNode)x)]),
                ["description"] = AccessDiffReport.Describe(i.Change),
                ["approvedBy"] = d.ApprovedBy is null ? null : ReviewGateReport.Review(d.ApprovedBy),
                // An administrator can merge past a required check: the record says so rather than inventing an approver.
                ["approval"] = d.State switch
                {
                    ApprovalState.Approved => "API owner",
                    ApprovalState.NoOwners => "access-review environment",
                    _ => "none: merged without an owner's approval of its head",
                },
            }))]),
        };
    }
}
