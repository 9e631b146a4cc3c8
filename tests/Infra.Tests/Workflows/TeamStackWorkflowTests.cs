using System.Text.RegularExpressions;
using Infra.Tests.Support;
using Infra.Tool.Environments;
using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Workflows;

/// <summary>
/// The workflows with an environment split into team stacks: which stacks a pull request checks, the order and
/// parallelism of deploys, the GitHub environments each job uses, and who owns a team's file.
/// </summary>
public partial class TeamStackWorkflowTests
{
    private static readonly string Root = StackHarness.RepositoryRoot();

    private static Workflow Load(string file) => Workflow.Load(Path.Combine(Root, ".github", "workflows", file));

    private static IReadOnlyList<string> Needs(Job job) => job.Node.Children.TryGetValue(new YamlScalarNode("needs"), out var n)
        ? n is YamlScalarNode one ? [one.Value!] : [.. ((YamlSequenceNode)n).Children.Select(c => ((YamlScalarNode)c).Value!)]
        : [];

    private static string? Strategy(Job job, string key) => job.Node.Children.TryGetValue(new YamlScalarNode("strategy"), out var s) ? Yaml.Scalar(s, key) : null;

    private static string? Matrix(Job job, string key) => job.Node.Children.TryGetValue(new YamlScalarNode("strategy"), out var s) && s is YamlMappingNode m
        && m.Children.TryGetValue(new YamlScalarNode("matrix"), out var matrix) ? Yaml.Scalar(matrix, key) : null;

    private static string? With(Job job, string key) => job.Node.Children.TryGetValue(new YamlScalarNode("with"), out var w) ? Yaml.Scalar(w, key) : null;

    [Fact]
    public void A_pull_request_plans_diffs_and_previews_only_the_stacks_the_change_reaches()
    {
        var pr = Load("pull-request.yml");
        var stacks = pr.Job("stacks");
        var run = string.Join('\n', stacks.Steps.Select(s => s.Run).OfType<string>());

        Assert.Contains("dotnet run --project tools/AccessTool -- environments --base ../base --format json > ../stacks.json", run, StringComparison.Ordinal);
        // A problem across the stacks fails this job, before any stack is looked at on its own.
        Assert.Contains("if [ \"$code\" -ne 0 ]; then cat ../stacks.json; exit \"$code\"; fi", run, StringComparison.Ordinal);
        Assert.Equal("${{ fromJSON(needs.stacks.outputs.affected) }}", Matrix(pr.Job("access"), "include"));
        Assert.Equal("needs.stacks.outputs.affected != '[]'", Yaml.Scalar(pr.Job("access").Node, "if"));
        Assert.Contains("stacks", Needs(pr.Job("access")));
        Assert.Equal("${{ fromJSON(needs.stacks.outputs.previewable) }}", Matrix(pr.Job("preview"), "include"));
        Assert.EndsWith("&& needs.stacks.outputs.previewable != '[]'", Yaml.Scalar(pr.Job("preview").Node, "if"), StringComparison.Ordinal);
    }

    [Fact]
    public void One_required_check_passes_only_when_the_checks_across_stacks_and_every_reached_stacks_checks_did()
    {
        var pr = Load("pull-request.yml");
        var gate = pr.Job("offline-checks");
        var run = gate.Steps.Single().Run!;

        Assert.Equal(["stacks", "access"], Needs(gate));
        Assert.Equal("always()", Yaml.Scalar(gate.Node, "if"));
        Assert.Contains("[ \"$STACKS\" = \"success\" ] && { [ \"$ACCESS\" = \"success\" ] || [ \"$ACCESS\" = \"skipped\" ]; }", run, StringComparison.Ordinal);
        Assert.Contains($"`{gate.Name}`", File.ReadAllText(Path.Combine(Root, "SECURITY.md")), StringComparison.Ordinal);
        foreach (var (result, passes) in new[] { ("success success", true), ("success skipped", true), ("success failure", false), ("failure skipped", false), ("success cancelled", false) })
        {
            var parts = result.Split(' ');
            var shell = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", ["-c", run]) { Environment = { ["STACKS"] = parts[0], ["ACCESS"] = parts[1] }, RedirectStandardOutput = true })!;
            shell.WaitForExit();
            Assert.True(passes == (shell.ExitCode == 0), result);
        }
    }

