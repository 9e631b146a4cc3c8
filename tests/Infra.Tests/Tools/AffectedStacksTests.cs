using Infra.Tests.Support;
using Infra.Tool.Environments;

namespace Infra.Tests.Tools;

/// <summary>Which stacks a change reaches, on copies of the example stack files: what a pull request plans, diffs and previews.</summary>
public sealed class AffectedStacksTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("affected-base-").FullName;
    private readonly string _head = Directory.CreateTempSubdirectory("affected-head-").FullName;

    public AffectedStacksTests()
    {
        foreach (var file in Directory.GetFiles(StackHarness.RepositoryRoot(), "Pulumi*.yaml"))
        {
            File.Copy(file, Path.Combine(_base, Path.GetFileName(file)));
            File.Copy(file, Path.Combine(_head, Path.GetFileName(file)));
        }
    }

    private IReadOnlyList<string> Affected() => AffectedStacks.Between(_base, _head, ProjectStacks.Load(_head));

    private void Edit(string file, string from, string to)
    {
        var path = Path.Combine(_head, file);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    [Fact]
    public void No_change_reaches_no_stack()
    {
        Assert.Empty(Affected());
    }

    [Fact]
    public void A_change_to_one_team_stacks_file_reaches_that_stack_only()
    {
        Edit("Pulumi.staging.warehouse.yaml", "scopes: [stock:read, stock:adjust]", "scopes: [stock:read]");

        Assert.Equal(["staging.warehouse"], Affected());
    }

    [Fact]
    public void A_new_team_stack_is_reached_and_a_comment_only_edit_of_a_file_is_too()
    {
        File.Copy(Path.Combine(_head, "Pulumi.staging.checkout.yaml"), Path.Combine(_head, "Pulumi.staging.search.yaml"));
        Edit("Pulumi.prod.yaml", "config:", "# reviewed 2026-12-03\nconfig:");

        Assert.Equal(["prod", "staging.search"], Affected());
    }

    [Fact]
    public void A_change_to_the_catalogue_in_pulumi_yaml_reaches_every_stack_that_reads_it()
    {
        Edit("Pulumi.yaml", "            description: Record stock adjustments", "            description: Record stock adjustments\n          - value: stock:count\n            description: Count a warehouse");

        Assert.Equal(["dev", "prod", "staging", "staging.checkout", "staging.warehouse"], Affected());
    }

    [Fact]
    public void A_stack_that_sets_a_key_itself_is_not_reached_by_a_change_to_its_project_default()
    {
        // dev, staging and prod set tokenLifetime; the team stacks read Pulumi.yaml's default.
        Edit("Pulumi.yaml", "  tokenLifetime:\n    type: integer\n    default: 3600", "  tokenLifetime:\n    type: integer\n    default: 1200");

        Assert.Equal(["staging.checkout", "staging.warehouse"], Affected());
    }

    [Fact]
    public void A_change_to_the_program_reaches_every_stack_and_build_output_does_not()
    {
        Directory.CreateDirectory(Path.Combine(_base, "infra", "obj"));
        Directory.CreateDirectory(Path.Combine(_head, "infra", "obj"));
        File.WriteAllText(Path.Combine(_base, "infra", "Program.cs"), "return 0;");
        File.WriteAllText(Path.Combine(_head, "infra", "Program.cs"), "return 0;");
        File.WriteAllText(Path.Combine(_head, "infra", "obj", "project.assets.json"), "{}");
        Assert.Empty(Affected());

        File.WriteAllText(Path.Combine(_head, "infra", "Program.cs"), "return 1;");
        Assert.Equal(5, Affected().Count);
    }

    // load-test-runner, the last client of Pulumi.staging.yaml, moved into the warehouse team's stack.
    private void MoveLoadTestRunner(Func<string, string>? edit = null)
    {
        var staging = File.ReadAllText(Path.Combine(_head, "Pulumi.staging.yaml"));
        var block = staging[staging.IndexOf("    - key: load-test-runner", StringComparison.Ordinal)..];
        // The catalogue keeps the APIs alone.
        File.WriteAllText(Path.Combine(_head, "Pulumi.staging.yaml"), staging.Replace("  infra:clients:\n" + block, "  infra:clients: []\n", StringComparison.Ordinal));
        File.AppendAllText(Path.Combine(_head, "Pulumi.staging.warehouse.yaml"), edit is null ? block : edit(block));
    }

    [Fact]
    public void A_client_moved_to_another_stack_of_its_environment_is_listed_with_the_state_move_it_needs()
    {
        MoveLoadTestRunner();

        var moves = ClientMove.Between(ProjectStacks.Load(_base), ProjectStacks.Load(_head));

        Assert.Equal(
            ["pulumi state move --source staging --dest staging.warehouse --yes 'urn:pulumi:staging::infra::infra:auth0:M2MClient::load-test-runner'"],
            moves.Select(m => m.Command));
        Assert.Equal(["staging", "staging.warehouse"], Affected());
        // A client that stays where it is, or is new, moves nowhere.
        Assert.Empty(ClientMove.Between(ProjectStacks.Load(_base), ProjectStacks.Load(_base)));
    }

    [Fact]
    public void A_client_moved_and_renamed_in_one_change_is_moved_under_its_old_key()
    {
        MoveLoadTestRunner(block => block.Replace("    - key: load-test-runner\n", "    - key: release-load-tests\n      previousKeys: [load-test-runner]\n", StringComparison.Ordinal));

        Assert.Equal(
            ["pulumi state move --source staging --dest staging.warehouse --yes 'urn:pulumi:staging::infra::infra:auth0:M2MClient::load-test-runner'"],
            ClientMove.Between(ProjectStacks.Load(_base), ProjectStacks.Load(_head)).Select(m => m.Command));
    }

    [Fact]
    public void A_change_to_pulumi_yaml_outside_its_config_reaches_every_stack()
    {
        Edit("Pulumi.yaml", "main: infra/", "main: infra/\noptions:\n  refresh: always");

        Assert.Equal(5, Affected().Count);
    }

    [Fact]
    public void A_removed_team_stack_file_is_reported_with_what_to_do_first()
    {
        File.Delete(Path.Combine(_head, "Pulumi.staging.warehouse.yaml"));

        var result = EnvironmentsResult.Run(_head, _base, PulumiConfigScope.Today);

        Assert.Equal(["staging.warehouse"], result.Removed);
        Assert.Contains(
            "The change removes Pulumi.staging.warehouse.yaml, but the stack's resources stay deployed, and no workflow deploys, checks or destroys it any more. Before merging, destroy it (`pulumi destroy --stack staging.warehouse`; on a protected stack after `pulumi state unprotect --all --stack staging.warehouse`) or move its clients to another stack, then `pulumi stack rm staging.warehouse`.\n",
            EnvironmentsReport.Render(result, Infra.Tool.Plan.OutputFormat.Text),
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_change_to_nuget_config_alone_reaches_every_stack()
    {
        File.WriteAllText(Path.Combine(_base, "nuget.config"), "<configuration />");
        File.WriteAllText(Path.Combine(_head, "nuget.config"), "<configuration><packageSources><clear /></packageSources></configuration>");

        Assert.Equal(5, Affected().Count);
    }

    [Theory]
    [InlineData("bin")]
    [InlineData("obj")]
    [InlineData("node_modules")]
    [InlineData("StrykerOutput")]
    public void Output_folders_inside_the_tools_reach_no_stack(string folder)
    {
        var output = Path.Combine(_head, "tools", "AccessTool", folder);
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "left-behind.json"), "{}");
        Assert.Empty(Affected());

        // The same file one folder up is the tool's own source.
        File.WriteAllText(Path.Combine(_head, "tools", "AccessTool", "left-behind.json"), "{}");
        Assert.Equal(5, Affected().Count);
    }

    [Fact]
    public void A_secret_a_stack_gains_reaches_that_stack_only()
    {
        Edit("Pulumi.staging.checkout.yaml", "config:\n", "config:\n  auth0:clientSecret:\n    secure: AAABAHnMrC6BPGy4\n");

        Assert.Equal(["staging.checkout"], Affected());
    }

    [Fact]
    public void The_environments_report_without_a_base_says_nothing_of_what_a_change_reaches()
    {
        var result = EnvironmentsResult.Run(_head, null, PulumiConfigScope.Today);
        var text = EnvironmentsReport.Render(result, Infra.Tool.Plan.OutputFormat.Text);
        var json = System.Text.Json.Nodes.JsonNode.Parse(EnvironmentsReport.Render(result, Infra.Tool.Plan.OutputFormat.Json))!.AsObject();

        Assert.Equal(
            "Environment dev: catalogue stack dev, team stacks: none; valid.\n"
            + "Environment prod: catalogue stack prod, team stacks: none; valid.\n"
            + "Environment staging: catalogue stack staging, team stacks: staging.checkout, staging.warehouse; valid.\n",
            text.ReplaceLineEndings("\n"));
        Assert.Equal(["environments", "stacks", "problems"], json.Select(kv => kv.Key));
        Assert.Equal(
            """[{"stack":"dev","environment":"dev"},{"stack":"prod","environment":"prod"},{"stack":"staging","environment":"staging"},{"stack":"staging.checkout","environment":"staging"},{"stack":"staging.warehouse","environment":"staging"}]""",
            json["stacks"]!.ToJsonString());
        Assert.Equal("""{"name":"staging","catalogue":"staging","teams":["staging.checkout","staging.warehouse"],"valid":true}""", json["environments"]![2]!.ToJsonString());
    }

    [Fact]
    public void The_environments_report_of_an_unchanged_base_says_the_change_reaches_no_stack()
    {
        var result = EnvironmentsResult.Run(_head, _base, PulumiConfigScope.Today);
        var json = System.Text.Json.Nodes.JsonNode.Parse(EnvironmentsReport.Render(result, Infra.Tool.Plan.OutputFormat.Json))!.AsObject();

        Assert.EndsWith("\nThe change reaches no stack.\n", EnvironmentsReport.Render(result, Infra.Tool.Plan.OutputFormat.Text).ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal("""{"affected":[],"removed":[],"moves":[],"problems":[]}""", new System.Text.Json.Nodes.JsonObject(json.Where(kv => kv.Key is not "environments" and not "stacks").Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))).ToJsonString());
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void The_environments_report_of_a_move_gives_the_state_move_in_each_format()
    {
        MoveLoadTestRunner();
        var result = EnvironmentsResult.Run(_head, _base, PulumiConfigScope.Today);
        const string Command = "pulumi state move --source staging --dest staging.warehouse --yes 'urn:pulumi:staging::infra::infra:auth0:M2MClient::load-test-runner'";
        const string Why = "Pulumi cannot move a resource between stacks in an update: deployed as it is, the old stack would delete each client and the new one create another, with a new client id and secret. Before this deploys, pause deploys and move their state (docs/team-stacks.md \"Moving clients into a team stack\"):";

        Assert.EndsWith(
            $"\nThe change reaches: staging, staging.warehouse.\n\nClients that move to another stack. {Why}\n\n  {Command}\n",
            EnvironmentsReport.Render(result, Infra.Tool.Plan.OutputFormat.Text).ReplaceLineEndings("\n"),
            StringComparison.Ordinal);
        var markdown = EnvironmentsReport.Render(result, Infra.Tool.Plan.OutputFormat.Markdown).ReplaceLineEndings("\n");
        Assert.StartsWith("| environment | catalogue stack | team stacks | |\n|---|---|---|---|\n| dev | dev | none | valid |\n", markdown, StringComparison.Ordinal);
        Assert.EndsWith($"\n**Clients that move to another stack.** {Why}\n\n```bash\n{Command}\n```\n", markdown, StringComparison.Ordinal);
        var json = System.Text.Json.Nodes.JsonNode.Parse(EnvironmentsReport.Render(result, Infra.Tool.Plan.OutputFormat.Json))!;
        Assert.Equal(
            $$"""[{"client":"load-test-runner","from":"staging","to":"staging.warehouse","command":{{System.Text.Json.JsonSerializer.Serialize(Command)}}}]""",
            json["moves"]!.ToJsonString());
        Assert.Equal("""[{"stack":"staging","environment":"staging"},{"stack":"staging.warehouse","environment":"staging"}]""", json["affected"]!.ToJsonString());
    }

    [Fact]
    public void The_markdown_report_of_a_removed_stack_and_a_problem_puts_both_in_bold()
    {
        File.Delete(Path.Combine(_head, "Pulumi.staging.warehouse.yaml"));
        Edit("Pulumi.staging.checkout.yaml", "name: Checkout service (staging)", "name: Load-test runner");

        var result = EnvironmentsResult.Run(_head, _base, PulumiConfigScope.Today);
        var markdown = EnvironmentsReport.Render(result, Infra.Tool.Plan.OutputFormat.Markdown).ReplaceLineEndings("\n");

        Assert.Contains("\n| staging | staging | staging.checkout | 1 problem(s) |\n", markdown, StringComparison.Ordinal);
        Assert.Contains("\n**The change removes Pulumi.staging.warehouse.yaml, but", markdown, StringComparison.Ordinal);
        Assert.Contains("\n**1 problem(s) across the stacks; none of them would deploy.**\n\n", markdown, StringComparison.Ordinal);
        Assert.Contains("1 problem(s) across the stacks; none of them would deploy:\n", EnvironmentsReport.Render(result, Infra.Tool.Plan.OutputFormat.Text).ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("""["staging.warehouse"]""", System.Text.Json.Nodes.JsonNode.Parse(EnvironmentsReport.Render(result, Infra.Tool.Plan.OutputFormat.Json))!["removed"]!.ToJsonString());
    }

    public void Dispose()
    {
        Directory.Delete(_base, recursive: true);
        Directory.Delete(_head, recursive: true);
    }
}
