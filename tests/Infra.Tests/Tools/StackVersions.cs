using Infra.Tests.Support;
using Infra.Tool;
using Infra.Tool.Plan;
using Infra.Tool.Preview;

namespace Infra.Tests.Tools;

/// <summary>A stack going from one version of its file to another, planned offline and compared, seen from one client.</summary>
internal sealed record RotationScenario(PlanResult Before, PlanResult After, OperationsPreviewResult Preview, string Client)
{
    /// <summary>The same plans compared as if the config had not changed: the operations the preview's config rules stop.</summary>
    public RotationScenario Unguarded() => this with { Preview = OperationsPreview.Compare(Before, After with { Config = Before.Config }, PulumiConfigScope.Today) };
}

/// <summary>Two project folders, the base and the head of a change, as a pull request has them.</summary>
internal sealed class StackVersions : IDisposable
{
    private readonly TemporaryProject _base = new();
    private readonly TemporaryProject _head = new();

    /// <summary>Stack <paramref name="stack"/> going from the file text <paramref name="from"/> to <paramref name="to"/>.</summary>
    public async Task<RotationScenario> StepAsync(string stack, string client, string from, string to)
    {
        _base.Write($"Pulumi.{stack}.yaml", from);
        _head.Write($"Pulumi.{stack}.yaml", to);
        var before = await OfflinePlan.RunAsync(StackFiles.Load(_base.Path, stack), PulumiConfigScope.Today);
        var after = await OfflinePlan.RunAsync(StackFiles.Load(_head.Path, stack), PulumiConfigScope.Today);
        return new RotationScenario(before, after, OperationsPreview.Compare(before, after, PulumiConfigScope.Today), client);
    }

    public void Dispose()
    {
        _base.Dispose();
        _head.Dispose();
    }
}
