using System.Collections;
using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Infra.Config;
using Pulumi;
using Pulumi.Testing;

namespace Infra.Tool.Plan;

/// <summary>One resource the program would declare.</summary>
/// <param name="Type">The Pulumi type token.</param>
/// <param name="Name">The logical name.</param>
/// <param name="Parent">The parent component as <c>type::name</c>, or null at the top.</param>
/// <param name="Protect">Whether <c>pulumi up</c> refuses to delete it.</param>
/// <param name="ImportId">The id of an existing object it adopts.</param>
/// <param name="Inputs">Its inputs; secrets as <c>[secret]</c>.</param>
public sealed record PlannedResource(string Type, string Name, string? Parent, bool Protect, string? ImportId, JsonObject Inputs)
{
    /// <summary>Its URN, as the engine computes it from the parent chain (the root stack left out).</summary>
    public string Urn { get; init; } = "";

    /// <summary>Its parent's URN; null at the top (under the root stack).</summary>
    public string? ParentUrn { get; init; }

    /// <summary>The URNs its own aliases name (the engine adds those inherited from a parent's alias when it matches).</summary>
    public IReadOnlyList<string> AliasUrns { get; init; } = [];

    /// <summary>The deleteBeforeReplace option as the program sets it; null leaves the choice to the provider's diff.</summary>
    public bool? DeleteBeforeReplace { get; init; }

    /// <summary>Whether removing it from the program leaves the object in place (only its state is dropped).</summary>
    public bool RetainOnDelete { get; init; }

    /// <summary>Inputs the engine takes from the old state instead of the program (<c>ignoreChanges</c>).</summary>
    public IReadOnlyList<string> IgnoreChanges { get; init; } = [];

    /// <summary>The URNs of the resources it names in <c>dependsOn</c>.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>Its inputs with provider placeholders and secret values as registered, for comparing two plans; never printed.</summary>
    internal JsonObject ComparableInputs { get; init; } = [];
}

/// <summary>What one client may do on one API.</summary>
public sealed record AccessEntry(string Client, string Owner, string Api, string Audience, IReadOnlyList<string> Scopes);

/// <summary>The result of planning a stack: its problems, or its resources and its access matrix.</summary>
public sealed record PlanResult(
    string Project,
    string Stack,
    IReadOnlyList<ConfigProblem> Problems,
    IReadOnlyList<PlannedResource> Resources,
    IReadOnlyList<AccessEntry> Access)
{
    /// <summary>Whether the config is valid (and the resources and access were planned).</summary>
    public bool Valid => Problems.Count == 0;

    /// <summary>The validated config the plan ran with; null when it is invalid.</summary>
    public AccessConfig? Config { get; init; }

    /// <summary>Config findings that do not stop a deploy (an expiry date that has passed).</summary>
    public IReadOnlyList<ConfigProblem> Warnings { get; init; } = [];

    /// <summary>The provider placeholders the plan's inputs contain, by their text.</summary>
    internal IReadOnlyDictionary<string, Placeholder> Placeholders { get; init; } = new Dictionary<string, Placeholder>();
}

