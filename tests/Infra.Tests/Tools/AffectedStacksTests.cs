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

    [Fact]
    public void A_client_moved_to_another_stack_of_its_environment_is_listed_with_the_state_move_it_needs()
    {
        var staging = File.ReadAllText(Path.Combine(_head, "Pulumi.staging.yaml"));
        var block = staging[staging.IndexOf("    - key: load-test-runner", StringComparison.Ordinal)..];
        File.WriteAllText(Path.Combine(_head, "Pulumi.staging.yaml"), staging.Replace(block, "", StringComparison.Ordinal));
        File.AppendAllText(Path.Combine(_head, "Pulumi.staging.warehouse.yaml"), block);

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
        var staging = File.ReadAllText(Path.Combine(_head, "Pulumi.staging.yaml"));
        var block = staging[staging.IndexOf("    - key: load-test-runner", StringComparison.Ordinal)..];
        File.WriteAllText(Path.Combine(_head, "Pulumi.staging.yaml"), staging.Replace(block, "", StringComparison.Ordinal));
        File.AppendAllText(Path.Combine(_head, "Pulumi.staging.warehouse.yaml"), block.Replace("    - key: load-test-runner\n", "    - key: release-load-tests\n      previousKeys: [load-test-runner]\n", StringComparison.Ordinal));

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

    public void Dispose()
    {
        Directory.Delete(_base, recursive: true);
        Directory.Delete(_head, recursive: true);
    }
}
