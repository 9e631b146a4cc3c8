using System.Text.RegularExpressions;
using Infra.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Workflows;

/// <summary>
/// The GitHub workflows, parsed as YAML: one test entry point, the trust boundary (pinned actions, least permissions,
/// a pull_request_target gate that never runs the pull request's code), concurrency and the pinned Pulumi CLI.
/// </summary>
public class WorkflowTests
{
    private static readonly string Root = StackHarness.RepositoryRoot();

    private static IReadOnlyList<Workflow> All { get; } = [.. Directory.GetFiles(Path.Combine(Root, ".github", "workflows"), "*.yml").Order(StringComparer.Ordinal).Select(Workflow.Load)];

    private static Workflow Named(string file) => All.Single(w => w.File == file);

    [Fact]
    public void The_workflows_are_the_expected_ones()
    {
        // Guards the other tests from passing over an empty folder.
        Assert.Equal(["access-review-event.yml", "access-review-rerun.yml", "access-review.yml", "deploy.yml", "drift.yml", "pull-request.yml", "pulumi-up.yml"], All.Select(w => w.File));
    }

    [Fact]
    public void Every_job_that_runs_tests_runs_exactly_test_sh_and_no_workflow_runs_dotnet_test()
    {
        Assert.All(All, w => Assert.DoesNotContain("dotnet test", w.Text, StringComparison.Ordinal));
        var testing = All.SelectMany(w => w.Jobs).Where(j => j.Steps.Any(s => WorkflowRules.RunsTests(s.Run))).ToList();

        Assert.Contains(testing, j => j.Workflow == "pull-request.yml" && j.Id == "build");
        Assert.All(testing, j => Assert.Equal(["./test.sh"], j.Steps.Where(s => WorkflowRules.RunsTests(s.Run)).Select(s => s.Run!.Trim())));
    }

    [Fact]
    public void A_job_that_runs_test_sh_sets_up_dotnet_from_global_json_and_node_20_or_later()
    {
        var testing = All.SelectMany(w => w.Jobs).Where(j => j.Steps.Any(s => s.Run?.Trim() == "./test.sh")).ToList();

        Assert.NotEmpty(testing);
        Assert.All(testing, job =>
        {
            Assert.Contains(job.Steps, s => s.Uses?.StartsWith("actions/setup-dotnet@", StringComparison.Ordinal) == true && s.With("global-json-file") == "global.json");
            var node = Assert.Single(job.Steps, s => s.Uses?.StartsWith("actions/setup-node@", StringComparison.Ordinal) == true);
            Assert.True(int.Parse(node.With("node-version")!.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture) >= 20, $"{job}: node {node.With("node-version")}");
        });
    }

