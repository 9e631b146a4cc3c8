using Infra.Tests.Support;
using Infra.Tool;
using Infra.Tool.Deploy;
using Infra.Tool.Environments;
using Infra.Tool.Preview;

namespace Infra.Tests.Tools;

/// <summary>
/// A client moved out of the protected prod stack into a new team stack: the preview, the access diff and the deploy
/// gate compare each stack with its state as `pulumi state move` leaves it, so a move is neither a refused delete nor
/// a new client.
/// </summary>
public sealed class ClientMoveTests : IDisposable
{
    private static readonly string Prod = StackHarness.StackFileText("prod");

    private static readonly string Block = Prod[Prod.IndexOf("    - key: nightly-reconciler\n", StringComparison.Ordinal)..Prod.IndexOf("    - key: partner-globex\n", StringComparison.Ordinal)];

    /// <summary>Prod without nightly-reconciler, and its team stack with it, writing into prod's private vault.</summary>
    private static readonly (string Prod, string Team) Split = (
        Prod.Replace(Block, "", StringComparison.Ordinal),
        "config:\n  auth0:domain: acme.eu.auth0.com\n  infra:catalogueStack: prod\n  infra:production: true\n  infra:protect: true\n"
        + "  infra:maxCredentialLifetimeDays: 90\n  infra:keyVault:\n    name: kv-acme-m2m-prod\n    resourceGroup: rg-acme-identity-prod\n    privateDataPlane: true\n"
        + "  infra:clients:\n" + Block);

    private readonly TemporaryProject _base = new();
    private readonly TemporaryProject _head = new();
    private readonly StackRepository _repository = new();

    public ClientMoveTests()
    {
        _base.Write("Pulumi.prod.yaml", Prod);
        _head.Write("Pulumi.prod.yaml", Split.Prod);
        _head.Write("Pulumi.prod.warehouse.yaml", Split.Team);
    }

    public void Dispose()
    {
        _base.Dispose();
        _head.Dispose();
        _repository.Dispose();
    }

    private async Task<OperationsPreviewResult> Preview(string stack, bool moved = true)
    {
        var before = ProjectStacks.Load(_base.Path);
        var head = StackFiles.Load(_head.Path, stack);
        var baseConfig = File.Exists(Path.Combine(_base.Path, $"Pulumi.{stack}.yaml")) ? StackFiles.Load(_base.Path, stack) : null;
        var moves = moved ? ClientMove.Between(before, ProjectStacks.Load(_head.Path)) : [];
        return await OperationsPreview.RunAsync(ClientMove.BaseAfterMoves(stack, baseConfig, head, before, moves), head, PulumiConfigScope.Today);
    }

