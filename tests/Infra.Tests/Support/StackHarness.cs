using System.Collections.Immutable;
using Infra.Tool;
using Infra.Tool.Plan;
using Pulumi;
using Pulumi.Testing;

namespace Infra.Tests.Support;

/// <summary>What one run of the program under the mock engine registered.</summary>
internal sealed record StackRun(
    ProviderFakes Fakes,
    ImmutableArray<Resource> Resources,
    IDictionary<string, object?> Outputs)
{
    public IReadOnlyList<RegisteredResource> Registered => Fakes.Registered;

    public IReadOnlyList<RegisteredResource> OfType(string type) => Registered.Where(r => r.Type == type).ToList();

    public RegisteredResource Single(string type, string name) => Registered.Single(r => r.Type == type && r.Name == name);

    /// <summary>What the component or stack of this type and name passed to <c>RegisterOutputs</c>.</summary>
    public ImmutableDictionary<string, Output<object?>> OutputsOf(string type, string name)
        => Fakes.RegisteredOutputs.Single(o => o.Key.EndsWith($"{type}::{name}", StringComparison.Ordinal)).Value;
}

/// <summary>Runs <see cref="AccessStack.Define"/> under Pulumi's mock engine, exactly as <c>pulumi up</c> runs it.</summary>
internal static class StackHarness
{
    public const string Project = "infra";

    /// <summary>A recognisable client secret per client, so tests can look for it where it must not be.</summary>
    public static string SecretOf(string clientKey) => $"S3cr3t.{clientKey}.xVq9Lr2pWm8Tz4Kd";

    /// <summary>The repository's stack, read as the Pulumi CLI would hand it to the program.</summary>
    public static Dictionary<string, string> StackConfig(string stack = "dev") => new(StackFile(stack).Values);

    /// <summary>The repository's <c>Pulumi.yaml</c> and <c>Pulumi.&lt;stack&gt;.yaml</c>, as the tool loads them.</summary>
    public static Infra.Tool.StackConfig StackFile(string stack = "dev") => StackFiles.Load(RepositoryRoot(), stack);

    /// <summary>The text of the repository's <c>Pulumi.&lt;stack&gt;.yaml</c>, for tests that write an edited copy.</summary>
    public static string StackFileText(string stack = "dev") => File.ReadAllText(Path.Combine(RepositoryRoot(), $"Pulumi.{stack}.yaml"));

    /// <summary>
    /// The dev stack file's text without its <c>auth0:domain</c> line, as a pipeline that sets <c>AUTH0_DOMAIN</c>
    /// keeps it; fails if the line is not there to remove, rather than test the file unchanged.
    /// </summary>
    public static string WithoutDomain(string devFile)
    {
        const string line = "  auth0:domain: acme-dev.eu.auth0.com\n";
        Assert.Contains(line, devFile, StringComparison.Ordinal);
        return devFile.Replace(line, "", StringComparison.Ordinal);
    }

