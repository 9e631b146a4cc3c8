using System.Text.Json.Nodes;
using Infra.Tests.Support;

namespace Infra.Tests.Tools.Review;

/// <summary>
/// The review gate end to end: the access diff of a pull request's stack files, the API owners of the base branch,
/// and the reviews and team membership read from a stub of GitHub's REST API serving its published responses.
/// </summary>
public sealed class ReviewGateTests : IDisposable
{
    private const string Head = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
    private const string Older = "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091";
    private const string Author = "alice";

    private readonly string _base = Directory.CreateTempSubdirectory("review-base-").FullName;
    private readonly string _head = Directory.CreateTempSubdirectory("review-head-").FullName;
    private readonly FakeGitHub _github = new();

    public ReviewGateTests()
    {
        foreach (var file in Directory.GetFiles(StackHarness.RepositoryRoot(), "Pulumi*.yaml"))
        {
            File.Copy(file, Path.Combine(_base, Path.GetFileName(file)));
            File.Copy(file, Path.Combine(_head, Path.GetFileName(file)));
        }
    }

    public void Dispose()
    {
        _github.Dispose();
        Directory.Delete(_base, recursive: true);
        Directory.Delete(_head, recursive: true);
    }

    private void Edit(string file, string from, string to)
    {
        var path = Path.Combine(_head, file);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    // Globex, owned by partnerships, newly granted stock:read on the inventory API (owners @mlindqvist and a team).
    private void GrantGlobexInventory()
        => Edit("Pulumi.dev.yaml", "      grants:\n        - api: orders-api\n          scopes: [orders:read]", "      grants:\n        - api: orders-api\n          scopes: [orders:read]\n        - api: inventory-api\n          scopes: [stock:read]");

    // Globex gains orders:cancel on the orders API, whose only owner is the team @acme/orders-owners.
    private void GrantGlobexCancel() => Edit("Pulumi.dev.yaml", "          scopes: [orders:read]", "          scopes: [orders:read, orders:cancel]");

    private Task<ToolRun> Gate(bool app = false, params string[] extra)
        => ToolInProcess.RunAsync(_github.Environment(app), [
            "review-gate", "--base", _base, "--head", _head, "--repository", $"{FakeGitHub.Owner}/{FakeGitHub.Name}",
            "--pull-request", "42", "--head-sha", Head, "--author", Author, .. extra]);

    private async Task<JsonNode> GateJson(bool app = false)
    {
        var run = await Gate(app, "--format", "json");
        Assert.Equal("", run.Error);
        return JsonNode.Parse(run.Output)!;
    }

    private static string Api(JsonNode gate, string api) => (string)gate["apis"]!.AsArray().Single(a => (string)a!["api"]! == api)!["state"]!;

    [Fact]
    public async Task An_owners_approval_of_the_head_passes_and_names_the_approver()
    {
        GrantGlobexInventory();
        _github.Reviews.Add(FakeGitHub.Review(80, "mlindqvist", "APPROVED", Head, "2026-12-03T09:15:00Z"));
        _github.Publish();

        var run = await Gate(format: "markdown");

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        Assert.Contains(
            "| `inventory-api` | @mlindqvist, @acme/warehouse-leads | dev: `partner-globex` newly granted `inventory-api`: `stock:read` | approved by @mlindqvist (review 80, 2026-12-03T09:15:00Z) of 6dcb09b |",
            run.Output,
            StringComparison.Ordinal);
        Assert.Contains("Every API's owners have approved.", run.Output, StringComparison.Ordinal);
        // The workflow's token sufficed: no team had to be asked, as the approver is named as a user.
        var request = Assert.Single(_github.Requests);
        Assert.Equal("100", request.RequestMessage.Query!["per_page"].Single());
        Assert.Equal($"Token {FakeGitHub.Token}", request.RequestMessage.Headers!["Authorization"].Single());
    }

    private Task<ToolRun> Gate(string format) => Gate(false, "--format", format);

    [Fact]
    public async Task An_approval_of_an_older_commit_a_dismissed_review_and_the_authors_own_do_not_count()
    {
        GrantGlobexInventory();
        _github.Reviews.Add(FakeGitHub.Review(80, "mlindqvist", "APPROVED", Older, "2026-12-02T16:00:00Z"));
        _github.Reviews.Add(FakeGitHub.Review(81, "alice", "APPROVED", Head, "2026-12-03T08:00:00Z"));
        _github.Members.Add("acme/warehouse-leads alice");
        _github.Members.Add("acme/warehouse-leads bkaur");
        _github.Reviews.Add(FakeGitHub.Review(82, "bkaur", "DISMISSED", Head, "2026-12-03T08:30:00Z"));
        _github.Publish();

        var run = await Gate(app: true);

        Assert.Equal((3, ""), (run.ExitCode, run.Error));
        Assert.Contains(
            "inventory-api (owners @mlindqvist, @acme/warehouse-leads): waiting for an approving review of 6dcb09b by one of @mlindqvist, @acme/warehouse-leads. "
            + "@mlindqvist approved ecdd80b, not the head 6dcb09b: a later push needs a new approval. "
            + "@alice is the pull request's author: their own review does not count. @bkaur's review was dismissed.\n"
            + "  - dev: partner-globex newly granted inventory-api: stock:read\n",
            run.Output,
            StringComparison.Ordinal);
        Assert.Contains("Waiting: inventory-api. The check runs again when a review is submitted or dismissed.", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reviews_are_read_across_every_page_github_links()
    {
        GrantGlobexInventory();
        _github.PageSize = 2;
        _github.Reviews.AddRange([
            FakeGitHub.Review(1, "ci-bot", "COMMENTED", Older, "2026-12-01T10:00:00Z"),
            FakeGitHub.Review(2, "tpatel", "APPROVED", Older, "2026-12-01T11:00:00Z"),
            FakeGitHub.Review(3, "ci-bot", "COMMENTED", Head, "2026-12-02T10:00:00Z"),
            FakeGitHub.Review(4, "tpatel", "COMMENTED", Head, "2026-12-02T11:00:00Z"),
            FakeGitHub.Review(5, "mlindqvist", "APPROVED", Head, "2026-12-03T09:00:00Z"),
        ]);
        _github.Publish();

        // tpatel's approval is of an older commit: whether they are a warehouse lead is asked (404: not).
        var gate = await GateJson(app: true);

        Assert.Equal("Approved", Api(gate, "inventory-api"));
        Assert.Equal(5, (long)gate["apis"]![0]!["approvedBy"]!["reviewId"]!);
        Assert.Equal(
            ["", "2", "3"],
            _github.Requests.Where(r => r.RequestMessage.Path == _github.ReviewsPath).Select(r => r.RequestMessage.Query!.TryGetValue("page", out var page) ? page.Single() : ""));
    }

    [Fact]
    public async Task A_team_owner_counts_through_its_membership_which_needs_the_apps_token()
    {
        GrantGlobexCancel();
        _github.Reviews.Add(FakeGitHub.Review(90, "ocheng", "APPROVED", Head, "2026-12-03T10:00:00Z"));
        _github.Reviews.Add(FakeGitHub.Review(91, "tpatel", "APPROVED", Head, "2026-12-03T10:05:00Z"));
        _github.Members.Add("acme/orders-owners ocheng");
        _github.Publish();

        var withoutApp = await Gate(app: false);
        var gate = await GateJson(app: true);

        Assert.Equal(1, withoutApp.ExitCode);
        Assert.Equal(
            "@ocheng reviewed, and @acme/orders-owners is a team of owners: reading team membership needs a GitHub App installation token with the organization permission Members: read, in ACCESS_REVIEW_APP_TOKEN; the workflow's GITHUB_TOKEN cannot read it (docs/gitops.md \"Who approves access\"). Set up the App, or name the owners as users.\n",
            withoutApp.Error);
        Assert.Equal("Approved", Api(gate, "orders-api"));
        Assert.Equal("ocheng", (string)gate["apis"]![0]!["approvedBy"]!["login"]!);
        // One membership read per reviewer: ocheng's (200, active) was enough.
        Assert.Contains(_github.Requests, r => r.RequestMessage.Path == "/api/v3/orgs/acme/teams/orders-owners/memberships/ocheng");
    }

    [Fact]
    public async Task A_reviewer_outside_the_team_is_no_owner()
    {
        GrantGlobexCancel();
        _github.Reviews.Add(FakeGitHub.Review(91, "tpatel", "APPROVED", Head, "2026-12-03T10:05:00Z"));
        _github.Publish();

        var gate = await GateJson(app: true);

        Assert.Equal("Waiting", Api(gate, "orders-api"));
        Assert.Empty(gate["apis"]![0]!["notes"]!.AsArray());
        // The 404 "if user has no team membership" was asked and read as not a member.
        Assert.Contains(_github.Requests, r => r.RequestMessage.Path == "/api/v3/orgs/acme/teams/orders-owners/memberships/tpatel" && r.ResponseMessage.StatusCode is 404);
    }

    [Fact]
    public async Task An_owners_request_for_changes_holds_the_api_until_they_approve_or_it_is_dismissed()
    {
        GrantGlobexInventory();
        _github.Members.Add("acme/warehouse-leads bkaur");
        _github.Reviews.Add(FakeGitHub.Review(80, "mlindqvist", "APPROVED", Head, "2026-12-03T09:00:00Z"));
        _github.Reviews.Add(FakeGitHub.Review(81, "bkaur", "CHANGES_REQUESTED", Head, "2026-12-03T09:30:00Z"));
        _github.Publish();
        var held = await GateJson(app: true);

        _github.Reviews.Add(FakeGitHub.Review(82, "bkaur", "COMMENTED", Head, "2026-12-03T09:40:00Z"));
        _github.Publish();
        var stillHeld = await GateJson(app: true);

        _github.Reviews[1]["state"] = "DISMISSED";
        _github.Publish();
        var released = await GateJson(app: true);

        Assert.Equal("ChangesRequested", Api(held, "inventory-api"));
        Assert.Equal("@bkaur requested changes.", (string)held["apis"]![0]!["notes"]![0]!);
        Assert.Equal("ChangesRequested", Api(stillHeld, "inventory-api"));
        Assert.Equal("Approved", Api(released, "inventory-api"));
    }

    [Fact]
    public async Task The_base_branchs_owners_decide_so_a_change_cannot_name_its_own_approver()
    {
        GrantGlobexInventory();
        Edit("Pulumi.yaml", "owners: [\"@mlindqvist\", \"@acme/warehouse-leads\"]", "owners: [\"@mlindqvist\", \"@acme/warehouse-leads\", \"@mallory\"]");
        _github.Reviews.Add(FakeGitHub.Review(80, "mallory", "APPROVED", Head, "2026-12-03T09:00:00Z"));
        _github.Publish();

        var run = await Gate(app: true, "--format", "json");
        var gate = JsonNode.Parse(run.Output)!;

        Assert.Equal(3, run.ExitCode);
        Assert.Equal("Waiting", Api(gate, "inventory-api"));
        Assert.Equal("""["@mlindqvist","@acme/warehouse-leads"]""", gate["apis"]![0]!["owners"]!.ToJsonString());
        // The change of owners is itself an increase its current owners approve.
        Assert.Contains(gate["apis"]![0]!["increases"]!.AsArray(), i => (string)i!["kind"]! == "ApiOwnersChanged");
    }

    [Fact]
    public async Task An_api_without_owners_waits_for_the_access_review_environment()
    {
        Edit("Pulumi.yaml", "        owners: [\"@acme/orders-owners\"]\n", "");
        File.WriteAllText(Path.Combine(_base, "Pulumi.yaml"), File.ReadAllText(Path.Combine(_head, "Pulumi.yaml")));
        GrantGlobexCancel();
        _github.Publish();
        var outputs = Path.Combine(_head, "outputs.txt");

        var run = await Gate(app: false, "--outputs", outputs);

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        Assert.Contains("orders-api (owners none): names no owners: the access-review environment's reviewers approve it (name its owners under apis[].owners in Pulumi.yaml)", run.Output, StringComparison.Ordinal);
        Assert.Equal("owners-approved=true\nenvironment-approval=true\n", File.ReadAllText(outputs));
    }

    [Fact]
    public async Task Without_an_increase_nothing_is_read_and_no_token_is_needed()
    {
        // A new owner of a client is no increase of what it may do.
        Edit("Pulumi.dev.yaml", "owner: team-warehouse", "owner: team-stock");
        var run = await ToolInProcess.RunAsync(new Dictionary<string, string?> { ["GITHUB_TOKEN"] = null, ["ACCESS_REVIEW_APP_TOKEN"] = null },
            "review-gate", "--base", _base, "--head", _head, "--repository", "acme/access", "--pull-request", "42", "--head-sha", Head, "--author", Author);

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        Assert.Equal("Access review: the API owners' approval\n\nNo privilege increase: no approval needed.\n", run.Output.ReplaceLineEndings("\n"));
        Assert.Empty(_github.Requests);
    }

    [Theory]
    [InlineData(403, "API rate limit exceeded for installation ID 1.", null, "GitHub's rate limit was reached reading the reviews of pull request #42 (5000 requests an hour, 0 left; it resets at 2026-12-03T11:00:00Z). Re-run the check after that.\n")]
    [InlineData(429, "You have exceeded a secondary rate limit.", "60", "GitHub answered 429 Too Many Requests reading the reviews of pull request #42; GitHub asks to wait 60 s. Re-run the check later.\n")]
    public async Task A_rate_limited_answer_fails_the_check_and_says_when_to_run_it_again(int status, string message, string? retryAfter, string expected)
    {
        GrantGlobexInventory();
        _github.RateLimited(status, message, DateTimeOffset.Parse("2026-12-03T11:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds(), retryAfter);

        var run = await Gate(app: false);

        Assert.Equal((1, expected, ""), (run.ExitCode, run.Error, run.Output));
        Assert.DoesNotContain(FakeGitHub.Token, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_record_of_a_merged_increase_says_what_was_granted_to_whom_approved_by_whom_and_when()
    {
        GrantGlobexInventory();
        _github.Reviews.Add(FakeGitHub.Review(80, "mlindqvist", "APPROVED", Head, "2026-12-03T09:15:00Z"));
        _github.Publish();
        var record = Path.Combine(_head, "record.json");

        var run = await Gate(app: false, "--record", record, "--merge-commit", "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", "--merged-at", "2026-12-03T09:20:31Z");

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        Assert.Equal(
            """
            {
              "version": 1,
              "repository": "acme/access",
              "pullRequest": 42,
              "headSha": "6dcb09b5b57875f334f61aebed695e2e4193db5e",
              "mergeCommit": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
              "mergedAt": "2026-12-03T09:20:31Z",
              "author": "alice",
              "increases": [
                {
                  "stack": "dev",
                  "api": "inventory-api",
                  "kind": "GrantAdded",
                  "client": "partner-globex",
                  "clientOwner": "partnerships@acme.example",
                  "items": [
                    "stock:read"
                  ],
                  "description": "partner-globex newly granted inventory-api: stock:read",
                  "approvedBy": {
                    "login": "mlindqvist",
                    "reviewId": 80,
                    "commit": "6dcb09b5b57875f334f61aebed695e2e4193db5e",
                    "submittedAt": "2026-12-03T09:15:00Z"
                  },
                  "approval": "API owner"
                }
              ]
            }

            """,
            File.ReadAllText(record).ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task An_increase_without_a_token_invalid_config_and_a_record_without_its_merge_are_refused_by_name()
    {
        GrantGlobexInventory();
        var noToken = await ToolInProcess.RunAsync(new Dictionary<string, string?> { ["GITHUB_TOKEN"] = null, ["ACCESS_REVIEW_APP_TOKEN"] = null },
            "review-gate", "--base", _base, "--head", _head, "--repository", "acme/access", "--pull-request", "42", "--head-sha", Head, "--author", Author);
        _github.Reviews.Add(FakeGitHub.Review(80, "mlindqvist", "APPROVED", Head, "2026-12-03T09:15:00Z"));
        _github.Publish();
        var noMerge = await Gate(app: false, "--record", Path.Combine(_head, "record.json"));
        Edit("Pulumi.dev.yaml", "owner: team-warehouse", "owners: team-warehouse");
        var invalid = await Gate(app: false);

        Assert.Equal((1, "Set ACCESS_REVIEW_APP_TOKEN (a GitHub App installation token) or GITHUB_TOKEN: the gate reads the pull request's reviews from GitHub's REST API.\n"), (noToken.ExitCode, noToken.Error));
        Assert.Equal((1, "--record needs --merge-commit and --merged-at: a record is of a merged pull request.\n"), (noMerge.ExitCode, noMerge.Error));
        Assert.False(File.Exists(Path.Combine(_head, "record.json")));
        Assert.Equal(1, invalid.ExitCode);
        Assert.StartsWith("The access diff found invalid config; the privilege diff job lists it:\n  - dev: head: infra:clients[1].owner: is required", invalid.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Empty(invalid.Output);
    }

    [Theory]
    [InlineData("--author")]
    [InlineData("--head-sha")]
    [InlineData("--pull-request")]
    [InlineData("--repository")]
    [InlineData("--base")]
    public async Task Every_fact_the_gate_judges_by_is_a_required_option(string option)
    {
        string[] all = ["--base", _base, "--repository", "acme/access", "--pull-request", "42", "--head-sha", Head, "--author", Author];
        var without = all.Select((a, i) => (a, i)).Where(x => x.a != option && (x.i == 0 || all[x.i - 1] != option)).Select(x => x.a);

        var run = await ToolInProcess.RunAsync(["review-gate", .. without]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains($"Option '{option}' is required.", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", "GitHub's secondary rate limit was reached reading the reviews of pull request #42; GitHub asks to wait 30 s. Re-run the check later.\n")]
    [InlineData(401, "Bad credentials", "GitHub refused the token reading the reviews of pull request #42 (401): Bad credentials\n")]
    public async Task A_refused_or_throttled_read_of_the_reviews_names_what_github_said(int status, string message, string expected)
    {
        GrantGlobexInventory();
        _github.Server.Reset();
        _github.Server.Given(WireMock.RequestBuilders.Request.Create().UsingAnyMethod())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithHeader("Retry-After", "30")
                .WithBody($$"""{"message":"{{message}}","documentation_url":"https://docs.github.com/rest"}"""));

        var run = await Gate(app: false);

        Assert.Equal((1, expected), (run.ExitCode, run.Error));
    }

    [Fact]
    public async Task A_token_that_may_not_read_team_membership_is_told_which_permission_it_lacks()
    {
        GrantGlobexCancel();
        _github.Reviews.Add(FakeGitHub.Review(90, "ocheng", "APPROVED", Head, "2026-12-03T10:00:00Z"));
        _github.Publish();
        _github.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/v3/orgs/acme/teams/orders-owners/memberships/ocheng").UsingGet()).AtPriority(0)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(403).WithHeader("Content-Type", "application/json")
                .WithBody("""{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/teams/members#get-team-membership-for-a-user"}"""));

        var run = await Gate(app: true);

        Assert.Equal(
            (1, "The token may not read @acme/orders-owners's membership (403: Resource not accessible by integration): reviews need Pull requests: read, team membership the organization permission Members: read (docs/gitops.md \"Who approves access\").\n"),
            (run.ExitCode, run.Error));
    }

    [Theory]
    [InlineData("acme")]
    [InlineData("acme/")]
    [InlineData("acme/access/extra")]
    public void A_repository_that_is_not_owner_slash_name_is_refused(string repository)
    {
        var error = Assert.Throws<ArgumentException>(() => new Infra.Tool.Review.GitHubReviews(new Uri("http://127.0.0.1:9/"), "t", false, repository, 1));

        Assert.Equal($"'{repository}' is not owner/name. (Parameter 'repository')", error.Message);
    }

    [Fact]
    public async Task A_new_team_stack_is_judged_whole_and_a_waiting_gate_says_so_in_its_outputs()
    {
        File.WriteAllText(Path.Combine(_head, "Pulumi.staging.search.yaml"), File.ReadAllText(Path.Combine(_head, "Pulumi.staging.checkout.yaml"))
            .Replace("key: checkout-service", "key: search-indexer", StringComparison.Ordinal).Replace("name: Checkout service (staging)", "name: Search indexer (staging)", StringComparison.Ordinal));
        // A pending review has no submitted_at yet: it is no verdict.
        var pending = FakeGitHub.Review(70, "ocheng", "PENDING", Head, "2026-12-03T09:00:00Z");
        pending["submitted_at"] = null;
        _github.Reviews.Add(pending);
        _github.Publish();
        var outputs = Path.Combine(_head, "outputs.txt");

        var run = await Gate(app: true, "--outputs", outputs, "--format", "json");

        Assert.Equal((3, ""), (run.ExitCode, run.Error));
        Assert.Equal("owners-approved=false\nenvironment-approval=false\n", File.ReadAllText(outputs));
        Assert.Equal(["inventory-api", "orders-api"], JsonNode.Parse(run.Output)!["apis"]!.AsArray().Select(a => (string)a!["api"]!));
        Assert.All(JsonNode.Parse(run.Output)!["apis"]!.AsArray(), a => Assert.Equal("staging.search: new client search-indexer (owner team-checkout) granted inventory-api: stock:read orders-api: orders:read orders:write", $"{a!["increases"]![0]!["stack"]}: {a["increases"]![0]!["description"]}"));
    }

    [Fact]
    public async Task Without_an_increase_no_record_is_written()
    {
        Edit("Pulumi.dev.yaml", "owner: team-warehouse", "owner: team-stock");
        var record = Path.Combine(_head, "record.json");

        var run = await Gate(app: false, "--record", record, "--merge-commit", "a1b2c3d", "--merged-at", "2026-12-03T09:20:31Z");

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        Assert.False(File.Exists(record));
    }

    [Fact]
    public async Task A_429_without_retry_after_names_no_wait()
    {
        GrantGlobexInventory();
        _github.RateLimited(429, "API rate limit exceeded", 1796288400);

        var run = await Gate(app: false);

        Assert.Equal((1, "GitHub answered 429 Too Many Requests reading the reviews of pull request #42. Re-run the check later.\n"), (run.ExitCode, run.Error));
    }
}