/// <summary>
/// Runs the real program (<see cref="AccessStack.Define"/>, as <c>pulumi up</c> does) under Pulumi's mock engine with
/// a stack's config: no Pulumi CLI, no credentials, no network.
/// </summary>
public static class OfflinePlan
{
    /// <summary>
    /// Plans <paramref name="config"/> as of <paramref name="today"/> (UTC), which expiry dates are checked against,
    /// telling <paramref name="progress"/> how many resources the program has declared, then read back.
    /// </summary>
    public static async Task<PlanResult> RunAsync(StackConfig config, DateOnly today, IProgress<RunProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(config);

        // Validate first with the same parser the program uses, so problems come back as data, not as a failed run.
        AccessConfig access;
        try
        {
            access = AccessConfigParser.Parse(RawStackConfig.FromMap(config.Project, config.Stack, config.Values, Environment.GetEnvironmentVariable("AUTH0_DOMAIN"), today));
        }
        catch (ConfigValidationException e)
        {
            return new PlanResult(config.Project, config.Stack, e.Problems, [], []);
        }

        var mocks = new PlanMocks
        {
            OnRegistered = progress is null ? null : count => progress.Report(new RunProgress(count, null, Invariant($"resources declared: {count:N0}"))),
        };
        var previous = Environment.GetEnvironmentVariable("PULUMI_CONFIG");
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", StackFiles.ToEnvironmentValue(config.Values));
        var clock = AccessStack.Clock;
        AccessStack.Clock = new FixedDayClock(today);
        RecordingStack.Captured.Clear();
        try
        {
            await Deployment.TestAsync<RecordingStack>(mocks, new TestOptions { ProjectName = config.Project, StackName = config.Stack, IsPreview = false }).ConfigureAwait(false);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PULUMI_CONFIG", previous);
            AccessStack.Clock = clock;
        }

        var captured = RecordingStack.Captured.ToDictionary(c => (c.Args.Resource.GetResourceType(), c.Args.Resource.GetResourceName()));
        var addresses = new ResourceAddresses(config.Project, config.Stack, captured.Values);
        var resources = new List<PlannedResource>();
        var registered = mocks.Registered;
        foreach (var r in registered)
        {
            progress?.Report(new RunProgress(resources.Count, registered.Count, Invariant($"resources read back: {resources.Count:N0} of {registered.Count:N0}")));
            var registration = captured[(r.Type, r.Name)];
            var record = registration.Args;
            var opts = record.Options;
            var parent = opts.Parent is { } p and not Pulumi.Stack ? $"{p.GetResourceType()}::{p.GetResourceName()}" : null;
            var inputs = (JsonObject)ToJson(r.Inputs, mask: true)!;
            if (r.Type == "azure-native:keyvault:Secret" && inputs["properties"]?["value"] is not null)
            {
                // Every Key Vault secret this program writes is a Pulumi secret, also a disabled client's document that
                // embeds no generated value.
                inputs["properties"]!["value"] = "[secret]";
            }

            if (inputs["roleAssignmentName"] is not null)
            {
                // Derived from the subscription, which only the deploying identity knows.
                inputs["roleAssignmentName"] = "(UUID v5 of scope, principal and role)";
            }

            var custom = opts as CustomResourceOptions;
            resources.Add(new PlannedResource(r.Type, r.Name, parent, opts.Protect == true, r.ImportId, inputs)
            {
                Urn = addresses.Urn(record.Resource),
                ParentUrn = opts.Parent is { } up and not Pulumi.Stack ? addresses.Urn(up) : null,
                AliasUrns = await addresses.AliasUrnsAsync(record.Resource).ConfigureAwait(false),
                DeleteBeforeReplace = custom?.DeleteBeforeReplace,
                RetainOnDelete = opts.RetainOnDelete == true,
                IgnoreChanges = [.. opts.IgnoreChanges],
                DependsOn = [.. (await registration.DependsOn.ConfigureAwait(false)).Select(addresses.Urn)],
                ComparableInputs = (JsonObject)ToJson(r.Inputs, mask: false)!,
            });
        }

        progress?.Report(new RunProgress(resources.Count, registered.Count, Invariant($"resources: {resources.Count:N0}")));
        return new PlanResult(config.Project, config.Stack, [], resources, AccessMatrix(registered, access.Apis))
        {
            Config = access,
            Warnings = AccessConfigValidator.Warnings(access, config.Project, today),
            Placeholders = mocks.Placeholders,
        };
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    /// <summary>Client × API → scopes, read back from the grants the program registered (not from config).</summary>
    private static List<AccessEntry> AccessMatrix(IReadOnlyList<PlannedInput> registered, IReadOnlyList<ApiDefinition> catalogue)
    {
        var owners = registered.Where(r => r.Type == "auth0:index/client:Client")
            .ToDictionary(r => PlanMocks.ClientIdOf(r.Name), r => (Key: r.Name, Owner: (string)((IDictionary)r.Inputs["clientMetadata"])["owner"]!));
        // From the catalogue, not from the registered resource servers: a team stack grants on APIs it does not declare.
        var apis = catalogue.ToDictionary(a => a.Identifier, a => a.Key, StringComparer.Ordinal);
        return registered.Where(r => r.Type == "auth0:index/clientGrant:ClientGrant")
            .Select(g =>
            {
                var client = owners[(string)g.Inputs["clientId"]];
                var audience = (string)g.Inputs["audience"];
                return new AccessEntry(client.Key, client.Owner, apis[audience], audience, ((ImmutableArray<object>)g.Inputs["scopes"]).Cast<string>().ToList());
            })
            .OrderBy(a => a.Client, StringComparer.Ordinal)
            .ThenBy(a => a.Api, StringComparer.Ordinal)
            .ToList();
    }

    private static JsonNode? ToJson(object? value, bool mask) => value switch
    {
        null => null,
        string s when mask && PlanMocks.IsSecret(s) => JsonValue.Create("[secret]"),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        // Pulumi passes every number as a double; System.Text.Json writes a whole one without a fraction (3600, not 3600.0).
        double d => JsonValue.Create(d),
        IDictionary map => new JsonObject(map.Keys.Cast<string>().Order(StringComparer.Ordinal).Select(k => KeyValuePair.Create(k, ToJson(map[k], mask)))),
        IEnumerable list => new JsonArray(list.Cast<object?>().Select(v => ToJson(v, mask)).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };
}

/// <summary>
/// The program (<see cref="AccessStack.Define"/>) inside a stack whose resource transformation records every resource's
/// arguments and options (parent, protection, dependencies, aliases), which the engine's mocks do not see.
/// </summary>
internal sealed class RecordingStack : Pulumi.Stack
{
    /// <summary>What the last run recorded; runs are one at a time (the config they read is process-wide).</summary>
    public static readonly List<Registration> Captured = [];

    public RecordingStack()
        : base(new StackOptions { ResourceTransformations = { Record } })
    {
        AccessStack.Define();
    }

    private static ResourceTransformationResult? Record(ResourceTransformationArgs args)
    {
        lock (Captured)
        {
            Captured.Add(Registration.Of(args));
        }

        return null;
    }
}