    [Fact]
    public void Only_the_environments_that_deploy_get_a_credentialed_preview()
    {
        var run = string.Join('\n', Load("pull-request.yml").Job("stacks").Steps.Select(s => s.Run).OfType<string>());
        var filter = PreviewFilter().Match(run);
        var deployed = Load("deploy.yml").Jobs.Where(j => j.Uses is not null && Matrix(j, "include") is null).Select(j => With(j, "environment")).ToList();

        // The stack list is the pull request's data: a new environment (a new `<name>-preview`, which GitHub would
        // create without reviewers) must be added to the workflow on purpose.
        Assert.True(filter.Success, run);
        Assert.Equal(deployed, filter.Groups[1].Value.Split(", ").Select(e => e.Trim('"')));
    }

    [Fact]
    public void Each_catalogue_stack_deploys_before_its_team_stacks_and_each_environment_after_the_one_before()
    {
        var deploy = Load("deploy.yml");
        string[] environments = ["dev", "staging", "prod"];

        for (var i = 0; i < environments.Length; i++)
        {
            var environment = environments[i];
            var catalogue = deploy.Job(environment);
            var teams = deploy.Job($"{environment}-teams");
            Assert.Equal((environment, environment), (With(catalogue, "stack"), With(catalogue, "environment")));
            Assert.Equal(("${{ matrix.stack }}", $"{environment}-teams"), (With(teams, "stack"), With(teams, "environment")));
            Assert.Equal($"${{{{ fromJSON(needs.stacks.outputs.{environment}) }}}}", Matrix(teams, "include"));
            Assert.Equal(["stacks", environment], Needs(teams));
            Assert.Equal(i == 0 ? ["stacks"] : ["stacks", environments[i - 1], $"{environments[i - 1]}-teams"], Needs(catalogue));
            Assert.Equal("./.github/workflows/pulumi-up.yml", catalogue.Uses);
            Assert.Equal("./.github/workflows/pulumi-up.yml", teams.Uses);
            // Team stacks only after their catalogue succeeded; a skipped team job (no team stacks) does not stop the
            // promotion, a failed or cancelled one does.
            Assert.Equal($"${{{{ !cancelled() && needs.{environment}.result == 'success' && needs.stacks.outputs.{environment} != '[]' }}}}", Yaml.Scalar(teams.Node, "if"));
            if (i > 0)
            {
                var previous = environments[i - 1];
                Assert.Equal($"${{{{ !cancelled() && needs.{previous}.result == 'success' && (needs.{previous}-teams.result == 'success' || needs.{previous}-teams.result == 'skipped') }}}}", Yaml.Scalar(catalogue.Node, "if"));
            }
        }

        // One run at a time: a later run's catalogue never deploys beside this run's team stacks.
        Assert.Equal(("deploy", "false"), (Yaml.Scalar(deploy.Root["concurrency"], "group"), Yaml.Scalar(deploy.Root["concurrency"], "cancel-in-progress")));
        var stacks = string.Join('\n', deploy.Job("stacks").Steps.Select(s => s.Run).OfType<string>());
        Assert.Contains("dotnet run --project tools/AccessTool -- environments --format json > stacks.json", stacks, StringComparison.Ordinal);
        Assert.Contains("for environment in dev staging prod; do", stacks, StringComparison.Ordinal);
    }

