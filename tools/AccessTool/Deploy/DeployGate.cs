using Infra.Tool.Plan;
using Infra.Tool.Preview;

namespace Infra.Tool.Deploy;

/// <summary>One <c>pulumi up</c> the deploy job runs: the commit it checks out and applies, and the preview from the step before.</summary>
/// <param name="Commit">The full id of the commit to apply.</param>
/// <param name="From">The commit the stack is at before this step (the deployed one, or the previous step's); null for a new stack.</param>
/// <param name="Preview">The operations preview from <paramref name="From"/> to <paramref name="Commit"/>.</param>
public sealed record DeployStep(string Commit, string? From, OperationsPreviewResult Preview);

/// <summary>What the deploy gate decided for one stack.</summary>
/// <param name="Stack">The stack.</param>
/// <param name="Deployed">The commit the stack was last deployed from; null for a stack never deployed.</param>
/// <param name="Target">The commit the deploy job was started for.</param>
/// <param name="Commits">The commits between them along main (first parents), oldest first.</param>
/// <param name="Whole">The operations preview from <paramref name="Deployed"/> straight to <paramref name="Target"/>.</param>
/// <param name="Steps">The <c>pulumi up</c>s to run in order; empty when refused.</param>
/// <param name="Refused">The step that cannot be applied from where the stack would be, with its preview; null when accepted.</param>
public sealed record DeployGateResult(
    string Stack,
    string? Deployed,
    string Target,
    IReadOnlyList<string> Commits,
    OperationsPreviewResult Whole,
    IReadOnlyList<DeployStep> Steps,
    DeployStep? Refused)
{
    /// <summary>Whether the deploy may go ahead (as <see cref="Steps"/>).</summary>
    public bool Accepted => Refused is null;

    /// <summary>0: deploy the steps; 1: a version is invalid config; 3: refused.</summary>
    public int ExitCode => Refused is null ? 0 : Refused.Preview.Valid ? 3 : 1;

    /// <summary>
    /// The clients the batch moves into or out of this stack: previewed as moved by <c>pulumi state move</c>, which
    /// must have happened before the deploy (the job checks the state: <see cref="DeployGateReport.Moves"/>).
    /// </summary>
    public IReadOnlyList<Environments.ClientMove> Moves { get; init; } = [];
}

/// <summary>
/// Checks a deploy against what is deployed, not against each pull request's base. Several merges can reach one
/// deploy (GitHub keeps one pending run per concurrency group and cancels the older pending one, and an approval
/// takes time), and a batch can break a rule that each pull request kept: two rotations become one raise by two, a
/// disable and the removal that needed it land together. The gate previews the whole batch from the deployed commit;
/// where the preview refuses it, it applies the batch in the fewest steps each of which the preview accepts, and
/// where even one commit cannot be applied from the step before it, it refuses the deploy with that preview.
/// </summary>
public static class DeployGate
{
    /// <summary>Decides the deploy of <paramref name="stack"/> from <paramref name="deployed"/> (null: never deployed) to <paramref name="target"/>.</summary>
    public static async Task<DeployGateResult> RunAsync(StackHistory history, string stack, string? deployed, string target, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(target);
        target = history.Resolve(target);
        deployed = deployed is null ? null : history.Resolve(deployed);
        if (deployed is not null && !history.IsAncestor(deployed, target))
        {
            throw new DeployGateException(
                $"The deployed commit {StackHistory.Short(deployed)} is not an ancestor of {StackHistory.Short(target)}: deploying it would take the stack back to an older config, or to another branch's. Deploy main's newest commit, or, if the stack really must go back, revert on main and deploy that.");
        }

        var commits = history.CommitsBetween(deployed, target);
        var plans = new Dictionary<string, PlanResult?>(StringComparer.Ordinal);
        async Task<PlanResult?> PlanAt(string? commit)
        {
            if (commit is null)
            {
                return null;
            }

            if (!plans.TryGetValue(commit, out var plan))
            {
                var config = history.At(commit, stack) ?? throw new DeployGateException($"Commit {StackHistory.Short(commit)} has no Pulumi.{stack}.yaml.");
                plan = await OfflinePlan.RunAsync(config, today).ConfigureAwait(false);
                plans[commit] = plan;
            }

            return plan;
        }

        IReadOnlyList<Environments.ClientMove> MovesOf(string? from, string to) => from is null
            ? []
            : [.. Environments.ClientMove.Between(history.Layout(from), history.Layout(to)).Where(m => m.From == stack || m.To == stack)];

        // The base of a step that moves clients into or out of this stack is the stack as the moves leave it.
        async Task<PlanResult?> BaseOf(string? from, string to, IReadOnlyList<Environments.ClientMove> moves)
        {
            if (moves.Count == 0)
            {
                return await PlanAt(from).ConfigureAwait(false);
            }

            var moved = Environments.ClientMove.BaseAfterMoves(stack, history.At(from!, stack), history.At(to, stack)!, history.Layout(from!), moves);
            return moved is null ? null : await OfflinePlan.RunAsync(moved, today).ConfigureAwait(false);
        }

        async Task<DeployStep> Step(string? from, string to)
        {
            var earlier = from is null ? [] : history.RemovedClients(from, stack);
            var basePlan = await BaseOf(from, to, MovesOf(from, to)).ConfigureAwait(false);
            var preview = OperationsPreview.Compare(basePlan, (await PlanAt(to).ConfigureAwait(false))!, today, earlier);
            return new DeployStep(to, from, preview);
        }

        var moves = MovesOf(deployed, target);
        var whole = await Step(deployed, target).ConfigureAwait(false);
        if (Accepts(whole.Preview))
        {
            return new DeployGateResult(stack, deployed, target, commits, whole.Preview, [whole], null) { Moves = moves };
        }

        // Only a commit that changes the stack's files can be where a batch must be cut; the commits between go with it.
        var cuts = new List<string>();
        var last = deployed;
        foreach (var commit in commits)
        {
            if (last is null || history.StackChanged(last, commit, stack))
            {
                cuts.Add(commit);
            }

            last = commit;
        }

        var steps = new List<DeployStep>();
        var at = deployed;
        DeployStep? accepted = null;
        foreach (var cut in cuts)
        {
            var step = await Step(at, cut).ConfigureAwait(false);
            if (Accepts(step.Preview))
            {
                accepted = step;
                continue;
            }

            if (accepted is null)
            {
                return new DeployGateResult(stack, deployed, target, commits, whole.Preview, [], step) { Moves = moves };
            }

            steps.Add(accepted);
            at = accepted.Commit;
            accepted = null;
            step = await Step(at, cut).ConfigureAwait(false);
            if (!Accepts(step.Preview))
            {
                return new DeployGateResult(stack, deployed, target, commits, whole.Preview, [], step) { Moves = moves };
            }

            accepted = step;
        }

        // The last step applies the target itself: the commits after the last cut change no stack file, so its preview is
        // the last cut's. There is one: a batch without a cut changes no stack file, and its whole preview accepts it.
        steps.Add(accepted! with { Commit = target });
        return new DeployGateResult(stack, deployed, target, commits, whole.Preview, steps, null) { Moves = moves };
    }

    private static bool Accepts(OperationsPreviewResult preview) => preview.Valid && !preview.Refused;
}
