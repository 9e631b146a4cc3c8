using Pulumi;

namespace Infra.Tool.Plan;

/// <summary>
/// URNs as the engine forms them, for the resources one offline run registered. The mock engine hands out URNs of
/// its own, so the preview computes the real ones: <c>urn:pulumi:{stack}::{project}::{parent types$type}::{name}</c>,
/// the root stack left out of the type chain (pulumi/pulumi v3.259.0 sdk/go/common/resource/urn/urn.go:80-93).
/// </summary>
internal sealed class ResourceAddresses
{
    private readonly string _prefix;
    private readonly Dictionary<Resource, Registration> _byResource;

    public ResourceAddresses(string project, string stack, IEnumerable<Registration> registrations)
    {
        _prefix = $"urn:pulumi:{stack}::{project}::";
        // Resources compare by reference: each object is one registration.
        _byResource = registrations.ToDictionary(r => r.Args.Resource);
    }

    /// <summary>The resource's URN.</summary>
    public string Urn(Resource resource) => $"{_prefix}{QualifiedType(resource)}::{resource.GetResourceName()}";

    /// <summary>
    /// The URNs the resource's own aliases name. The program's aliases give a name only, so each keeps the type and
    /// parent (collapseAliasToUrn, pulumi/pulumi v3.259.0 pkg/resource/deploy/step_generator.go:545-586).
    /// </summary>
    public async Task<IReadOnlyList<string>> AliasUrnsAsync(Resource resource)
    {
        var urns = new List<string>();
        foreach (var aliasName in _byResource[resource].AliasNames)
        {
            var name = await aliasName.ConfigureAwait(false);
            urns.Add($"{_prefix}{QualifiedType(resource)}::{name ?? resource.GetResourceName()}");
        }

        return urns;
    }

    private string QualifiedType(Resource resource)
        => _byResource.TryGetValue(resource, out var registration) && registration.Args.Options.Parent is { } parent and not Stack
            ? $"{QualifiedType(parent)}${resource.GetResourceType()}"
            : resource.GetResourceType();

    /// <summary>
    /// An alias's name. The SDK keeps both the alias and its name as inputs, readable only by applying them, which
    /// must start while the deployment runs.
    /// </summary>
    public static Task<string?> NameOf(Input<Alias> alias)
    {
        var name = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        alias.ToOutput().Apply(a =>
        {
            if (a.Name is null)
            {
                name.TrySetResult(null);
            }
            else
            {
                a.Name.ToOutput().Apply(n => name.TrySetResult(n));
            }

            return true;
        });
        return name.Task;
    }
}

/// <summary>One resource as the program registered it: its arguments and options, its aliases' names and its explicit dependencies.</summary>
internal sealed record Registration(ResourceTransformationArgs Args, IReadOnlyList<Task<string?>> AliasNames, Task<System.Collections.Immutable.ImmutableArray<Resource>> DependsOn)
{
    /// <summary>Records a registration; the option values that are inputs are read while the deployment runs.</summary>
    public static Registration Of(ResourceTransformationArgs args)
    {
        var dependsOn = new TaskCompletionSource<System.Collections.Immutable.ImmutableArray<Resource>>(TaskCreationOptions.RunContinuationsAsynchronously);
        args.Options.DependsOn.ToOutput().Apply(resources => dependsOn.TrySetResult(resources));
        return new Registration(args, [.. args.Options.Aliases.Select(ResourceAddresses.NameOf)], dependsOn.Task);
    }
}
