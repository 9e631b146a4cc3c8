using System.Globalization;
using System.Text.Json.Nodes;
using Infra.Tests.Support;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Infra.Tests.Tools.Review;

/// <summary>
/// GitHub's REST API on a WireMock.Net server, for the endpoints the review gate reads: a pull request's reviews,
/// in pages linked by a <c>Link</c> header, and team membership. Bodies are the published examples (GitHub/README.md)
/// with the fields a test sets. Octokit sends every host but api.github.com to /api/v3/, as GitHub Enterprise Server
/// serves it.
/// </summary>
internal sealed class FakeGitHub : IDisposable
{
    public const string Owner = "acme";
    public const string Name = "access";
    public const int PullRequest = 42;
    public const string Token = "ghs_workflowtoken0000000000000000000000";

    private static readonly string Folder = Path.Combine(StackHarness.RepositoryRoot(), "tests", "Infra.Tests", "Tools", "Review", "GitHub");

    public WireMockServer Server { get; } = WireMockServer.Start();

    /// <summary>The reviews in GitHub's (chronological) order.</summary>
    public List<JsonObject> Reviews { get; } = [];

    /// <summary>Active members, as "org/team login".</summary>
    public HashSet<string> Members { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reviews per page; GitHub's is per_page (30 by default, at most 100).</summary>
    public int PageSize { get; set; } = 100;

    public string ApiUrl => Server.Url!;

    public string ReviewsPath => $"/api/v3/repos/{Owner}/{Name}/pulls/{PullRequest}/reviews";

    public IReadOnlyList<ILogEntry> Requests => [.. Server.LogEntries];

    /// <summary>A review as the published example, with what the test decides.</summary>
    public static JsonObject Review(long id, string login, string state, string commit, string submittedAt)
    {
        var review = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "pull-request-review-items.json")))!.AsArray()[0]!.DeepClone().AsObject();
        review["id"] = id;
        review["user"]!["login"] = login;
        review["state"] = state;
        review["commit_id"] = commit;
        review["submitted_at"] = submittedAt;
        return review;
    }

    public void Publish()
    {
        Server.Reset();
        var pages = Math.Max(1, (Reviews.Count + PageSize - 1) / PageSize);
        for (var page = 1; page <= pages; page++)
        {
            var body = new JsonArray([.. Reviews.Skip((page - 1) * PageSize).Take(PageSize).Select(r => (JsonNode)r.DeepClone())]);
            var request = Request.Create().WithPath(ReviewsPath).UsingGet();
            // The first page is the one asked for without a page number.
            request = page == 1 ? request : request.WithParam("page", page.ToString(CultureInfo.InvariantCulture));
            var response = Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json; charset=utf-8").WithBody(body.ToJsonString());
            if (page < pages)
            {
                response = response.WithHeader("Link", $"<{ApiUrl}{ReviewsPath}?per_page={PageSize}&page={page + 1}>; rel=\"next\", <{ApiUrl}{ReviewsPath}?per_page={PageSize}&page={pages}>; rel=\"last\"");
            }

            Server.Given(request).AtPriority(page == 1 ? 10 : 1).RespondWith(response);
        }

        var membership = File.ReadAllText(Path.Combine(Folder, "team-membership.json"));
        foreach (var member in Members)
        {
            var (team, login) = (member.Split(' ')[0], member.Split(' ')[1]);
            Server.Given(Request.Create().WithPath($"/api/v3/orgs/{team.Split('/')[0]}/teams/{team.Split('/')[1]}/memberships/{login}").UsingGet())
                .AtPriority(1)
                .RespondWith(Json(200, membership.Replace("\"maintainer\"", "\"member\"", StringComparison.Ordinal)));
        }

        Server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/api/v3/orgs/*/teams/*/memberships/*")).UsingGet())
            .AtPriority(20)
            .RespondWith(Json(404, """{"message":"Not Found","documentation_url":"https://docs.github.com/rest/teams/members#get-team-membership-for-a-user"}"""));
    }

    /// <summary>Every request answered as GitHub answers once the primary rate limit is spent.</summary>
    public void RateLimited(int status, string message, long resetEpochSeconds, string? retryAfter = null)
    {
        Server.Reset();
        var response = Json(status, $$"""{"message":"{{message}}","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}""")
            .WithHeader("x-ratelimit-limit", "5000")
            .WithHeader("x-ratelimit-remaining", "0")
            .WithHeader("x-ratelimit-used", "5000")
            .WithHeader("x-ratelimit-reset", resetEpochSeconds.ToString(CultureInfo.InvariantCulture));
        Server.Given(Request.Create().UsingAnyMethod()).RespondWith(retryAfter is null ? response : response.WithHeader("Retry-After", retryAfter));
    }

    /// <summary>The environment the tool reads: the stub's URL and a token (the App's when <paramref name="app"/>).</summary>
    public Dictionary<string, string?> Environment(bool app = false) => new()
    {
        ["GITHUB_API_URL"] = ApiUrl,
        ["GITHUB_TOKEN"] = app ? null : Token,
        ["ACCESS_REVIEW_APP_TOKEN"] = app ? "ghs_apptoken00000000000000000000000000" : null,
    };

    public void Dispose() => Server.Dispose();

    private static IResponseBuilder Json(int status, string body)
        => Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json; charset=utf-8").WithBody(body);
}
