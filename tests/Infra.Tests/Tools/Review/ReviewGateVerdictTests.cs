using Infra.Tool.Diff;
using Infra.Tool.Plan;
using Infra.Tool.Review;

namespace Infra.Tests.Tools.Review;

/// <summary>The gate's verdict and its report from reviews alone, with a review source in memory: every rule and every line of the summary.</summary>
public class ReviewGateVerdictTests
{
    private const string Head = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

    private sealed class Reviews(bool canReadTeams, params PullRequestReview[] reviews) : IReviewSource
    {
        public HashSet<string> Members { get; } = new(StringComparer.OrdinalIgnoreCase);

        public List<string> Asked { get; } = [];

        public bool CanReadTeams => canReadTeams;

        public Task<IReadOnlyList<PullRequestReview>> ReviewsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<PullRequestReview>>(reviews);

        public Task<bool> IsActiveTeamMemberAsync(string org, string team, string login, CancellationToken cancellationToken)
        {
            Asked.Add($"{org}/{team} {login}");
            return Task.FromResult(Members.Contains($"{org}/{team} {login}"));
        }
    }

    private static PullRequestReview Review(long id, string login, string state, string? commit = Head, int minute = 0)
        => new(id, login, state, commit, new DateTimeOffset(2026, 12, 3, 9, minute, 0, TimeSpan.Zero));

    private static ApiApproval Approval(string api, params string[] owners)
        => new(api, owners, [new ReviewedIncrease("prod", new AccessChange(ChangeKind.GrantAdded, true, "partner-globex", api, ["orders:read"]), [api], "partnerships@acme.example")]);

    private static Task<ReviewGateResult> Evaluate(IReviewSource source, params ApiApproval[] approvals) => ReviewGate.EvaluateAsync(approvals, Head, "alice", source);