    [Fact]
    public async Task Without_the_move_the_catalogue_stack_would_refuse_the_delete_of_a_protected_client()
    {
        var preview = await Preview("prod", moved: false);

        Assert.True(preview.Refused);
        Assert.Contains(preview.Findings, f => f.Rule == "protected-delete" && f.Urn.EndsWith("::nightly-reconciler", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_move_the_catalogue_stack_deletes_nothing_and_the_team_stack_creates_nothing()
    {
        var prod = await Preview("prod");
        var team = await Preview("prod.warehouse");

        Assert.False(prod.Refused, string.Join("\n", prod.Findings.Select(f => f.Reason)));
        Assert.All(prod.Operations, o => Assert.Equal(OperationKind.Same, o.Kind));
        Assert.False(team.Refused, string.Join("\n", team.Findings.Select(f => f.Reason)));
        // Its client, credentials, password, grant, document and assignment are the ones moved in. (The real update
        // also adds `stack` to the client's metadata, in place: the one change this base does not show.)
        Assert.All(team.Operations, o => Assert.Equal(OperationKind.Same, o.Kind));
        Assert.Equal(7, team.Operations.Count);
    }

    [Fact]
    public async Task The_commands_compare_with_the_moves_made_and_the_diff_sees_no_new_access()
    {
        var prod = await ToolInProcess.RunAsync("preview", "prod", "--base", _base.Path, "--head", _head.Path, "--today", "2026-11-28", "--format", "json");
        var team = await ToolInProcess.RunAsync("diff", "prod.warehouse", "--base", _base.Path, "--head", _head.Path, "--format", "json");

        Assert.Equal((0, ""), (prod.ExitCode, prod.Error));
        Assert.Equal((0, ""), (team.ExitCode, team.Error));
        Assert.DoesNotContain("ClientAdded", team.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_deploy_gate_accepts_the_move_and_tells_the_job_what_each_state_must_hold_first()
    {
        var deployed = _repository.Commit("deployed", Prod);
        var split = _repository.Commit("move nightly-reconciler to prod.warehouse", Split.Prod, ("Pulumi.prod.warehouse.yaml", Split.Team));
        using var history = new StackHistory(_repository.Path);

        var prod = await DeployGate.RunAsync(history, "prod", deployed, split, PulumiConfigScope.Today);
        // The team stack's tag is set once to the commit its clients were deployed from (docs/team-stacks.md).
        var team = await DeployGate.RunAsync(history, "prod.warehouse", deployed, split, PulumiConfigScope.Today);

        Assert.Equal((0, 0), (prod.ExitCode, team.ExitCode));
        Assert.Equal("absent urn:pulumi:prod::infra::infra:auth0:M2MClient::nightly-reconciler\n", DeployGateReport.Moves(prod));
        Assert.Equal("present urn:pulumi:prod.warehouse::infra::infra:auth0:M2MClient::nightly-reconciler\n", DeployGateReport.Moves(team));
        Assert.DoesNotContain(team.Whole.Operations, o => o.Kind == OperationKind.Create);
    }

    [Fact]
    public void A_team_stack_writing_into_the_catalogues_private_vault_must_say_so()
    {
        var layout = ProjectStacks.Load(_head.Path);
        var open = StackFiles.Load(_head.Path, "prod.warehouse") is var team
            ? team with { Values = team.Values.Edit("infra:keyVault", v => v.AsObject().Remove("privateDataPlane")) }
            : null;

        var valid = EnvironmentCheck.Run(layout.Environments.Single(e => e.Name == "prod"), StackFiles.ProjectDefaults(_head.Path), PulumiConfigScope.Today);
        var missing = EnvironmentCheck.Run(layout.Environments.Single(e => e.Name == "prod") with { Teams = [open!] }, StackFiles.ProjectDefaults(_head.Path), PulumiConfigScope.Today);

        Assert.Empty(valid.Problems);
        Assert.Equal(
            ["Pulumi.prod.warehouse.yaml infra:keyVault.privateDataPlane: must be true: the vault kv-acme-m2m-prod that the catalogue stack 'prod' creates has its data plane closed to public networks, so a hosted pipeline cannot delete this stack's secrets there; with privateDataPlane: true they are retained when removed, and the preview knows it."],
            missing.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_stack_no_client_moves_into_or_out_of_keeps_its_base_as_it_is()
    {
        var before = ProjectStacks.Load(_base.Path);
        var head = StackFiles.Load(_head.Path, "prod");
        var moves = ClientMove.Between(before, ProjectStacks.Load(_head.Path));
        var baseConfig = StackFiles.Load(_base.Path, "prod");

        Assert.Same(baseConfig, ClientMove.BaseAfterMoves("dev", baseConfig, head, before, moves));
        // A new stack that nothing moves into previews against nothing.
        Assert.Null(ClientMove.BaseAfterMoves("prod.search", null, head, before, moves));
        // The stack a client leaves keeps its other clients and every other value of the base.
        var after = ClientMove.BaseAfterMoves("prod", baseConfig, head, before, moves)!;
        Assert.Equal(baseConfig.Values.Keys.Order(StringComparer.Ordinal), after.Values.Keys.Order(StringComparer.Ordinal));
        Assert.All(baseConfig.Values.Where(kv => kv.Key != "infra:clients"), kv => Assert.Equal(kv.Value, after.Values[kv.Key]));
        Assert.Equal(
            System.Text.Json.Nodes.JsonNode.Parse(baseConfig.Values["infra:clients"])!.AsArray().Select(c => (string)c!["key"]!).Where(k => k != "nightly-reconciler"),
            System.Text.Json.Nodes.JsonNode.Parse(after.Values["infra:clients"])!.AsArray().Select(c => (string)c!["key"]!));
    }

    [Fact]
    public void Previous_keys_that_are_not_strings_and_stacks_without_clients_are_left_to_their_own_checks()
    {
        _head.Write("Pulumi.prod.warehouse.yaml", Split.Team.Replace("    - key: nightly-reconciler\n", "    - key: nightly-reconciler\n      previousKeys: [7, {key: x}]\n", StringComparison.Ordinal));
        _head.Write("Pulumi.prod.search.yaml", "config:\n  infra:catalogueStack: prod\n");

        Assert.Equal(
            ["nightly-reconciler prod -> prod.warehouse"],
            ClientMove.Between(ProjectStacks.Load(_base.Path), ProjectStacks.Load(_head.Path)).Select(m => $"{m.Client} {m.From} -> {m.To}"));
    }

    [Fact]
    public void A_team_stack_that_calls_a_public_catalogue_vault_private_is_refused()
    {
        var layout = ProjectStacks.Load(_head.Path);
        var prod = layout.Environments.Single(e => e.Name == "prod");
        var open = prod.Catalogue with { Values = prod.Catalogue.Values.Edit("infra:keyVault", v => v["create"]!["publicNetworkAccess"] = "Enabled") };

        Assert.Equal(
            ["Pulumi.prod.warehouse.yaml infra:keyVault.privateDataPlane: must be false or unset: the vault kv-acme-m2m-prod that the catalogue stack 'prod' creates is reachable from public networks."],
            EnvironmentCheck.Run(prod with { Catalogue = open }, StackFiles.ProjectDefaults(_head.Path), PulumiConfigScope.Today).Problems.Select(p => p.ToString()));
    }
}