    [Fact]
    public void Ci_runs_the_tests_through_test_sh_and_test_sh_runs_every_suite()
    {
        var ci = File.ReadAllLines(Path.Combine(Root, ".ci", "run")).Select(l => l.Trim()).Where(l => !l.StartsWith('#')).ToList();
        var script = File.ReadAllText(Path.Combine(Root, "test.sh"));

        Assert.Contains("./test.sh", ci);
        Assert.DoesNotContain(ci, l => WorkflowRules.RunsTests(l) && l != "./test.sh");
        Assert.Contains("set -euo pipefail", script, StringComparison.Ordinal);
        foreach (var command in new[]
        {
            "npm ci --prefix tests/verify --no-audit --no-fund", "node --test tests/actions/", "dotnet restore Infra.sln",
            "dotnet format Infra.sln --verify-no-changes --no-restore", "dotnet test Infra.sln --no-restore", "passed, %d failed",
        })
        {
            Assert.Contains(command, script, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_readme_opens_with_exactly_two_commands_the_offline_plan_and_test_sh()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var section = readme[readme.IndexOf("## Try it: two commands", StringComparison.Ordinal)..];
        var block = Regex.Match(section, "```bash\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;

        Assert.Equal(["dotnet run --project tools/AccessTool -- plan", "./test.sh"], block.Split('\n').Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0));
        Assert.True(readme.Length <= 12_000, $"README.md has {readme.Length} characters; keep it under 12,000 and move detail into docs/.");
    }

    [Fact]
    public void Every_third_party_action_is_pinned_by_a_full_commit_sha_with_its_version_beside_it()
    {
        var uses = All.SelectMany(w => w.Uses.Select(u => (w.File, Uses: u))).ToList();
        var lines = All.SelectMany(w => w.Text.Split('\n').Select(l => (w.File, Line: l.Trim()))).Where(l => l.Line.StartsWith("uses:", StringComparison.Ordinal) || l.Line.StartsWith("- uses:", StringComparison.Ordinal)).ToList();

        Assert.Contains(uses, u => !u.Uses.StartsWith("./", StringComparison.Ordinal));
        Assert.All(uses.Where(u => !u.Uses.StartsWith("./", StringComparison.Ordinal)), u => Assert.Matches("^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$", u.Uses));
        // The raw lines, for the version comment the YAML parser drops; as many as the parsed `uses:`.
        Assert.Equal(uses.Count, lines.Count);
        Assert.All(lines.Where(l => !l.Line.Contains("uses: ./", StringComparison.Ordinal)), l => Assert.Matches(@"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", l.Line));
        // One action, one commit: a second SHA for the same action would be a version nobody chose.
        Assert.All(uses.Where(u => !u.Uses.StartsWith("./", StringComparison.Ordinal)).GroupBy(u => u.Uses.Split('@')[0]), g => Assert.Single(g.Select(u => u.Uses).Distinct()));
    }

    [Fact]
    public void Every_workflow_declares_top_level_permissions_and_every_job_its_own()
    {
        Assert.All(All, w =>
        {
            Assert.True(w.Root.Children.ContainsKey(new YamlScalarNode("permissions")), $"{w.File} has no top-level permissions");
            Assert.True(w.Root.Children[new YamlScalarNode("permissions")] is YamlMappingNode { Children.Count: 0 }, $"{w.File}: top-level permissions must be {{}}");
            Assert.All(w.Jobs, j => Assert.True(j.Node.Children.ContainsKey(new YamlScalarNode("permissions")), $"{j} declares no permissions"));
        });
    }

    [Fact]
    public void Only_jobs_that_use_a_cloud_identity_write_comments_or_re_run_the_access_review_get_more_than_read()
    {
        var writes = All.SelectMany(w => w.Jobs).SelectMany(j => j.Permissions.Where(p => p.Value == "write").Select(p => $"{j.Workflow}:{j.Id}:{p.Key}")).Order(StringComparer.Ordinal);

        Assert.Equal(
        [
            "access-review-rerun.yml:rerun:actions",
            "deploy.yml:dev-teams:id-token", "deploy.yml:dev:id-token", "deploy.yml:prod-teams:id-token", "deploy.yml:prod:id-token",
            "deploy.yml:staging-teams:id-token", "deploy.yml:staging:id-token", "drift.yml:drift:id-token",
            "pull-request.yml:access:pull-requests", "pull-request.yml:preview:id-token", "pull-request.yml:preview:pull-requests", "pulumi-up.yml:up:id-token",
        ], writes);
    }

    [Fact]
    public void No_pull_request_target_workflow_runs_code_from_the_pull_requests_head()
    {
        var targets = All.Where(w => w.On.Contains("pull_request_target")).ToList();

        Assert.Equal(["access-review.yml"], targets.Select(w => w.File));
        Assert.All(targets, w => Assert.Empty(WorkflowRules.HeadCodeViolations(w)));
        // The gate really reads the head: its checkout is there, in its own folder, handed to the base's tool as data.
        var diff = Named("access-review.yml").Job("diff");
        Assert.Contains(diff.Steps, s => WorkflowRules.IsHeadCheckout(s) && s.With("path") == "head");
        Assert.Contains(diff.Steps, s => s.Run?.Contains("dotnet run --project base/tools/AccessTool -- diff \"$stack\" --base base --head head", StringComparison.Ordinal) == true);
    }

    [Theory]
    [InlineData("- uses: actions/checkout@x\n  with: {ref: '${{ github.event.pull_request.head.sha }}'}\n- run: dotnet build", "without a path")]
    [InlineData("- uses: actions/checkout@x\n  with: {ref: '${{ github.event.pull_request.head.sha }}', path: head}\n- run: make\n  working-directory: head", "working directory")]
    [InlineData("- uses: actions/checkout@x\n  with: {ref: '${{ github.event.pull_request.head.sha }}', path: head}\n- run: dotnet run --project head/tools/AccessTool", "--project")]
    [InlineData("- uses: actions/checkout@x\n  with: {ref: '${{ github.event.pull_request.head.sha }}', path: pr}\n- run: cd pr && npm ci", "enters")]
    [InlineData("- uses: actions/checkout@x\n  with: {repository: '${{ github.event.pull_request.head.repo.full_name }}', path: pr}\n- run: bash pr/build.sh", "runs")]
    [InlineData("- uses: actions/checkout@x\n  with: {ref: '${{ github.head_ref }}', path: pr}\n- uses: ./pr/.github/actions/x", "action")]
    [InlineData("- uses: actions/checkout@x\n  with: {ref: '${{ github.event.pull_request.head.sha }}', path: pr}\n- uses: actions/setup-dotnet@x\n  with: {global-json-file: pr/global.json}", "reads its input")]
    public void The_head_checkout_rule_catches_what_would_run_the_heads_code(string steps, string expected)
    {
        var yaml = "on: pull_request_target\npermissions: {}\njobs:\n  j:\n    permissions: {}\n    runs-on: ubuntu-latest\n    steps:\n" + string.Join('\n', steps.Split('\n').Select(l => "      " + l));

        Assert.Contains(WorkflowRules.HeadCodeViolations(Workflow.Parse("bad.yml", yaml)), v => v.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Deploy_never_cancels_and_drift_has_a_group_of_its_own()
    {
        var up = Named("pulumi-up.yml").Job("up");
        var drift = Named("drift.yml").Job("drift");

        Assert.Equal("pulumi-<stack>", WorkflowRules.Group(up.Concurrency("group")));
        Assert.Equal("false", up.Concurrency("cancel-in-progress"));
        Assert.Equal("drift-<stack>", WorkflowRules.Group(drift.Concurrency("group")));
        Assert.Equal("true", drift.Concurrency("cancel-in-progress"));
        // Whatever else shares deploy's group must not cancel it, at job or workflow level.
        var sharing = All.SelectMany(w => w.Concurrencies).Where(c => WorkflowRules.Group(c.Group) == "pulumi-<stack>").ToList();
        Assert.All(sharing, c => Assert.Equal("false", c.CancelInProgress));
        Assert.Single(sharing);
    }

    [Fact]
    public void Deploy_runs_the_gate_from_the_deployed_commit_and_applies_its_steps_in_order_moving_the_tag_after_each()
    {
        var up = Named("pulumi-up.yml").Job("up");
        var steps = up.Steps;
        var run = string.Join('\n', steps.Select(s => s.Run).OfType<string>());

        // The whole history: the gate reads every commit since the deployed one, and each step checks one out.
        Assert.Equal("0", steps.Single(s => s.Uses?.StartsWith("actions/checkout@", StringComparison.Ordinal) == true).With("fetch-depth"));
        // The action only installs the CLI (no command): the job runs pulumi itself, step by step.
        var cli = steps.Single(s => s.Uses?.StartsWith("pulumi/actions@", StringComparison.Ordinal) == true);
        Assert.Null(cli.With("command"));
        var deployed = steps.FindIndex(s => s.Run?.Contains("pulumi stack tag get deployed-commit", StringComparison.Ordinal) == true);
        var gate = steps.FindIndex(s => s.Run?.Contains("-- deploy-gate \"$STACK\" --deployed \"$DEPLOYED\" --target \"$GITHUB_SHA\" --steps ../steps.txt --moves ../moves.txt --format markdown > ../gate.md", StringComparison.Ordinal) == true);
        var apply = steps.FindIndex(s => s.Run?.Contains("pulumi up --yes", StringComparison.Ordinal) == true);
        Assert.True(deployed >= 0 && deployed < gate && gate < apply, $"{deployed} {gate} {apply}");
        Assert.Contains("cat ../gate.md >> \"$GITHUB_STEP_SUMMARY\"", steps[gate].Run, StringComparison.Ordinal);
        Assert.Contains("exit \"$code\"", steps[gate].Run, StringComparison.Ordinal);
        // A stack with resources but no record fails with the one-time fix; one without resources is new.
        Assert.Contains("echo \"commit=none\" >> \"$GITHUB_OUTPUT\"", steps[deployed].Run, StringComparison.Ordinal);
        Assert.Contains("pulumi stack tag set deployed-commit <full commit id>", steps[deployed].Run, StringComparison.Ordinal);
        // Each step: check the commit out, apply it, and only then record it as deployed.
        var loop = steps[apply].Run!;
        Assert.True(
            loop.IndexOf("git checkout --quiet --detach \"$commit\"", StringComparison.Ordinal) < loop.IndexOf("pulumi up --yes --diff --parallel \"$PARALLEL\" --stack \"$STACK\"", StringComparison.Ordinal)
            && loop.IndexOf("pulumi up --yes --diff --parallel \"$PARALLEL\" --stack \"$STACK\"", StringComparison.Ordinal) < loop.IndexOf("pulumi stack tag set deployed-commit \"$commit\" --stack \"$STACK\"", StringComparison.Ordinal),
            loop);
        // The steps file is read before the loop: pulumi and dotnet must not consume the loop's standard input.
        Assert.Contains("mapfile -t steps < ../steps.txt", loop, StringComparison.Ordinal);
        Assert.DoesNotContain("pulumi up", run.Replace(loop, "", StringComparison.Ordinal), StringComparison.Ordinal);
        // The concurrency comment says what GitHub does: one running and one pending, the older pending one cancelled.
        Assert.Contains("at most one running and one pending job per concurrency group", Named("pulumi-up.yml").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_pulumi_step_pins_the_cli_version_the_readme_states()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var pinned = Regex.Match(readme, @"the workflows pin (\d+\.\d+\.\d+)\b").Groups[1].Value;
        var steps = All.SelectMany(w => w.Jobs).SelectMany(j => j.Steps).Where(s => s.Uses?.StartsWith("pulumi/actions@", StringComparison.Ordinal) == true).ToList();

        Assert.Equal("3.259.0", pinned);
        Assert.Equal(3, steps.Count);
        Assert.All(steps, s => Assert.Equal(pinned, s.With("pulumi-version")));
        Assert.All(Regex.Matches(readme, @"the workflows pin (\d+\.\d+\.\d+)\b"), m => Assert.Equal(pinned, m.Groups[1].Value));
    }

    [Fact]
    public void Branch_code_gets_the_read_only_identity_only_through_an_environment_and_the_deploy_identity_only_from_main()
    {
        var credentialed = All.SelectMany(w => w.Jobs).Where(j => j.Permissions.GetValueOrDefault("id-token") == "write" || j.Node.AllNodes.OfType<YamlScalarNode>().Any(s => s.Value?.Contains("secrets.", StringComparison.Ordinal) == true)).ToList();

        // Every job that can obtain a credential names an environment, whose protection rules hold it.
        Assert.All(credentialed.Where(j => j.Uses is null), j => Assert.NotNull(j.Environment));
        // A team stack uses its environment's identity: the environment is the matrix's, as `environments` gives it.
        Assert.Equal("${{ matrix.environment }}-preview", Named("pull-request.yml").Job("preview").Environment);
        Assert.Equal("${{ matrix.environment }}-drift", Named("drift.yml").Job("drift").Environment);
        Assert.Equal("${{ inputs.environment }}", Named("pulumi-up.yml").Job("up").Environment);
        Assert.Equal(["push"], Named("deploy.yml").On.Where(o => o != "workflow_dispatch"));
    }

    [Fact]
    public void The_tenant_audit_runs_daily_with_its_own_read_only_client_and_the_full_refresh_weekly()
    {
        var drift = Named("drift.yml");
        var crons = ((YamlSequenceNode)((YamlMappingNode)drift.Root.Children[new YamlScalarNode("on")]).Children[new YamlScalarNode("schedule")]).Children
            .Select(c => Yaml.Scalar(c, "cron")).ToList();
        var audit = drift.Job("audit");
        var run = Assert.Single(audit.Steps, s => s.Run?.Contains("-- audit", StringComparison.Ordinal) == true).Run!;

        Assert.Equal(["17 5 * * *", "29 4 1 * *", "47 3 * * 0"], crons);
        Assert.False(audit.Node.Children.ContainsKey(new YamlScalarNode("if")), "the audit runs on every schedule");
        // Last use costs two requests per client: only on the monthly review's schedule, read from the environment.
        Assert.Contains("if [ \"$SCHEDULE\" = \"29 4 1 * *\" ]; then last_use=(--last-use); fi\n", run, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project tools/AccessTool -- audit \"$STACK\" \"${last_use[@]}\" --format markdown > audit.md", run, StringComparison.Ordinal);
        Assert.Equal("${{ github.event.schedule }}", Yaml.Scalar(audit.Node["env"], "SCHEDULE"));
        Assert.Contains("exit \"$code\"", run, StringComparison.Ordinal);
        Assert.Equal("${{ matrix.stack }}-drift", audit.Environment);
        Assert.Equal(new Dictionary<string, string> { ["contents"] = "read" }, audit.Permissions);
        // Its own Auth0 client, never the read-only identity's (which can read client secrets).
        var secrets = audit.Node.AllNodes.OfType<YamlScalarNode>().Select(n => n.Value ?? "").Where(v => v.Contains("secrets.", StringComparison.Ordinal)).ToList();
        Assert.Equal(["${{ secrets.AUTH0_AUDIT_CLIENT_ID }}", "${{ secrets.AUTH0_AUDIT_CLIENT_SECRET }}"], secrets);
        Assert.Equal("github.event_name == 'workflow_dispatch' || github.event.schedule == '47 3 * * 0'", Yaml.Scalar(drift.Job("drift").Node, "if"));
        // The expiry report reads the key clients' dates in Auth0 with the same audit client, in the stack's environment.
        var expiry = drift.Job("expiry");
        Assert.Contains("-- expiry \"$STACK\" --within 14 --from-tenant --format markdown > expiry.md", Assert.Single(expiry.Steps, s => s.Run?.Contains("-- expiry", StringComparison.Ordinal) == true).Run!, StringComparison.Ordinal);
        Assert.Equal("${{ matrix.environment }}-drift", expiry.Environment);
        Assert.Equal(secrets, expiry.Node.AllNodes.OfType<YamlScalarNode>().Select(n => n.Value ?? "").Where(v => v.Contains("secrets.", StringComparison.Ordinal)));
        Assert.Equal(new Dictionary<string, string> { ["contents"] = "read" }, expiry.Permissions);
    }

    [Fact]
    public void The_pull_request_comment_carries_the_operations_preview_and_a_refused_change_fails_after_it_is_posted()
    {
        var steps = Named("pull-request.yml").Job("access").Steps;
        var preview = steps.FindIndex(s => s.Run?.Contains("-- preview \"$STACK\" --base ../base --history --head . --format markdown > ../operations.md", StringComparison.Ordinal) == true);
        var body = steps.FindIndex(s => s.Run?.Contains("operations.md > comment.md", StringComparison.Ordinal) == true);
        var comment = steps.FindIndex(s => s.Uses?.StartsWith("marocchino/sticky-pull-request-comment@", StringComparison.Ordinal) == true);
        var refuse = steps.FindIndex(s => s.If == "steps.operations.outputs.code == '3'");

        Assert.True(preview >= 0 && preview < body && body < comment && comment < refuse, $"{preview} {body} {comment} {refuse}");
        Assert.Contains("exit 1", steps[refuse].Run, StringComparison.Ordinal);
    }

    [Fact]
    public void Pull_requests_mutation_test_what_they_change_in_each_project_with_what_the_tests_need()
    {
        var job = Named("pull-request.yml").Job("mutation");
        var projects = ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)job.Node.Children[new YamlScalarNode("strategy")]).Children[new YamlScalarNode("matrix")]).Children[new YamlScalarNode("project")]).Children
            .Select(n => ((YamlScalarNode)n).Value!).ToList();
        var run = string.Join('\n', job.Steps.Select(s => s.Run).OfType<string>());
        var stryker = Assert.Single(job.Steps, s => s.Run?.Contains("dotnet stryker", StringComparison.Ordinal) == true);

        Assert.Equal(["infra", "tools"], projects);
        Assert.All(projects, p => Assert.True(File.Exists(Path.Combine(Root, "tests", "Infra.Tests", $"stryker-config.{p}.json")), p));
        Assert.Equal(new Dictionary<string, string> { ["contents"] = "read" }, job.Permissions);
        // --since needs the base commit in the history; the tool is a local one; verify's tests need their OAuth server.
        Assert.Equal("0", job.Steps.Single(s => s.Uses?.StartsWith("actions/checkout@", StringComparison.Ordinal) == true).With("fetch-depth"));
        Assert.Contains("dotnet tool restore", run, StringComparison.Ordinal);
        Assert.Contains("npm ci --prefix tests/verify --no-audit --no-fund", run, StringComparison.Ordinal);
        Assert.Contains(job.Steps, s => s.Uses?.StartsWith("actions/setup-node@", StringComparison.Ordinal) == true);
        Assert.Equal("tests/Infra.Tests", stryker.WorkingDirectory);
        Assert.Contains("dotnet stryker -f \"stryker-config.$PROJECT.json\" --since:\"$BASE_SHA\" ", stryker.Run, StringComparison.Ordinal);
        Assert.Equal("${{ github.event.pull_request.base.sha }}", Yaml.Scalar(job.Node.Children[new YamlScalarNode("env")], "BASE_SHA"));
    }

    [Fact]
    public void Security_names_the_gates_required_checks_as_the_jobs_are_named()
    {
        var security = File.ReadAllText(Path.Combine(Root, "SECURITY.md"));

        Assert.All(Named("access-review.yml").Jobs, j => Assert.Contains($"`{j.Name}`", security, StringComparison.Ordinal));
    }

    [Fact]
    public void Security_lists_every_job_that_runs_in_an_environment_with_the_credential_it_gets()
    {
        var security = File.ReadAllText(Path.Combine(Root, "SECURITY.md"));
        var jobs = All.SelectMany(w => w.Jobs).Where(j => j.Environment is not null)
            .Select(j => Regex.Replace(j.Name, @"\$\{\{ (?:matrix|inputs)\.(\w+) \}\}", "<$1>"))
            .ToList();

        // The trust model's table names each by its job name, a matrix value as <value>.
        Assert.Contains("credential expiry (<stack>)", jobs);
        Assert.All(jobs, name => Assert.Contains($"| `{name}` (", security, StringComparison.Ordinal));
    }

    [Fact]
    public void Codeowners_own_the_stack_files_and_everything_that_runs_with_credentials()
    {
        var owners = File.ReadAllLines(Path.Combine(Root, ".github", "CODEOWNERS"))
            .Select(l => l.Split('#')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length > 0)
            .ToDictionary(p => p[0], p => p[1..], StringComparer.Ordinal);

        foreach (var path in new[] { "/infra/", "/tools/", "/.github/", "/.ci/", "/test.sh", "/Pulumi.yaml", "/Pulumi.*.yaml" })
        {
            Assert.Contains("@acme/platform-owners", owners[path]);
        }

        Assert.Contains("@acme/api-owners", owners["/Pulumi.yaml"]);
        Assert.Contains("@acme/api-owners", owners["/Pulumi.*.yaml"]);
    }
}

/// <summary>The rules the tests above apply, separate so they can be tested on workflows that break them.</summary>
internal static partial class WorkflowRules
{
    /// <summary>Whether a shell script runs a test suite (or the entry point that runs them all).</summary>
    public static bool RunsTests(string? run) => run is not null && TestCommand().IsMatch(run);