    [Theory]
    // The tenant's sustained limit in workers (docs/performance.md: 2 req/s about 2 workers, 16 req/s about 8).
    [InlineData("dev", 2)]
    [InlineData("staging", 2)]
    [InlineData("prod", 8)]
    public void Team_stacks_deploying_at_once_share_the_workers_the_tenants_rate_limit_allows(string environment, int workers)
    {
        var deploy = Load("deploy.yml");
        var teams = deploy.Job($"{environment}-teams");

        Assert.Equal(workers.ToString(System.Globalization.CultureInfo.InvariantCulture), With(deploy.Job(environment), "parallel"));
        var concurrent = int.Parse(Strategy(teams, "max-parallel")!, System.Globalization.CultureInfo.InvariantCulture) * int.Parse(With(teams, "parallel")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(workers, concurrent);
        Assert.Contains("pulumi up --yes --diff --parallel \"$PARALLEL\" --stack \"$STACK\"", string.Join('\n', Load("pulumi-up.yml").Job("up").Steps.Select(s => s.Run).OfType<string>()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("absent urn:pulumi:prod::infra::infra:auth0:M2MClient::nightly-reconciler", "", 0)]
    [InlineData("absent urn:pulumi:prod::infra::infra:auth0:M2MClient::nightly-reconciler", "urn:pulumi:prod::infra::infra:auth0:M2MClient::nightly-reconciler", 1)]
    [InlineData("present urn:pulumi:prod.warehouse::infra::infra:auth0:M2MClient::nightly-reconciler", "urn:pulumi:prod.warehouse::infra::infra:auth0:M2MClient::nightly-reconciler", 0)]
    [InlineData("present urn:pulumi:prod.warehouse::infra::infra:auth0:M2MClient::nightly-reconciler", "", 1)]
    [InlineData("", "urn:pulumi:prod::infra::infra:auth0:M2MClient::nightly-reconciler", 0)]
    public async Task The_deploy_stops_before_pulumi_up_when_a_moved_client_is_not_where_the_gate_previewed_it(string moves, string held, int exitCode)
    {
        var script = Load("pulumi-up.yml").Job("up").Steps.Single(s => s.Run?.Contains("../moves.txt ]", StringComparison.Ordinal) == true).Run!;
        var folder = Directory.CreateTempSubdirectory("moves-").FullName;
        try
        {
            var work = Directory.CreateDirectory(Path.Combine(folder, "work")).FullName;
            File.WriteAllText(Path.Combine(folder, "moves.txt"), moves.Length == 0 ? "" : moves + "\n");
            var resources = held.Length == 0 ? "" : "{\"urn\":\"" + held + "\"}";
            var state = "{\"deployment\":{\"resources\":[" + resources + "]}}";
            File.WriteAllText(Path.Combine(folder, "state-answer.json"), state);
            // `pulumi stack export` answers with the state above.
            var start = new System.Diagnostics.ProcessStartInfo("bash", ["-e", "-c", $"pulumi() {{ cat ../state-answer.json; }}\n{script}"]) { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["STACK"] = "prod";
            using var shell = System.Diagnostics.Process.Start(start)!;
            var output = await shell.StandardOutput.ReadToEndAsync();
            await shell.WaitForExitAsync();

            Assert.Equal(exitCode, shell.ExitCode);
            Assert.Equal(exitCode != 0, output.Contains("::error::prod's state must have", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Drift_and_expiry_cover_every_stack_and_the_audit_every_environment()
    {
        var drift = Load("drift.yml");

        Assert.Equal("${{ fromJSON(needs.stacks.outputs.all) }}", Matrix(drift.Job("expiry"), "include"));
        Assert.Equal("${{ fromJSON(needs.stacks.outputs.all) }}", Matrix(drift.Job("drift"), "include"));
        Assert.Contains("echo \"all=$(jq -c .stacks stacks.json)\" >> \"$GITHUB_OUTPUT\"", string.Join('\n', drift.Job("stacks").Steps.Select(s => s.Run).OfType<string>()), StringComparison.Ordinal);
        // The audit of a split environment reads the tenant once for all its stacks: one job per catalogue stack.
        var audited = drift.Job("audit").Node["strategy"]["matrix"]["stack"];
        Assert.Equal(["dev", "staging", "prod"], ((YamlSequenceNode)audited).Children.Select(c => ((YamlScalarNode)c).Value));
        Assert.Equal(ProjectStacks.Load(Root).Environments.Select(e => e.Name).Order(StringComparer.Ordinal), ((YamlSequenceNode)audited).Children.Select(c => ((YamlScalarNode)c).Value!).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("staging", true)]
    [InlineData("staging.checkout", true)]
    [InlineData("prod.payments-eu", true)]
    [InlineData("a/b", false)]
    [InlineData("..", false)]
    [InlineData("prod.", false)]
    [InlineData("$(id)", false)]
    [InlineData("x y", false)]
    public void The_access_review_takes_a_team_stacks_file_name_and_nothing_that_is_not_a_stack_name(string stack, bool accepted)
    {
        var run = string.Join('\n', Load("access-review.yml").Job("diff").Steps.Select(s => s.Run).OfType<string>());
        var pattern = StackNamePattern().Match(run).Groups[1].Value;

        Assert.Equal(accepted, Regex.IsMatch(stack, pattern));
    }

    [Fact]
    public void Each_team_stacks_file_has_its_teams_owners_and_the_platform_teams()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, ".github", "CODEOWNERS"))
            .Select(l => l.Split('#')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length > 0)
            .ToList();
        var teams = ProjectStacks.Load(Root).Environments.SelectMany(e => e.Teams).Select(t => t.Stack).ToList();

        Assert.NotEmpty(teams);
        Assert.All(teams, team =>
        {
            // The last matching line wins, so the team's own line must come after the /Pulumi.*.yaml one.
            var own = lines.FindLastIndex(l => l[0] == $"/Pulumi.{team}.yaml");
            Assert.True(own > lines.FindIndex(l => l[0] == "/Pulumi.*.yaml"), team);
            Assert.Contains("@acme/platform-owners", lines[own]);
            Assert.Contains(lines[own][1..], o => o != "@acme/platform-owners");
        });
    }

    /// <summary>
    /// Runs a workflow step's script under bash, with <c>dotnet</c> answering what <c>access-tool environments</c>
    /// answers for this repository (the JSON, run in process first), and returns what it wrote to GITHUB_OUTPUT.
    /// </summary>
    private static async Task<Dictionary<string, string>> Outputs(string workflow, string job, params string[] environmentsArgs)
    {
        var run = await ToolInProcess.RunAsync(["environments", "--project", Root, "--format", "json", .. environmentsArgs]);
        Assert.Equal(0, run.ExitCode);
        var folder = Directory.CreateTempSubdirectory("step-").FullName;
        try
        {
            var json = Path.Combine(folder, "environments.json");
            File.WriteAllText(json, run.Output);
            var work = Directory.CreateDirectory(Path.Combine(folder, "work", "head")).FullName;
            var script = Load(workflow).Job(job).Steps.Single(s => s.Run?.Contains("environments", StringComparison.Ordinal) == true).Run!;
            var start = new System.Diagnostics.ProcessStartInfo("bash", ["-e", "-c", $"dotnet() {{ cat \"$JSON\"; }}\n{script}"]) { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["JSON"] = json;
            start.Environment["GITHUB_OUTPUT"] = Path.Combine(folder, "output");
            start.Environment["GITHUB_STEP_SUMMARY"] = Path.Combine(folder, "summary");
            using var shell = System.Diagnostics.Process.Start(start)!;
            var error = await shell.StandardError.ReadToEndAsync();
            await shell.WaitForExitAsync();
            Assert.True(shell.ExitCode == 0, error);
            return File.ReadAllLines(Path.Combine(folder, "output")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_stacks_steps_turn_the_tools_json_into_the_matrices_the_jobs_take()
    {
        var deploy = await Outputs("deploy.yml", "stacks");
        var drift = await Outputs("drift.yml", "stacks");
        var pr = await Outputs("pull-request.yml", "stacks", "--base", Root);

        Assert.Equal(
            new Dictionary<string, string> { ["dev"] = "[]", ["staging"] = """[{"stack":"staging.checkout"},{"stack":"staging.warehouse"}]""", ["prod"] = "[]" },
            deploy);
        Assert.Equal(
            """[{"stack":"dev","environment":"dev"},{"stack":"prod","environment":"prod"},{"stack":"staging","environment":"staging"},{"stack":"staging.checkout","environment":"staging"},{"stack":"staging.warehouse","environment":"staging"}]""",
            drift["all"]);
        // The base is the repository itself here: the change reaches nothing, and both matrices are empty.
        Assert.Equal(("[]", "[]"), (pr["affected"], pr["previewable"]));
    }

    [GeneratedRegex("""IN\(((?:"[a-z]+"(?:, )?)+)\)""")]
    private static partial Regex PreviewFilter();

    [GeneratedRegex("""\[\[ "\$stack" =~ (\S+) \]\]""")]
    private static partial Regex StackNamePattern();
}
