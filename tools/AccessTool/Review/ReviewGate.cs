namespace Infra.Tool.Review;

/// <summary>A review of a pull request, as GitHub's REST API lists it (GET /repos/{owner}/{repo}/pulls/{n}/reviews).</summary>
/// <param name="Id">The review's id.</param>
/// <param name="Login">Its author's login.</param>
/// <param name="State">APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING.</param>
/// <param name="CommitId">The commit it reviewed, the pull request's head at the time.</param>
/// <param name="SubmittedAt">When it was submitted; null while pending.</param>
public sealed record PullRequestReview(long Id, string Login, string State, string? CommitId, DateTimeOffset? SubmittedAt);

/// <summary>Where the gate reads reviews and team membership: GitHub's REST API, or a test's stand-in.</summary>
public interface IReviewSource
{
    /// <summary>Whether team membership can be read at all (a GitHub App installation token; the workflow's token cannot).</summary>
    bool CanReadTeams { get; }

    /// <summary>Every review of the pull request, in the order GitHub lists them (chronological).</summary>
    Task<IReadOnlyList<PullRequestReview>> ReviewsAsync(CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="login"/> is an active member of <paramref name="org"/>'s team <paramref name="team"/>.</summary>
    Task<bool> IsActiveTeamMemberAsync(string org, string team, string login, CancellationToken cancellationToken);
}

/// <summary>Where an API's approval stands.</summary>
public enum ApprovalState
{
    /// <summary>An owner approved the head commit.</summary>
    Approved,

    /// <summary>No owner has approved the head commit yet.</summary>
    Waiting,

    /// <summary>An owner's latest review requests changes.</summary>
    ChangesRequested,

    /// <summary>The API names no owners: the access-review environment's reviewers approve instead.</summary>
    NoOwners,
}

/// <summary>One API's approval: its state, the review that approved it, and what a reader of the summary needs to know.</summary>
/// <param name="Approval">What needs approving, by whom.</param>
/// <param name="State">Where it stands.</param>
/// <param name="ApprovedBy">The approving review, when approved.</param>
/// <param name="Notes">Reviews that did not count, and why.</param>
public sealed record ApiDecision(ApiApproval Approval, ApprovalState State, PullRequestReview? ApprovedBy, IReadOnlyList<string> Notes);

/// <summary>The gate's verdict over every API a pull request gives more access to.</summary>
/// <param name="HeadSha">The commit that was evaluated: approvals must be of it.</param>
/// <param name="Author">The pull request's author, whose own approval never counts.</param>
/// <param name="Decisions">One per API, sorted by key.</param>
public sealed record ReviewGateResult(string HeadSha, string Author, IReadOnlyList<ApiDecision> Decisions)
{
    /// <summary>The exit code when an owner's approval is still missing.</summary>
    public const int WaitingExitCode = 3;

    /// <summary>Whether every API with owners has an owner's approval of the head.</summary>
    public bool OwnersApproved => Decisions.All(d => d.State is ApprovalState.Approved or ApprovalState.NoOwners);

    /// <summary>Whether some API names no owners, so the access-review environment must approve as well.</summary>
    public bool NeedsEnvironmentApproval => Decisions.Any(d => d.State == ApprovalState.NoOwners);

