using Infra.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Workflows;

/// <summary>
/// The API owners' gate in the workflows: what it runs from where, which token it gets, how a review re-runs it,
/// and the record a merge leaves. Step scripts run under bash with <c>dotnet</c> and <c>gh</c> stubbed as functions.
/// </summary>
public class AccessReviewWorkflowTests
{
    private static readonly string Root = StackHarness.RepositoryRoot();

    private static Workflow Load(string file) => Workflow.Load(Path.Combine(Root, ".github", "workflows", file));

    private static string? Needs(Job job) => Yaml.Scalar(job.Node, "needs");

    /// <summary>Runs <paramref name="script"/> with <paramref name="functions"/> defined first; returns the exit code, what it printed and the files it wrote.</summary>
    private static async Task<(int Code, string Output, string Summary, string Outputs, string Calls)> Run(string script, string functions, IReadOnlyDictionary<string, string> environment, Action<string>? prepare = null)
    {
        var folder = Directory.CreateTempSubdirectory("review-step-").FullName;
        try
        {
            prepare?.Invoke(folder);
            var start = new System.Diagnostics.ProcessStartInfo("bash", ["-e", "-c", $"{functions}\n{script}"]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["GITHUB_OUTPUT"] = Path.Combine(folder, "output");
            start.Environment["GITHUB_STEP_SUMMARY"] = Path.Combine(folder, "summary");
            start.Environment["CALLS"] = Path.Combine(folder, "calls");
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            using var shell = System.Diagnostics.Process.Start(start)!;
            var output = await shell.StandardOutput.ReadToEndAsync() + await shell.StandardError.ReadToEndAsync();
            await shell.WaitForExitAsync();
            string Read(string name) => File.Exists(Path.Combine(folder, name)) ? File.ReadAllText(Path.Combine(folder, name)) : "";
            return (shell.ExitCode, output, Read("summary"), Read("output"), Read("calls"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_owners_gate_runs_the_base_branchs_tool_on_the_heads_stack_files_with_the_apps_token_where_there_is_one()
    {
        var workflow = Load("access-review.yml");
        var owners = workflow.Job("owners");
        var app = owners.Steps.Single(s => s.Uses?.StartsWith("actions/create-github-app-token@", StringComparison.Ordinal) == true);
        var gate = owners.Steps.Single(s => s.Run?.Contains("review-gate", StringComparison.Ordinal) == true);

        Assert.Equal("API owners' approval", owners.Name);
        Assert.Equal("diff", Needs(owners));
        Assert.Equal("needs.diff.outputs.increase == 'true'", Yaml.Scalar(owners.Node, "if"));
        Assert.Equal(new Dictionary<string, string> { ["contents"] = "read", ["pull-requests"] = "read" }, owners.Permissions);
        Assert.Equal("access-review-gate", owners.Environment);
        // The App's token can read team membership and the reviews, nothing else.
        Assert.Equal(("read", "read", "vars.ACCESS_REVIEW_APP_ID != ''"), (app.With("permission-members"), app.With("permission-pull-requests"), app.If));
        Assert.Contains("dotnet run --project base/tools/AccessTool -- review-gate --base base --head head", gate.Run, StringComparison.Ordinal);
        Assert.Equal("${{ steps.app.outputs.token }}", Yaml.Scalar(gate.Node.Children[new YamlScalarNode("env")], "ACCESS_REVIEW_APP_TOKEN"));
        Assert.Equal("${{ github.event.pull_request.head.sha }}", Yaml.Scalar(gate.Node.Children[new YamlScalarNode("env")], "HEAD_SHA"));
        Assert.Equal("${{ github.event.pull_request.user.login }}", Yaml.Scalar(gate.Node.Children[new YamlScalarNode("env")], "AUTHOR"));
        Assert.Empty(WorkflowRules.HeadCodeViolations(workflow));
        // The environment's reviewers approve only for an API without owners.
        Assert.Equal(("owners", "needs.owners.outputs.environment == 'true'"), (Needs(workflow.Job("approval")), Yaml.Scalar(workflow.Job("approval").Node, "if")));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(3, 3)]
    [InlineData(1, 1)]
    public async Task The_gate_step_passes_the_tools_verdict_on_and_puts_its_report_in_the_summary(int tool, int step)
    {
        var gate = Load("access-review.yml").Job("owners").Steps.Single(s => s.Run?.Contains("review-gate", StringComparison.Ordinal) == true).Run!;

        var run = await Run(gate, $"dotnet() {{ echo \"$*\" >> \"$CALLS\"; echo '### Access review: the API owners approval'; return {tool}; }}", new Dictionary<string, string>
        {
            ["REPOSITORY"] = "acme/access",
            ["NUMBER"] = "42",
            ["HEAD_SHA"] = "6dcb09b",
            ["AUTHOR"] = "alice",
        });

        Assert.Equal(step, run.Code);
        Assert.Equal("### Access review: the API owners approval\n", run.Summary);
        Assert.Contains("review-gate --base base --head head --repository acme/access --pull-request 42 --head-sha 6dcb09b --author alice --outputs ", run.Calls, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_merge_keeps_its_record_and_a_merge_past_a_missing_approval_is_recorded_not_failed()
    {
        var record = Load("access-review.yml").Job("record");
        var script = record.Steps.Single(s => s.Run?.Contains("--record", StringComparison.Ordinal) == true).Run!;
        var upload = record.Steps.Single(s => s.Uses?.StartsWith("actions/upload-artifact@", StringComparison.Ordinal) == true);
        var environment = new Dictionary<string, string> { ["REPOSITORY"] = "acme/access", ["NUMBER"] = "42", ["HEAD_SHA"] = "6dcb09b", ["AUTHOR"] = "alice", ["MERGE_COMMIT"] = "a1b2c3d", ["MERGED_AT"] = "2026-12-03T09:20:31Z" };

        // The tool writes the record it was asked for; the step puts it in the summary as well.
        var unapproved = await Run(script, "dotnet() { echo \"$*\" >> \"$CALLS\"; echo '{\"version\": 1}' > access-record-42.json; echo '### gate'; return 3; }", environment);
        var failed = await Run(script, "dotnet() { return 1; }", environment);

        Assert.Equal("github.event.action == 'closed' && github.event.pull_request.merged == true", Yaml.Scalar(record.Node, "if"));
        Assert.Equal(0, unapproved.Code);
        Assert.Equal("### gate\n\n<details><summary>access record (JSON)</summary>\n\n```json\n{\"version\": 1}\n```\n</details>\n", unapproved.Summary);
        Assert.Contains("--record access-record-42.json --merge-commit a1b2c3d --merged-at 2026-12-03T09:20:31Z", unapproved.Calls, StringComparison.Ordinal);
        Assert.Equal(1, failed.Code);
        Assert.Equal(("access-record-${{ github.event.pull_request.number }}", "access-record-*.json", "90"), (upload.With("name"), upload.With("path"), upload.With("retention-days")));
        // The gate of the pull request itself is never held up by a merge's record.
        Assert.Equal("${{ github.event.action != 'closed' }}", Yaml.Scalar(Load("access-review.yml").Root.Children[new YamlScalarNode("concurrency")], "cancel-in-progress"));
        Assert.Equal("github.event.action != 'closed'", Yaml.Scalar(Load("access-review.yml").Job("diff").Node, "if"));
    }

    [Fact]
    public void A_review_runs_nothing_with_any_permission_and_only_passes_the_pull_requests_number_on()
    {
        var events = Load("access-review-event.yml");
        var job = events.Jobs.Single();

        Assert.Equal(["pull_request_review"], events.On);
        Assert.Empty(job.Permissions);
        Assert.Equal("${{ github.event.pull_request.number }}", Yaml.Scalar(job.Steps[0].Node.Children[new YamlScalarNode("env")], "NUMBER"));
        Assert.Equal(("review-event", "review/number"), (job.Steps[1].With("name"), job.Steps[1].With("path")));
        // The re-run listens for exactly this workflow, by its name.
        Assert.Contains($"\"{Yaml.Scalar(events.Root, "name")}\"", Load("access-review-rerun.yml").Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42", "completed", 0, "api repos/acme/access/pulls/42 --jq .head.sha\napi repos/acme/access/actions/workflows/access-review.yml/runs?event=pull_request_target&head_sha=6dcb09b&per_page=1 --jq .workflow_runs[0] | select(.status == \"completed\") | .id\nrun rerun 9001 --repo acme/access\n")]
    [InlineData("42", "in_progress", 0, "api repos/acme/access/pulls/42 --jq .head.sha\napi repos/acme/access/actions/workflows/access-review.yml/runs?event=pull_request_target&head_sha=6dcb09b&per_page=1 --jq .workflow_runs[0] | select(.status == \"completed\") | .id\n")]
    [InlineData("42; gh repo delete", "completed", 1, "")]
    [InlineData("", "completed", 1, "")]
    public async Task The_re_run_takes_the_number_as_data_and_re_runs_the_finished_gate_of_the_pull_requests_head(string number, string status, int code, string calls)
    {
        var rerun = Load("access-review-rerun.yml").Job("rerun");
        var script = rerun.Steps.Single(s => s.Run is not null).Run!;
        // gh answers the head of the pull request, then the run's id when the run has finished.
        var gh = $$"""
            gh() {
              printf '%s\n' "$*" >> "$CALLS"
              case "$2" in
                */pulls/*) echo 6dcb09b ;;
                */runs*) if [ "{{status}}" = completed ]; then echo 9001; fi ;;
              esac
            }
            """;

        var run = await Run(script, gh, new Dictionary<string, string> { ["REPOSITORY"] = "acme/access" }, folder =>
        {
            Directory.CreateDirectory(Path.Combine(folder, "review"));
            File.WriteAllText(Path.Combine(folder, "review", "number"), number + "\n");
        });

        Assert.Equal(code, run.Code);
        Assert.Equal(calls, run.Calls);
        Assert.Equal(new Dictionary<string, string> { ["actions"] = "write", ["pull-requests"] = "read" }, rerun.Permissions);
        Assert.Equal("github.event.workflow_run.conclusion == 'success'", Yaml.Scalar(rerun.Node, "if"));
    }
}
