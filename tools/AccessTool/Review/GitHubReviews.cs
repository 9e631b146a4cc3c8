using System.Globalization;
using System.Net;
using Octokit;

namespace Infra.Tool.Review;

/// <summary>
/// Reviews and team membership from GitHub's REST API, through Octokit (which follows the reviews' <c>Link</c>
/// pagination). Endpoints: GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews (needs Pull requests: read, which
/// the workflow's GITHUB_TOKEN has) and GET /orgs/{org}/teams/{team_slug}/memberships/{username} (needs the
/// organization permission Members: read, which only a GitHub App installation token or a person's token can carry).
/// </summary>
public sealed class GitHubReviews : IReviewSource
{
    /// <summary>The GitHub App installation token that can read team membership (Members: read) and reviews.</summary>
    public const string AppTokenVariable = "ACCESS_REVIEW_APP_TOKEN";

    /// <summary>The workflow's token: enough for reviews, not for teams.</summary>
    public const string WorkflowTokenVariable = "GITHUB_TOKEN";

    private readonly GitHubClient _client;
    private readonly string _owner;
    private readonly string _repository;
    private readonly int _pullRequest;

    /// <summary>A reader of <paramref name="repository"/> (owner/name)'s pull request <paramref name="pullRequest"/>.</summary>
    /// <param name="apiUrl">GitHub's API (GITHUB_API_URL in a workflow); Octokit adds /api/v3/ to any host but api.github.com, as GitHub Enterprise Server serves it.</param>
    /// <param name="token">The token to send.</param>
    /// <param name="canReadTeams">Whether <paramref name="token"/> is the App's, which may read team membership.</param>
    /// <param name="repository">owner/name.</param>
    /// <param name="pullRequest">The pull request's number.</param>
    public GitHubReviews(Uri apiUrl, string token, bool canReadTeams, string repository, int pullRequest)
    {
        ArgumentNullException.ThrowIfNull(apiUrl);
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(repository);
        var parts = repository.Split('/');
        if (parts.Length != 2 || parts.Any(p => p.Length == 0))
        {
            throw new ArgumentException($"'{repository}' is not owner/name.", nameof(repository));
        }

        _client = new GitHubClient(new ProductHeaderValue("access-tool"), apiUrl) { Credentials = new Credentials(token) };
        (_owner, _repository, _pullRequest, CanReadTeams) = (parts[0], parts[1], pullRequest, canReadTeams);
    }

    /// <inheritdoc />
    public bool CanReadTeams { get; }

    /// <summary>
    /// From the environment: the App's token when set, else the workflow's; the API from GITHUB_API_URL, else
    /// https://api.github.com. Null when neither token is set.
    /// </summary>
    public static GitHubReviews? FromEnvironment(string repository, int pullRequest)
    {
        var app = Environment.GetEnvironmentVariable(AppTokenVariable);
        var token = string.IsNullOrEmpty(app) ? Environment.GetEnvironmentVariable(WorkflowTokenVariable) : app;
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        var api = Environment.GetEnvironmentVariable("GITHUB_API_URL") is { Length: > 0 } url ? new Uri(url) : GitHubClient.GitHubApiUrl;
        return new GitHubReviews(api, token, canReadTeams: !string.IsNullOrEmpty(app), repository, pullRequest);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PullRequestReview>> ReviewsAsync(CancellationToken cancellationToken)
    {
        // Octokit's own PullRequestReview types submitted_at as a DateTimeOffset, so a review without one (pending,
        // which the REST description does not require to have it) fails to deserialize; these fields are all the gate reads.
        var reviews = await Call(
            () => new ApiConnection(_client.Connection).GetAll<ReviewItem>(ApiUrls.PullRequestReviews(_owner, _repository, _pullRequest), new Dictionary<string, string>(), new ApiOptions { PageSize = 100 }),
            $"the reviews of pull request #{_pullRequest.ToString(CultureInfo.InvariantCulture)}").ConfigureAwait(false);
        return [.. reviews.Select(r => new PullRequestReview(r.Id, r.User?.Login ?? "", r.State, r.CommitId, r.SubmittedAt))];
    }

    /// <inheritdoc />
    public async Task<bool> IsActiveTeamMemberAsync(string org, string team, string login, CancellationToken cancellationToken)
    {
        var uri = new Uri($"orgs/{Uri.EscapeDataString(org)}/teams/{Uri.EscapeDataString(team)}/memberships/{Uri.EscapeDataString(login)}", UriKind.Relative);
        try
        {
            var membership = await Call(() => new ApiConnection(_client.Connection).Get<TeamMembershipDetails>(uri), $"@{org}/{team}'s membership").ConfigureAwait(false);
            // A pending membership is an invitation not yet accepted.
            return membership.State.StringValue == "active";
        }
        catch (NotFoundException)
        {
            // "if user has no team membership" (the operation's 404).
            return false;
        }
    }

    // Octokit's exceptions carry GitHub's message, never the token.
    private static async Task<T> Call<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RateLimitExceededException e)
        {
            throw new ReviewGateException(FormattableString.Invariant($"GitHub's rate limit was reached reading {what} ({e.Limit} requests an hour, {e.Remaining} left; it resets at {e.Reset.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}). Re-run the check after that."), e);
        }
        catch (SecondaryRateLimitExceededException e)
        {
            throw new ReviewGateException($"GitHub's secondary rate limit was reached reading {what}{RetryAfter(e)}. Re-run the check later.", e);
        }
        catch (ApiException e) when (e.StatusCode == (HttpStatusCode)429)
        {
            throw new ReviewGateException($"GitHub answered 429 Too Many Requests reading {what}{RetryAfter(e)}. Re-run the check later.", e);
        }
        catch (AuthorizationException e)
        {
            throw new ReviewGateException($"GitHub refused the token reading {what} (401): {e.Message}", e);
        }
        catch (ForbiddenException e)
        {
            throw new ReviewGateException($"The token may not read {what} (403: {e.Message}): reviews need Pull requests: read, team membership the organization permission Members: read (docs/gitops.md \"Who approves access\").", e);
        }
    }

    private static string RetryAfter(ApiException e)
        => e.HttpResponse?.Headers.TryGetValue("Retry-After", out var seconds) == true ? $"; GitHub asks to wait {seconds} s" : "";

    /// <summary>A review as GET …/reviews lists it, the fields the gate reads; Octokit fills it by name (commit_id → CommitId).</summary>
    internal sealed class ReviewItem
    {
        public long Id { get; set; }

        public ReviewUser? User { get; set; }

        public string State { get; set; } = "";

        public string? CommitId { get; set; }

        public DateTimeOffset? SubmittedAt { get; set; }
    }

    /// <summary>A review's author.</summary>
    internal sealed class ReviewUser
    {
        public string Login { get; set; } = "";
    }
}