    [Fact]
    public async Task The_first_owner_to_approve_the_head_is_the_approver_and_earlier_stale_approvals_leave_no_note()
    {
        var result = await Evaluate(new Reviews(false, Review(1, "bkaur", "APPROVED", "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091"), Review(2, "ocheng", "APPROVED"), Review(3, "tpatel", "APPROVED")), Approval("orders-api", "@bkaur", "@ocheng", "@tpatel"));

        var decision = Assert.Single(result.Decisions);
        Assert.Equal((ApprovalState.Approved, 2L), (decision.State, decision.ApprovedBy!.Id));
        Assert.Empty(decision.Notes);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task The_first_owner_to_request_changes_is_named_and_the_others_notes_follow()
    {
        var result = await Evaluate(new Reviews(false, Review(1, "ocheng", "CHANGES_REQUESTED"), Review(2, "bkaur", "CHANGES_REQUESTED"), Review(3, "alice", "APPROVED")), Approval("orders-api", "@bkaur", "@ocheng", "@alice"));

        var decision = Assert.Single(result.Decisions);
        Assert.Equal(ApprovalState.ChangesRequested, decision.State);
        Assert.Equal(["@ocheng requested changes.", "@alice is the pull request's author: their own review does not count."], decision.Notes);
        Assert.Equal(ReviewGateResult.WaitingExitCode, result.ExitCode);
    }

    [Fact]
    public async Task Users_alone_need_no_team_token_and_a_reviewer_no_owner_names_is_not_asked_about()
    {
        var source = new Reviews(false, Review(1, "tpatel", "APPROVED"));

        var result = await Evaluate(source, Approval("inventory-api", "@mlindqvist"));

        Assert.Equal(ApprovalState.Waiting, result.Decisions.Single().State);
        Assert.Empty(source.Asked);
    }

    [Fact]
    public async Task Two_teams_the_token_cannot_read_are_both_named()
    {
        var error = await Assert.ThrowsAsync<ReviewGateException>(() => Evaluate(new Reviews(false, Review(1, "tpatel", "APPROVED")), Approval("orders-api", "@acme/orders-owners", "@acme/platform")));

        Assert.StartsWith("@tpatel reviewed, and @acme/orders-owners, @acme/platform are teams of owners: reading team membership needs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_team_is_asked_once_per_reviewer_across_apis()
    {
        var source = new Reviews(true, Review(1, "ocheng", "APPROVED"));
        source.Members.Add("acme/orders-owners ocheng");

        var result = await Evaluate(source, Approval("orders-api", "@acme/orders-owners"), Approval("payments-api", "@acme/orders-owners"));

        Assert.All(result.Decisions, d => Assert.Equal(ApprovalState.Approved, d.State));
        Assert.Equal(["acme/orders-owners ocheng"], source.Asked);
    }

    [Fact]
    public async Task An_api_without_owners_needs_the_environment_even_when_the_others_are_approved()
    {
        var result = await Evaluate(new Reviews(false, Review(1, "ocheng", "APPROVED")), Approval("orders-api", "@ocheng"), Approval("legacy-api"));

        Assert.True(result.OwnersApproved);
        Assert.True(result.NeedsEnvironmentApproval);
        Assert.False((await Evaluate(new Reviews(false, Review(1, "ocheng", "APPROVED")), Approval("orders-api", "@ocheng"))).NeedsEnvironmentApproval);
    }

    [Fact]
    public async Task A_pending_review_counts_for_nothing_and_an_approval_without_a_commit_is_stale()
    {
        var result = await Evaluate(
            new Reviews(false, new PullRequestReview(1, "ocheng", "PENDING", Head, null), Review(2, "bkaur", "APPROVED", commit: null)),
            Approval("orders-api", "@ocheng", "@bkaur"));

        var decision = Assert.Single(result.Decisions);
        Assert.Equal(ApprovalState.Waiting, decision.State);
        Assert.Equal(["@bkaur approved (no commit), not the head 6dcb09b: a later push needs a new approval."], decision.Notes);
    }

    [Fact]
    public async Task The_report_in_text_markdown_and_json_says_who_approved_and_whom_each_api_waits_for()
    {
        var result = await Evaluate(
            new Reviews(false, Review(80, "ocheng", "APPROVED", minute: 15), Review(81, "bkaur", "CHANGES_REQUESTED", minute: 20)),
            Approval("inventory-api", "@bkaur", "@mlindqvist"), Approval("legacy-api"), Approval("orders-api", "@ocheng"), Approval("stock-api", "@mlindqvist"));

        Assert.Equal(
            """
            Access review: the API owners' approval

            Head 6dcb09b, opened by @alice, whose own approval does not count.

            inventory-api (owners @bkaur, @mlindqvist): changes requested: waits for @bkaur, @mlindqvist. @bkaur requested changes.
              - prod: partner-globex newly granted inventory-api: orders:read
            legacy-api (owners none): names no owners: the access-review environment's reviewers approve it (name its owners under apis[].owners in Pulumi.yaml)
              - prod: partner-globex newly granted legacy-api: orders:read
            orders-api (owners @ocheng): approved by @ocheng (review 80, 2026-12-03T09:15:00Z) of 6dcb09b
              - prod: partner-globex newly granted orders-api: orders:read
            stock-api (owners @mlindqvist): waiting for an approving review of 6dcb09b by one of @mlindqvist.
              - prod: partner-globex newly granted stock-api: orders:read

            Waiting: inventory-api, stock-api. The check runs again when a review is submitted or dismissed.

            """,
            ReviewGateReport.Render(result, OutputFormat.Text).ReplaceLineEndings("\n"));
        Assert.Equal(
            """
            ### Access review: the API owners' approval

            Head 6dcb09b, opened by @alice, whose own approval does not count.

            | API | owners | what it approves | approval |
            |---|---|---|---|
            | `inventory-api` | @bkaur, @mlindqvist | prod: `partner-globex` newly granted `inventory-api`: `orders:read` | **changes requested**: waits for @bkaur, @mlindqvist. @bkaur requested changes. |
            | `legacy-api` | none | prod: `partner-globex` newly granted `legacy-api`: `orders:read` | names no owners: the access-review environment's reviewers approve it (name its owners under apis[].owners in Pulumi.yaml) |
            | `orders-api` | @ocheng | prod: `partner-globex` newly granted `orders-api`: `orders:read` | approved by @ocheng (review 80, 2026-12-03T09:15:00Z) of 6dcb09b |
            | `stock-api` | @mlindqvist | prod: `partner-globex` newly granted `stock-api`: `orders:read` | **waiting** for an approving review of 6dcb09b by one of @mlindqvist. |

            Waiting: inventory-api, stock-api. The check runs again when a review is submitted or dismissed.

            """,
            ReviewGateReport.Render(result, OutputFormat.Markdown).ReplaceLineEndings("\n"));
        var json = System.Text.Json.Nodes.JsonNode.Parse(ReviewGateReport.Render(result, OutputFormat.Json))!;
        Assert.Equal(
            """{"headSha":"6dcb09b5b57875f334f61aebed695e2e4193db5e","author":"alice","ownersApproved":false,"environmentApproval":true}""",
            new System.Text.Json.Nodes.JsonObject(json.AsObject().Where(kv => kv.Key != "apis").Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))).ToJsonString());
        Assert.Equal(
            """{"api":"orders-api","owners":["@ocheng"],"state":"Approved","approvedBy":{"login":"ocheng","reviewId":80,"commit":"6dcb09b5b57875f334f61aebed695e2e4193db5e","submittedAt":"2026-12-03T09:15:00Z"},"notes":[],"increases":[{"stack":"prod","kind":"GrantAdded","description":"partner-globex newly granted orders-api: orders:read"}]}""",
            json["apis"]![2]!.ToJsonString());
    }

    [Fact]
    public async Task The_report_of_approved_owners_with_an_ownerless_api_says_the_environment_still_waits()
    {
        var result = await Evaluate(new Reviews(false, Review(1, "ocheng", "APPROVED")), Approval("orders-api", "@ocheng"), Approval("legacy-api"));
        var approved = await Evaluate(new Reviews(false, Review(1, "ocheng", "APPROVED")), Approval("orders-api", "@ocheng"));

        Assert.EndsWith("\nThe owners have approved; an API without owners waits for the access-review environment.\n", ReviewGateReport.Render(result, OutputFormat.Text).ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.EndsWith("\nEvery API's owners have approved.\n", ReviewGateReport.Render(approved, OutputFormat.Markdown).ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal("### Access review: the API owners' approval\n\nNo privilege increase: no approval needed.\n", ReviewGateReport.Render(new ReviewGateResult(Head, "alice", []), OutputFormat.Markdown).ReplaceLineEndings("\n"));
        Assert.Equal("approved by @ocheng (review 1, 2026-12-03T09:00:00Z) of short", ReviewGateReport.Standing(approved.Decisions[0], "short"));
    }

    [Fact]
    public async Task The_record_says_how_each_increase_was_approved_even_when_it_was_not()
    {
        var result = await Evaluate(new Reviews(false, Review(1, "ocheng", "APPROVED")), Approval("legacy-api"), Approval("orders-api", "@ocheng"), Approval("stock-api", "@mlindqvist"));

        var record = AccessRecord.Create(result, new MergedPullRequest("acme/access", 42, "a1b2c3d", new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.FromHours(1))));

        Assert.Equal("2026-12-03T09:00:00Z", (string)record["mergedAt"]!);
        Assert.Equal(
            ["legacy-api access-review environment ", "orders-api API owner ocheng", "stock-api none: merged without an owner's approval of its head "],
            record["increases"]!.AsArray().Select(i => $"{i!["api"]} {i["approval"]} {i["approvedBy"]?["login"]}"));
        Assert.All(record["increases"]!.AsArray(), i => Assert.Equal("partnerships@acme.example", (string)i!["clientOwner"]!));
    }
}