    /// <summary>The repository root, found by walking up from the test binaries to Infra.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Infra.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Infra.sln not found above " + AppContext.BaseDirectory);
    }

    public static async Task<StackRun> RunAsync(
        IReadOnlyDictionary<string, string> config,
        string stack = "dev",
        Func<string, string>? clientSecretFor = null)
        => await RunAsync(config, new ProviderFakes(clientSecretFor ?? SecretOf), stack);

    /// <summary>Runs the program against the given fakes.</summary>
    public static async Task<StackRun> RunAsync(IReadOnlyDictionary<string, string> config, ProviderFakes fakes, string stack = "dev")
    {
        ArgumentNullException.ThrowIfNull(fakes);
        using var scope = new PulumiConfigScope(config);
        var (resources, outputs) = await Deployment.TestAsync(fakes.Mock.Object, Options(stack), AccessStack.Define);
        return new StackRun(fakes, resources, outputs);
    }

    /// <summary>Runs the program expecting it to fail; returns the error and whatever was registered.</summary>
    public static async Task<(Exception Error, ProviderFakes Fakes)> RunFailingAsync(
        IReadOnlyDictionary<string, string> config,
        string stack = "dev",
        Func<string, string>? clientSecretFor = null,
        bool storeCaptured = true)
    {
        var fakes = new ProviderFakes(clientSecretFor ?? SecretOf) { StoreCaptured = storeCaptured };
        using var scope = new PulumiConfigScope(config);
        var error = await Record.ExceptionAsync(() => Deployment.TestAsync(fakes.Mock.Object, Options(stack), AccessStack.Define));
        Assert.NotNull(error);
        return (error, fakes);
    }

    /// <summary>Runs the program inside a stack that records every resource's arguments and options.</summary>
    public static async Task<IReadOnlyList<ResourceTransformationArgs>> CaptureAsync(IReadOnlyDictionary<string, string> config, string stack = "dev")
        => (await RunCapturingAsync(config, stack)).Captured;

    /// <summary>Like <see cref="CaptureAsync"/>, also returning what the engine received.</summary>
    public static async Task<(IReadOnlyList<ResourceTransformationArgs> Captured, ProviderFakes Fakes)> RunCapturingAsync(IReadOnlyDictionary<string, string> config, string stack = "dev")
    {
        var fakes = new ProviderFakes(SecretOf);
        using var scope = new PulumiConfigScope(config);
        RecordingStack.Captured.Clear();
        await Deployment.TestAsync<RecordingStack>(fakes.Mock.Object, Options(stack));
        return ([.. RecordingStack.Captured.Select(c => c.Args)], fakes);
    }

    public static TestOptions Options(string stack) => new() { ProjectName = Project, StackName = stack, IsPreview = false };

    /// <summary>Resolves an output's value after the run.</summary>
    public static Task<T> ValueAsync<T>(Output<T> output)
    {
        var result = new TaskCompletionSource<T>();
        output.Apply(value =>
        {
            result.SetResult(value);
            return value;
        });
        return result.Task;
    }

    /// <summary>
    /// The stack outputs as the engine would store them: JSON with every nested output resolved, and whether any of
    /// them is secret. (Under the mock engine the stack itself registers no outputs, so they are read from the run.)
    /// </summary>
    public static async Task<(System.Text.Json.JsonElement Json, bool IsSecret)> StackOutputsAsync(StackRun run)
    {
        var serialized = Output.JsonSerialize(Output.Create<object?>(run.Outputs));
        var text = await ValueAsync(serialized);
        return (System.Text.Json.JsonDocument.Parse(text).RootElement.Clone(), await Output.IsSecretAsync(serialized));
    }
}

/// <summary>
/// Sets <c>PULUMI_CONFIG</c> (process-wide, which is why the tests never run in parallel) and clears
/// <c>AUTH0_DOMAIN</c> for one run, restoring both afterwards.
/// </summary>
internal sealed class PulumiConfigScope : IDisposable
{
    /// <summary>The day the tests run on, whatever the calendar says: expiry dates in the example stacks are relative to it.</summary>
    public static readonly DateOnly Today = new(2026, 11, 28);

    private readonly string? _config = Environment.GetEnvironmentVariable("PULUMI_CONFIG");
    private readonly string? _domain = Environment.GetEnvironmentVariable("AUTH0_DOMAIN");

    public PulumiConfigScope(IReadOnlyDictionary<string, string> config, string? auth0DomainVariable = null)
    {
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", StackFiles.ToEnvironmentValue(config));
        Environment.SetEnvironmentVariable("AUTH0_DOMAIN", auth0DomainVariable);
        AccessStack.Clock = new FixedDayClock(Today);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", _config);
        Environment.SetEnvironmentVariable("AUTH0_DOMAIN", _domain);
        AccessStack.Clock = TimeProvider.System;
    }
}