    /// <summary>A checkout of the pull request's head (its commit, ref or repository) rather than the base.</summary>
    public static bool IsHeadCheckout(Step step) =>
        step.Uses?.StartsWith("actions/checkout@", StringComparison.Ordinal) == true
        && new[] { step.With("ref"), step.With("repository") }.Any(v => v is not null && HeadReference().IsMatch(v));

    /// <summary>A concurrency group with its stack expression written as <c>&lt;stack&gt;</c>.</summary>
    public static string Group(string? group) => StackExpression().Replace(group ?? "", "<stack>");

    /// <summary>Every way a step of <paramref name="workflow"/> would execute or feed a tool with the head's code.</summary>
    public static IReadOnlyList<string> HeadCodeViolations(Workflow workflow)
    {
        var violations = new List<string>();
        foreach (var job in workflow.Jobs)
        {
            var defaults = new[] { workflow.Root, job.Node }
                .Select(n => n.Children.TryGetValue(new YamlScalarNode("defaults"), out var d) && d is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("run"), out var r) ? Yaml.Scalar(r, "working-directory") : null)
                .OfType<string>()
                .ToList();
            var heads = new List<string>();
            foreach (var step in job.Steps)
            {
                if (IsHeadCheckout(step))
                {
                    var path = step.With("path")?.Trim().TrimEnd('/');
                    if (string.IsNullOrEmpty(path) || path == ".")
                    {
                        violations.Add($"{job}: checks out the head without a path, over the workspace the job runs in");
                    }
                    else
                    {
                        heads.Add(path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path);
                    }

                    continue;
                }

                foreach (var head in heads)
                {
                    var under = $@"(\./)?{Regex.Escape(head)}(/|\b)";
                    if (defaults.Append(step.WorkingDirectory).OfType<string>().Any(dir => Regex.IsMatch(dir.Trim(), $"^{under}")))
                    {
                        violations.Add($"{job}: uses the head checkout '{head}' as working directory");
                    }

                    if (step.Uses is { } uses && Regex.IsMatch(uses, $"^{under}"))
                    {
                        violations.Add($"{job}: runs an action from the head checkout '{head}'");
                    }

                    if (step.Uses is not null && step.WithValues.Any(v => Regex.IsMatch(v.Trim(), $"^{under}")))
                    {
                        violations.Add($"{job}: {step.Uses} reads its input from the head checkout '{head}'");
                    }

                    if (step.Run is { } run)
                    {
                        if (Regex.IsMatch(run, $@"--project[= ]+[""']?{under}"))
                        {
                            violations.Add($"{job}: passes the head checkout '{head}' to --project");
                        }

                        if (Regex.IsMatch(run, $@"(^|[\s;&|(])(cd|pushd)\s+[""']?{under}"))
                        {
                            violations.Add($"{job}: enters the head checkout '{head}'");
                        }

                        // An interpreter or build tool given the folder (`bash head/x.sh`, `dotnet build head`,
                        // `npm ci --prefix head`), or a file in it run directly. `--head head` hands it over as data.
                        if (Regex.IsMatch(run, $@"(^|[\s;&|(])(bash|sh|source|node|python3?|\.)\s+[""']?{under}")
                            || Regex.IsMatch(run, $@"(^|[\s;&|(])(dotnet|npm|make)\s+([^\s;&|-][^\s;&|]*\s+)?[""']?{under}")
                            || Regex.IsMatch(run, $@"(--prefix|-C)[= ]+[""']?{under}")
                            || Regex.IsMatch(run, $@"(^|[\s;&|(])\./{Regex.Escape(head)}/"))
                        {
                            violations.Add($"{job}: runs something from the head checkout '{head}'");
                        }
                    }
                }
            }
        }

