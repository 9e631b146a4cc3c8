using System.CommandLine;
using Infra.Config;
using Infra.Tool.Diff;
using Infra.Tool.Environments;
using Infra.Tool.Plan;

namespace Infra.Tool.Review;

/// <summary>The <c>review-gate</c> command: the access diff of every stack a pull request has, judged against its reviews.</summary>
public static class ReviewGateCommand
{
    /// <summary>Builds the command with the options it shares with the others.</summary>
    public static Command Create(Option<DirectoryInfo> head, Option<OutputFormat> format)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(format);
        var baseFolder = new Option<DirectoryInfo>("--base") { Description = "a checkout of the base branch: its API owners decide", Required = true };
        var repository = new Option<string>("--repository") { Description = "owner/name", Required = true };
        var pullRequest = new Option<int>("--pull-request") { Description = "the pull request's number", Required = true };
        var headSha = new Option<string>("--head-sha") { Description = "the head commit the stack files were checked out at; approvals must be of it", Required = true };
        var author = new Option<string>("--author") { Description = "the pull request's author (login), whose own approval never counts", Required = true };
        var outputs = new Option<FileInfo?>("--outputs") { Description = "append `owners-approved=` and `environment-approval=` lines (true or false) to this file, such as $GITHUB_OUTPUT" };
        var record = new Option<FileInfo?>("--record") { Description = "with --merge-commit and --merged-at: write the access record of the merged pull request (JSON), when it increases privilege" };
        var mergeCommit = new Option<string?>("--merge-commit") { Description = "the commit that merged the pull request" };
        var mergedAt = new Option<DateTimeOffset?>("--merged-at") { Description = "when it merged (ISO 8601, GitHub's merged_at)" };
        var command = new Command("review-gate", $"Check that an owner of every API a pull request gives more access to approved its head commit (the owners named on the base branch; the author's own approval never counts). Reads the reviews, and for team owners team membership, from GitHub's REST API with {GitHubReviews.AppTokenVariable} (a GitHub App installation token, needed for teams) or {GitHubReviews.WorkflowTokenVariable}. Exit {ReviewGateResult.WaitingExitCode} while an approval is missing, 1 on invalid config or a failed read.")
        {
            baseFolder, head, repository, pullRequest, headSha, author, outputs, record, mergeCommit, mergedAt, format,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var plan = Plan(parse.GetValue(baseFolder)!, parse.GetValue(head)!, out var problems);
            if (problems.Count > 0)
            {
                await error.WriteLineAsync($"The access diff found invalid config; the privilege diff job lists it:{Environment.NewLine}{string.Join(Environment.NewLine, problems.Select(p => $"  - {p}"))}").ConfigureAwait(false);
                return 1;
            }

            var sha = parse.GetValue(headSha)!;
            var login = parse.GetValue(author)!;
            ReviewGateResult result;
            try
            {
                IReviewSource? source = plan.Count == 0 ? null : GitHubReviews.FromEnvironment(parse.GetValue(repository)!, parse.GetValue(pullRequest));
                if (plan.Count > 0 && source is null)
                {
                    await error.WriteLineAsync($"Set {GitHubReviews.AppTokenVariable} (a GitHub App installation token) or {GitHubReviews.WorkflowTokenVariable}: the gate reads the pull request's reviews from GitHub's REST API.").ConfigureAwait(false);
                    return 1;
                }

                result = source is null ? new ReviewGateResult(sha, login, []) : await ReviewGate.EvaluateAsync(plan, sha, login, source, cancellationToken).ConfigureAwait(false);
            }
            catch (ReviewGateException e)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 1;
            }

            if (parse.GetValue(outputs) is { } file)
            {
                await File.AppendAllTextAsync(file.FullName, $"owners-approved={ReportFormat.Lower(result.OwnersApproved)}\nenvironment-approval={ReportFormat.Lower(result.NeedsEnvironmentApproval)}\n", cancellationToken).ConfigureAwait(false);
            }

            // Only a privilege increase leaves a record: an empty one would say nothing an auditor asks about.
            if (parse.GetValue(record) is { } recordFile && result.Decisions.Count > 0)
            {
                if (parse.GetValue(mergeCommit) is not { Length: > 0 } merge || parse.GetValue(mergedAt) is not { } at)
                {
                    await error.WriteLineAsync("--record needs --merge-commit and --merged-at: a record is of a merged pull request.").ConfigureAwait(false);
                    return 1;
                }

                var json = AccessRecord.Create(result, new MergedPullRequest(parse.GetValue(repository)!, parse.GetValue(pullRequest), merge, at));
                await File.WriteAllTextAsync(recordFile.FullName, ReportFormat.Write(json), cancellationToken).ConfigureAwait(false);
            }

            await parse.InvocationConfiguration.Output.WriteAsync(ReviewGateReport.Render(result, parse.GetValue(format))).ConfigureAwait(false);
            return result.ExitCode;
        });
        return command;
    }

    // Every stack of the head, compared with the base as the diff command compares it (moves between stacks made);
    // both layouts are read once, and each version parsed once for the diff and the plan alike.
    private static IReadOnlyList<ApiApproval> Plan(DirectoryInfo baseFolder, DirectoryInfo headFolder, out List<ConfigProblem> problems)
    {
        problems = [];
        var layout = ProjectStacks.Load(headFolder.FullName);
        var earlier = ProjectStacks.Load(baseFolder.FullName);
        var moves = ClientMove.Between(earlier, layout);
        var stacks = new List<(AccessDiffResult, AccessConfig?, AccessConfig)>();
        foreach (var head in layout.Environments.SelectMany(e => e.Stacks))
        {
            var (before, after, invalid) = AccessDiff.Parse(AccessToolCommand.BaseAfterMoves(baseFolder, head, earlier, moves), head);
            if (invalid.Count > 0 || after is null)
            {
                problems.AddRange(invalid.Select(p => p with { Path = $"{head.Stack}: {p.Path}" }));
                continue;
            }

            stacks.Add((new AccessDiffResult(head.Stack, [], AccessDiff.Compare(before, after)), before, after));
        }

        return problems.Count > 0 ? [] : ApprovalPlan.For(stacks);
    }
}