    /// <summary>0 when the owners have approved, <see cref="WaitingExitCode"/> otherwise.</summary>
    public int ExitCode => OwnersApproved ? 0 : WaitingExitCode;
}

/// <summary>A run of the gate that cannot decide (a refused token, a rate limit); it fails, it never passes.</summary>
public sealed class ReviewGateException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Decides, per API, whether one of its owners approved the pull request's head commit, with GitHub's semantics: a
/// reviewer's latest approving, change-requesting or dismissed review is their verdict (comments change nothing), an
/// approval of an earlier commit does not count (as "dismiss stale approvals" would have it), nor does the author's.
/// </summary>
public static class ReviewGate
{
    /// <summary>Evaluates <paramref name="approvals"/> against the reviews <paramref name="source"/> holds.</summary>
    public static async Task<ReviewGateResult> EvaluateAsync(IReadOnlyList<ApiApproval> approvals, string headSha, string author, IReviewSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(approvals);
        ArgumentNullException.ThrowIfNull(headSha);
        ArgumentNullException.ThrowIfNull(author);
        ArgumentNullException.ThrowIfNull(source);
        if (approvals.Count == 0)
        {
            return new ReviewGateResult(headSha, author, []);
        }

        var reviews = await source.ReviewsAsync(cancellationToken).ConfigureAwait(false);
        var verdicts = LatestVerdicts(reviews);
        var membership = new Dictionary<(string, string), bool>();
        var decisions = new List<ApiDecision>();
        foreach (var approval in approvals)
        {
            if (approval.Owners.Count == 0)
            {
                decisions.Add(new ApiDecision(approval, ApprovalState.NoOwners, null, []));
                continue;
            }

            var notes = new List<string>();
            PullRequestReview? approved = null;
            PullRequestReview? blocking = null;
            foreach (var review in verdicts)
            {
                if (!await IsOwnerAsync(approval.Owners, review.Login, source, membership, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                if (string.Equals(review.Login, author, StringComparison.OrdinalIgnoreCase))
                {
                    notes.Add($"@{review.Login} is the pull request's author: their own review does not count.");
                }
                else if (review.State == "CHANGES_REQUESTED")
                {
                    blocking ??= review;
                }
                else if (review.State == "DISMISSED")
                {
                    notes.Add($"@{review.Login}'s review was dismissed.");
                }
                else if (!string.Equals(review.CommitId, headSha, StringComparison.OrdinalIgnoreCase))
                {
                    notes.Add($"@{review.Login} approved {Short(review.CommitId)}, not the head {Short(headSha)}: a later push needs a new approval.");
                }
                else
                {
                    approved ??= review;
                }
            }

            decisions.Add(blocking is not null
                ? new ApiDecision(approval, ApprovalState.ChangesRequested, null, [$"@{blocking.Login} requested changes.", .. notes])
                : new ApiDecision(approval, approved is null ? ApprovalState.Waiting : ApprovalState.Approved, approved, approved is null ? notes : []));
        }

        return new ReviewGateResult(headSha, author, decisions);
    }

    // Each reviewer's verdict: their latest review that approves, requests changes or was dismissed, in GitHub's order.
    private static List<PullRequestReview> LatestVerdicts(IReadOnlyList<PullRequestReview> reviews)
    {
        var latest = new Dictionary<string, PullRequestReview>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        foreach (var review in reviews.Where(r => r.SubmittedAt is not null))
        {
            if (review.State is not ("APPROVED" or "CHANGES_REQUESTED" or "DISMISSED"))
            {
                continue;
            }

            if (!latest.ContainsKey(review.Login))
            {
                order.Add(review.Login);
            }

            latest[review.Login] = review;
        }

        return [.. order.Select(login => latest[login])];
    }

    // Users first: a team is asked only about a reviewer no user entry names, and only a token that can read teams may ask.
    private static async Task<bool> IsOwnerAsync(IReadOnlyList<string> owners, string login, IReviewSource source, Dictionary<(string, string), bool> membership, CancellationToken cancellationToken)
    {
        var names = owners.Select(o => o.TrimStart('@')).ToList();
        if (names.Any(n => string.Equals(n, login, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        var teams = names.Where(n => n.Contains('/', StringComparison.Ordinal)).ToList();
        if (teams.Count > 0 && !source.CanReadTeams)
        {
            throw new ReviewGateException(
                $"@{login} reviewed, and {string.Join(", ", teams.Select(t => "@" + t))} {(teams.Count == 1 ? "is a team" : "are teams")} of owners: reading team membership needs a GitHub App installation token with the organization permission Members: read, in {GitHubReviews.AppTokenVariable}; "
                + "the workflow's GITHUB_TOKEN cannot read it (docs/gitops.md \"Who approves access\"). Set up the App, or name the owners as users.");
        }

        foreach (var name in teams)
        {
            var slash = name.IndexOf('/', StringComparison.Ordinal);
            var key = (name.ToLowerInvariant(), login.ToLowerInvariant());
            if (!membership.TryGetValue(key, out var member))
            {
                member = await source.IsActiveTeamMemberAsync(name[..slash], name[(slash + 1)..], login, cancellationToken).ConfigureAwait(false);
                membership[key] = member;
            }

            if (member)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A commit as GitHub shows it in a pull request: its first 7 characters.</summary>
    internal static string Short(string? sha) => sha is null ? "(no commit)" : sha.Length > 7 ? sha[..7] : sha;
}