        return violations;
    }

    // `./test.sh`, `dotnet test`, `node --test`, `npm test` / `npm run test`.
    [GeneratedRegex(@"(^|[\s;&|])(\./test\.sh|dotnet\s+test|node\s+--test|npm\s+(run\s+)?test)\b")]
    private static partial Regex TestCommand();

    [GeneratedRegex(@"pull_request\.head\.|github\.head_ref|refs/pull/")]
    private static partial Regex HeadReference();

    [GeneratedRegex(@"\$\{\{\s*(matrix|inputs)\.stack\s*\}\}")]
    private static partial Regex StackExpression();
}

/// <summary>A workflow file, parsed.</summary>
internal sealed record Workflow(string File, string Text, YamlMappingNode Root)
{
    public static Workflow Load(string path) => Parse(Path.GetFileName(path), System.IO.File.ReadAllText(path));

    public static Workflow Parse(string file, string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return new Workflow(file, text, (YamlMappingNode)stream.Documents[0].RootNode);
    }

    /// <summary>The events that trigger it.</summary>
    public IReadOnlyList<string> On => Root.Children[new YamlScalarNode("on")] switch
    {
        YamlScalarNode s => [s.Value!],
        YamlSequenceNode q => [.. q.Children.Select(c => ((YamlScalarNode)c).Value!)],
        YamlMappingNode m => [.. m.Children.Keys.Select(k => ((YamlScalarNode)k).Value!)],
        _ => [],
    };

