using Infra.Tests.Support;
using Infra.Tool.Deploy;
using Infra.Tool.Plan;
using Infra.Tool.Preview;
using LibGit2Sharp;

namespace Infra.Tests.Tools;

/// <summary>
/// The deploy gate against a real git history of the prod example: batches merged before one approval, checked
/// against the commit the stack is deployed from, applied whole, commit by commit, or refused.
/// </summary>
public sealed class DeployGateTests : IDisposable
{
    private readonly StackRepository _repository = new();

    public void Dispose() => _repository.Dispose();

    private static readonly string Prod = StackHarness.StackFileText("prod");

    private static string Edit(string file, string from, string to)
    {
        Assert.Contains(from, file, StringComparison.Ordinal);
        return file.Replace(from, to, StringComparison.Ordinal);
    }

    private static string Rotation(string file, int rotation)
        => Edit(file, "      expires: 2027-02-20\n", rotation == 0 ? "      expires: 2027-02-20\n" : $"      expires: 2027-02-20\n      rotation: {rotation}\n");

    private static string Disabled(string file) => Edit(file, "    - key: nightly-reconciler\n", "    - key: nightly-reconciler\n      disabled: true\n");

    private static string Removed(string file)
    {
        var at = file.IndexOf("    - key: nightly-reconciler\n", StringComparison.Ordinal);
        return file[..at] + file[file.IndexOf("    - key: partner-globex\n", StringComparison.Ordinal)..];
    }

    private async Task<DeployGateResult> Gate(string? deployed, string target)
    {
        using var history = new StackHistory(_repository.Path);
        return await DeployGate.RunAsync(history, "prod", deployed, target, PulumiConfigScope.Today);
    }

    [Fact]
    public async Task Two_rotations_merged_before_one_approval_are_refused_as_a_raise_by_two_and_applied_one_commit_each()
    {
        var deployed = _repository.Commit("deployed", Prod);
        var first = _repository.Commit("rotate checkout-service", Rotation(Prod, 1));
        var second = _repository.Commit("rotate checkout-service again", Rotation(Prod, 2));

        var gate = await Gate(deployed, second);

        // As one deploy the counter goes from 0 to 2: both secrets drawn anew, and the consumer locked out.
        Assert.Equal(["infra:clients[0].rotation"], gate.Whole.Problems.Select(p => p.Path));
        Assert.True(gate.Accepted);
        Assert.Equal([first, second], gate.Steps.Select(s => s.Commit));
        Assert.Equal([deployed, first], gate.Steps.Select(s => s.From));
        Assert.All(gate.Steps, s => Assert.True(s.Preview.Valid && !s.Preview.Refused));
        Assert.All(gate.Steps, s => Assert.Contains(s.Preview.Operations, o => o.Type == "auth0:index/clientCredentials:ClientCredentials" && o.Name == "checkout-service" && o.Kind == OperationKind.Update));
        Assert.Equal($"{first}\n{second}\n", DeployGateReport.Steps(gate));
        Assert.Equal(0, gate.ExitCode);
    }