    public IReadOnlyList<Job> Jobs => [.. ((YamlMappingNode)Root.Children[new YamlScalarNode("jobs")]).Children.Select(j => new Job(File, ((YamlScalarNode)j.Key).Value!, (YamlMappingNode)j.Value))];

    public Job Job(string id) => Jobs.Single(j => j.Id == id);

    /// <summary>Every <c>uses:</c>, of jobs (reusable workflows) and of steps.</summary>
    public IEnumerable<string> Uses => Jobs.SelectMany(j => j.Steps.Select(s => s.Uses).Prepend(j.Uses)).OfType<string>();

    /// <summary>The workflow's own concurrency and its jobs'.</summary>
    public IEnumerable<(string? Group, string? CancelInProgress)> Concurrencies
    {
        get
        {
            var jobs = Jobs.Where(j => j.Node.Children.ContainsKey(new YamlScalarNode("concurrency"))).Select(j => (j.Concurrency("group"), j.Concurrency("cancel-in-progress")));
            return Root.Children.TryGetValue(new YamlScalarNode("concurrency"), out var node)
                ? jobs.Prepend((Yaml.Scalar(node, "group"), Yaml.Scalar(node, "cancel-in-progress")))
                : jobs;
        }
    }
}

/// <summary>One job of a workflow.</summary>
internal sealed record Job(string Workflow, string Id, YamlMappingNode Node)
{
    public string Name => Yaml.Scalar(Node, "name") ?? Id;

    public string? Uses => Yaml.Scalar(Node, "uses");

    public string? Environment => Node.Children.TryGetValue(new YamlScalarNode("environment"), out var e) ? e is YamlScalarNode s ? s.Value : Yaml.Scalar(e, "name") : null;

    public IReadOnlyDictionary<string, string> Permissions => Node.Children.TryGetValue(new YamlScalarNode("permissions"), out var p) && p is YamlMappingNode m
        ? m.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value!, StringComparer.Ordinal)
        : new Dictionary<string, string>();

    public List<Step> Steps => Node.Children.TryGetValue(new YamlScalarNode("steps"), out var s) ? [.. ((YamlSequenceNode)s).Children.Select(c => new Step((YamlMappingNode)c))] : [];

    public string? Concurrency(string key) => Node.Children.TryGetValue(new YamlScalarNode("concurrency"), out var c) ? Yaml.Scalar(c, key) : null;

    public override string ToString() => $"{Workflow}: job {Id}";
}

/// <summary>One step of a job.</summary>
internal sealed record Step(YamlMappingNode Node)
{
    public string? Uses => Yaml.Scalar(Node, "uses");

    public string? Run => Yaml.Scalar(Node, "run");

    public string? If => Yaml.Scalar(Node, "if");

    public string? WorkingDirectory => Yaml.Scalar(Node, "working-directory");

    public string? With(string key) => Node.Children.TryGetValue(new YamlScalarNode("with"), out var w) ? Yaml.Scalar(w, key) : null;

    public IEnumerable<string> WithValues => Node.Children.TryGetValue(new YamlScalarNode("with"), out var w) && w is YamlMappingNode m
        ? m.Children.Values.OfType<YamlScalarNode>().Select(v => v.Value ?? "")
        : [];
}

/// <summary>Scalar look-ups in a YAML mapping.</summary>
internal static class Yaml
{
    public static string? Scalar(YamlNode node, string key)
        => node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s ? s.Value : null;
}