    [Fact]
    public async Task A_disable_and_the_removal_it_allows_merged_together_are_applied_in_two_deploys()
    {
        var deployed = _repository.Commit("deployed", Prod);
        var disable = _repository.Commit("disable nightly-reconciler", Disabled(Prod));
        var remove = _repository.Commit("remove nightly-reconciler", Removed(Prod));

        var gate = await Gate(deployed, remove);

        // As one deploy the protected client would be deleted: refused, after its unprotected document and assignments go.
        Assert.True(gate.Whole.Refused);
        Assert.Contains(gate.Whole.Findings, f => f.Rule == "protected-delete" && f.Urn.EndsWith("auth0:index/client:Client::nightly-reconciler", StringComparison.Ordinal));
        Assert.Equal([disable, remove], gate.Steps.Select(s => s.Commit));
        Assert.DoesNotContain(gate.Steps[0].Preview.Findings, f => f.Severity == FindingSeverity.Error);
        Assert.Contains(gate.Steps[1].Preview.Operations, o => o.Kind == OperationKind.Delete && o.Type == "auth0:index/client:Client" && o.Name == "nightly-reconciler");
        Assert.DoesNotContain(gate.Steps[1].Preview.Findings, f => f.Severity == FindingSeverity.Error);

        var report = DeployGateReport.Render(gate, OutputFormat.Markdown);
        Assert.Contains("As one `pulumi up` the batch is refused (the whole preview's findings are below); applied commit by commit it is accepted, in 2 `pulumi up`s:", report, StringComparison.Ordinal);
        Assert.Contains($"1. `{StackHistory.Short(disable)}`: ", report, StringComparison.Ordinal);
        Assert.Contains($"2. `{StackHistory.Short(remove)}`: ", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_safe_as_a_whole_is_one_deploy_of_the_target_with_the_commits_that_change_no_stack_file()
    {
        var deployed = _repository.Commit("deployed", Prod);
        var scope = _repository.Commit("a scope", Edit(Prod, "          scopes: [orders:read, orders:write]\n", "          scopes: [orders:read, orders:write, orders:cancel]\n"));
        var docs = _repository.Commit("docs only", files: ("README.md", "docs\n"));

        var gate = await Gate(deployed, docs);

        Assert.Equal([scope, docs], gate.Commits);
        var step = Assert.Single(gate.Steps);
        Assert.Equal((docs, deployed), (step.Commit, step.From));
        Assert.Equal(["Update auth0:index/clientGrant:ClientGrant checkout-service--orders-api"], step.Preview.Operations.Where(o => o.Kind != OperationKind.Same).Select(o => $"{o.Kind} {o.Type} {o.Name}"));
        Assert.Contains("Accepted as one `pulumi up`.", DeployGateReport.Render(gate, OutputFormat.Text), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_commit_that_cannot_be_applied_even_alone_refuses_the_deploy_with_its_preview()
    {
        var deployed = _repository.Commit("deployed", Prod);
        var scope = _repository.Commit("a scope", Edit(Prod, "          scopes: [orders:read, orders:write]\n", "          scopes: [orders:read, orders:write, orders:cancel]\n"));
        // The API catalogue is shared (Pulumi.yaml): a new identifier replaces the protected API.
        var identifier = _repository.Commit("move the orders API", ("Pulumi.yaml", Edit(File.ReadAllText(Path.Combine(_repository.Path, "Pulumi.yaml")), "https://api.acme.example/orders", "https://orders.acme.example")));
        var later = _repository.Commit("a later change", Edit(Prod, "          scopes: [orders:read, orders:write]\n", "          scopes: [orders:read]\n"));

        var gate = await Gate(deployed, later);

        // Refused where it cannot go on, at the commit that changed only Pulumi.yaml, never past it.
        Assert.False(gate.Accepted);
        Assert.Empty(gate.Steps);
        Assert.Equal((identifier, scope), (gate.Refused!.Commit, gate.Refused.From));
        Assert.Contains(gate.Refused.Preview.Findings, f => f.Rule == "protected-replace" && f.Urn.EndsWith("auth0:index/resourceServer:ResourceServer::orders-api", StringComparison.Ordinal));
        Assert.Equal(OperationsReport.RefusedExitCode, gate.ExitCode);
        Assert.Empty(DeployGateReport.Steps(gate));
        Assert.StartsWith($"## Deploy gate: prod\n\nDeployed: `{StackHistory.Short(deployed)}`; to deploy: `{StackHistory.Short(later)}`, 3 commits along main.\n\n**Refused.** The stack cannot go from `{StackHistory.Short(scope)}` to `{StackHistory.Short(identifier)}`, not even commit by commit", DeployGateReport.Render(gate, OutputFormat.Markdown), StringComparison.Ordinal);
        TextSnapshot.AssertMatches("deploy-gate-refused.md.txt", _repository.Named(DeployGateReport.Render(gate, OutputFormat.Markdown)));
        TextSnapshot.AssertMatches("deploy-gate-refused.txt", _repository.Named(DeployGateReport.Render(gate, OutputFormat.Text)));
    }

    [Fact]
    public async Task Only_commits_that_change_the_stacks_files_cut_a_batch_and_the_commits_after_the_last_cut_go_with_it()
    {
        var deployed = _repository.Commit("deployed", Prod);
        var first = _repository.Commit("rotate", Rotation(Prod, 1));
        _repository.Commit("docs", files: ("README.md", "one\n"));
        _repository.Commit("rotate again", Rotation(Prod, 2));
        var target = _repository.Commit("more docs", files: ("README.md", "two\n"));

        var gate = await Gate(deployed, target);

        Assert.Equal([first, target], gate.Steps.Select(s => s.Commit));
        Assert.Equal(5 - 1, gate.Commits.Count);
        TextSnapshot.AssertMatches("deploy-gate-steps.md.txt", _repository.Named(DeployGateReport.Render(gate, OutputFormat.Markdown)));
        TextSnapshot.AssertMatches("deploy-gate-steps.json.txt", _repository.Named(DeployGateReport.Render(gate, OutputFormat.Json)));
        Assert.Equal(12, StackHistory.Short(target).Length);
        Assert.StartsWith(StackHistory.Short(target), target, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pull_request_merged_with_a_merge_commit_is_one_commit_of_main_as_its_own_preview_checked_it()
    {
        var deployed = _repository.Commit("deployed", Prod);
        // The branch rotates twice; the merge brings both, as its pull request's preview (base to head) saw them.
        var branch = _repository.Branch("rotations", deployed, ("rotate", Rotation(Prod, 1)), ("rotate again", Rotation(Prod, 2)));
        var merge = _repository.Merge("merge the rotations", deployed, branch, Rotation(Prod, 2));

        var gate = await Gate(deployed, merge);

        Assert.Equal([merge], gate.Commits);
        Assert.False(gate.Accepted);
        Assert.Equal(merge, gate.Refused!.Commit);
        Assert.Equal(["infra:clients[0].rotation"], gate.Refused.Preview.Problems.Select(p => p.Path));
    }

    [Fact]
    public async Task A_deployed_commit_without_the_stack_file_is_an_error_naming_it()
    {
        var empty = _repository.Commit("project only", files: ("README.md", "x\n"));
        var target = _repository.Commit("the stack", Prod);

        var error = await Assert.ThrowsAsync<DeployGateException>(() => Gate(empty, target));

        Assert.Equal($"Commit {StackHistory.Short(empty)} has no Pulumi.prod.yaml.", error.Message);
    }

    [Fact]
    public async Task Re_adding_a_removed_client_whose_secret_the_private_vault_retained_is_refused_with_another_key_as_the_fix()
    {
        _repository.Commit("deployed", Prod);
        _repository.Commit("disable", Disabled(Prod));
        var removed = _repository.Commit("remove", Removed(Prod));
        var back = _repository.Commit("re-add", Prod);

        var gate = await Gate(removed, back);

        Assert.False(gate.Accepted);
        var problem = Assert.Single(gate.Refused!.Preview.Problems);
        Assert.Equal("infra:clients[1].key", problem.Path);
        Assert.Equal(
            $"'nightly-reconciler' was the key of a client removed from this stack in commit {StackHistory.Short(removed)} ({_repository.Day(removed):yyyy-MM-dd}): its Key Vault secret `m2m--nightly-reconciler` is still in the vault: it was retained, since the pipeline cannot reach the vault's data plane to delete it. azure-native creates a Key Vault secret only where none exists, so `pulumi up` would fail on it. Give the client a key this stack has not used (its secret is named after the key), or first delete the old secret from a network that reaches the vault and wait out its soft-delete retention.",
            problem.Message);
        Assert.Equal(OperationsReport.InvalidConfigExitCode, gate.ExitCode);

        // Under another key the same client deploys.
        var renamed = _repository.Commit("re-add under a new key", Edit(Prod, "    - key: nightly-reconciler\n", "    - key: stock-reconciler\n"));
        Assert.True((await Gate(removed, renamed)).Accepted);
    }

    [Fact]
    public async Task A_soft_deleted_secret_on_a_vault_the_pipeline_reaches_does_not_block_re_adding_its_key()
    {
        var dev = StackHarness.StackFileText("dev");
        var at = dev.IndexOf("    - key: partner-globex\n", StringComparison.Ordinal);
        _repository.Commit("deployed", files: ("Pulumi.dev.yaml", dev));
        var removed = _repository.Commit("remove", files: ("Pulumi.dev.yaml", dev[..at]));
        var back = _repository.Commit("re-add", files: ("Pulumi.dev.yaml", dev));

        using var history = new StackHistory(_repository.Path);
        Assert.Equal([new EarlierClient("partner-globex", "kv-acme-m2m-dev", "m2m--partner-globex", false, StackHistory.Short(removed), _repository.Day(removed))], history.RemovedClients(removed, "dev"));

        // Commits that change no stack file and versions the parser rejects (never deployed) are passed over; two
        // clients removed at once come back sorted by secret name.
        var reconciler = dev.IndexOf("    - key: nightly-reconciler\n", StringComparison.Ordinal);
        _repository.Commit("docs", files: ("README.md", "x\n"));
        _repository.Commit("broken", files: ("Pulumi.dev.yaml", dev.Replace("owner: team-checkout", "owner: ''", StringComparison.Ordinal)));
        var both = _repository.Commit("remove two", files: ("Pulumi.dev.yaml", dev[..reconciler]));
        Assert.Equal(["m2m--nightly-reconciler", "m2m--partner-globex"], history.RemovedClients(both, "dev").Select(c => c.SecretName));
        Assert.Equal(StackHistory.Short(both), history.RemovedClients(both, "dev")[1].RemovedIn);
        Assert.Empty(history.RemovedClients(back, "dev"));
        Assert.True((await DeployGate.RunAsync(history, "dev", removed, back, PulumiConfigScope.Today)).Accepted);
    }

    [Fact]
    public async Task A_stack_never_deployed_is_one_deploy_from_nothing_and_a_target_behind_the_deployed_commit_is_an_error()
    {
        var first = _repository.Commit("deployed", Prod);
        var second = _repository.Commit("a scope", Edit(Prod, "          scopes: [orders:read, orders:write]\n", "          scopes: [orders:read, orders:write, orders:cancel]\n"));

        var fresh = await Gate(null, second);
        var step = Assert.Single(fresh.Steps);
        Assert.Null(step.From);
        Assert.All(step.Preview.Operations, o => Assert.Equal(OperationKind.Create, o.Kind));

        var back = await Assert.ThrowsAsync<DeployGateException>(() => Gate(second, first));
        Assert.Equal(
            $"The deployed commit {StackHistory.Short(second)} is not an ancestor of {StackHistory.Short(first)}: deploying it would take the stack back to an older config, or to another branch's. Deploy main's newest commit, or, if the stack really must go back, revert on main and deploy that.",
            back.Message);
    }

    [Fact]
    public async Task The_command_writes_the_steps_the_deploy_job_applies_and_exits_as_the_gate_decides()
    {
        var deployed = _repository.Commit("deployed", Prod);
        var first = _repository.Commit("rotate", Rotation(Prod, 1));
        var second = _repository.Commit("rotate again", Rotation(Prod, 2));
        var steps = Path.Combine(_repository.Path, "..", $"steps-{Guid.NewGuid():N}.txt");

        try
        {
            var run = await ToolInProcess.RunAsync("deploy-gate", "prod", "--project", _repository.Path, "--deployed", deployed, "--target", second, "--steps", steps, "--today", "2026-11-28", "--format", "json");
            var none = await ToolInProcess.RunAsync("deploy-gate", "prod", "--project", _repository.Path, "--deployed", "none", "--today", "2026-11-28");
            var missing = await ToolInProcess.RunAsync("deploy-gate", "prod", "--project", _repository.Path, "--deployed", "0123456789abcdef0123456789abcdef01234567");

            Assert.Equal(0, run.ExitCode);
            Assert.Equal($"{first}\n{second}\n", File.ReadAllText(steps));
            var json = System.Text.Json.Nodes.JsonNode.Parse(run.Output)!;
            Assert.True(json["accepted"]!.GetValue<bool>());
            Assert.Equal(deployed, json["deployed"]!.GetValue<string>());
            Assert.Equal(2, json["steps"]!.AsArray().Count);
            Assert.Equal(0, none.ExitCode);
            Assert.Contains("Deployed: nothing (a new stack)", none.Output, StringComparison.Ordinal);
            Assert.Equal(1, missing.ExitCode);
            Assert.Equal("'0123456789abcdef0123456789abcdef01234567' is not a commit of this repository (is the checkout shallow? The deploy job checks out with fetch-depth: 0).\n", missing.Error);
        }
        finally
        {
            File.Delete(steps);
        }
    }

    [Fact]
    public async Task The_pull_request_preview_reads_the_bases_history_for_retained_secrets()
    {
        _repository.Commit("deployed", Prod);
        _repository.Commit("disable", Disabled(Prod));
        _repository.Commit("remove", Removed(Prod));
        using var head = new TemporaryProject();
        head.Write("Pulumi.prod.yaml", Prod);

        var withHistory = await ToolInProcess.RunAsync("preview", "prod", "--base", _repository.Path, "--history", "--head", head.Path, "--today", "2026-11-28");
        var without = await ToolInProcess.RunAsync("preview", "prod", "--base", _repository.Path, "--head", head.Path, "--today", "2026-11-28");

        Assert.Equal(OperationsReport.InvalidConfigExitCode, withHistory.ExitCode);
        Assert.Contains("infra:clients[1].key: 'nightly-reconciler' was the key of a client removed from this stack", withHistory.Output, StringComparison.Ordinal);
        Assert.Equal(0, without.ExitCode);
    }
}

/// <summary>A git repository of the project's files in a temporary folder, committed to as main would be.</summary>
internal sealed class StackRepository : IDisposable
{
    private static readonly Signature Author = new("ci", "ci@example.invalid", new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    private int _commits;

    public StackRepository()
    {
        Path = Directory.CreateTempSubdirectory("infra-gate-").FullName;
        Repository.Init(Path);
        File.Copy(System.IO.Path.Combine(StackHarness.RepositoryRoot(), "Pulumi.yaml"), System.IO.Path.Combine(Path, "Pulumi.yaml"));
    }

    public string Path { get; }

    /// <summary>Commits the prod stack file as <paramref name="prod"/> (and any other files), a day after the last commit; returns its id.</summary>
    public string Commit(string message, string? prod = null, params (string File, string Text)[] files)
    {
        if (prod is not null)
        {
            File.WriteAllText(System.IO.Path.Combine(Path, "Pulumi.prod.yaml"), prod);
        }

        foreach (var (file, text) in files)
        {
            File.WriteAllText(System.IO.Path.Combine(Path, file), text);
        }

        using var repository = new Repository(Path);
        Commands.Stage(repository, "*");
        var when = Next();
        return repository.Commit(message, when, when, new CommitOptions { AllowEmptyCommit = true }).Sha;
    }

    /// <summary>Commits <paramref name="commits"/> (message, prod file) on a branch from <paramref name="from"/>, leaving main where it was; returns the branch's last commit.</summary>
    public string Branch(string name, string from, params (string Message, string Prod)[] commits)
    {
        using var repository = new Repository(Path);
        var main = repository.Head.FriendlyName;
        Commands.Checkout(repository, repository.CreateBranch(name, repository.Lookup<LibGit2Sharp.Commit>(from)));
        string last = from;
        foreach (var (message, prod) in commits)
        {
            last = Commit(message, prod);
        }

        Commands.Checkout(repository, repository.Branches[main], new CheckoutOptions { CheckoutModifiers = CheckoutModifiers.Force });
        return last;
    }

    /// <summary>A merge commit on main of <paramref name="branch"/> into <paramref name="main"/>, with the prod file as merged.</summary>
    public string Merge(string message, string main, string branch, string prod)
    {
        File.WriteAllText(System.IO.Path.Combine(Path, "Pulumi.prod.yaml"), prod);
        using var repository = new Repository(Path);
        Commands.Stage(repository, "*");
        var tree = repository.ObjectDatabase.CreateTree(repository.Index);
        var when = Next();
        var merge = repository.ObjectDatabase.CreateCommit(when, when, message, tree, [repository.Lookup<LibGit2Sharp.Commit>(main), repository.Lookup<LibGit2Sharp.Commit>(branch)], prettifyMessage: true);
        repository.Refs.UpdateTarget(repository.Refs[repository.Head.CanonicalName], merge.Id);
        return merge.Sha;
    }

    /// <summary><paramref name="text"/> with every commit of this repository written as its message's order, so a report is the same on every run.</summary>
    public string Named(string text)
    {
        using var repository = new Repository(Path);
        var commits = repository.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = repository.Refs, SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Reverse }).ToList();
        for (var i = 0; i < commits.Count; i++)
        {
            text = text.Replace(commits[i].Sha, $"<commit {i}>", StringComparison.Ordinal).Replace(StackHistory.Short(commits[i].Sha), $"<c{i}>", StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The author and committer of the next commit: a day after the last one.</summary>
    private Signature Next() => new(Author.Name, Author.Email, Author.When.AddDays(_commits++));

    /// <summary>Overload for commits of other files only.</summary>
    public string Commit(string message, params (string File, string Text)[] files) => Commit(message, null, files);

    /// <summary>The day a commit was made.</summary>
    public DateOnly Day(string commit)
    {
        using var repository = new Repository(Path);
        return DateOnly.FromDateTime(repository.Lookup<LibGit2Sharp.Commit>(commit).Committer.When.UtcDateTime);
    }

    public void Dispose()
    {
        // Git marks its object files read-only.
        foreach (var file in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(Path, recursive: true);
    }
}
