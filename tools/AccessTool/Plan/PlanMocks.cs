using System.Collections.Immutable;
using Pulumi.Testing;

namespace Infra.Tool.Plan;

/// <summary>
/// Stands in for the providers when planning offline: inputs come back as outputs, and what only a provider
/// knows (ids, client ids, the client secret, the Azure identity) comes back as a readable placeholder.
/// </summary>
internal sealed class PlanMocks : IMocks
{
    /// <summary>Marks the client secret placeholder, so the plan can show every input it reaches as <c>[secret]</c>.</summary>
    public const string SecretMarker = "\u2063secret\u2063";

    private readonly List<PlannedInput> _registered = [];

    public IReadOnlyList<PlannedInput> Registered
    {
        get
        {
            lock (_registered)
            {
                return [.. _registered];
            }
        }
    }

    public static string ClientIdOf(string client) => $"(client id of {client})";

    public Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var type = args.Type!;
        var name = args.Name!;
        lock (_registered)
        {
            _registered.Add(new PlannedInput(type, name, args.Inputs, string.IsNullOrEmpty(args.Id) ? null : args.Id));
        }

        var state = args.Inputs.ToBuilder();
        switch (type)
        {
            case "auth0:index/client:Client":
                state["clientId"] = ClientIdOf(name);
                break;
            case "auth0:index/clientCredentials:ClientCredentials":
                state["clientSecret"] = $"{SecretMarker}(client secret of {name})";
                break;
            case "azure-native:resources:ResourceGroup":
                state["name"] = args.Inputs["resourceGroupName"];
                break;
            case "azure-native:keyvault:Secret":
                var uri = $"https://{args.Inputs["vaultName"]}.vault.azure.net/secrets/{args.Inputs["secretName"]}";
                state["properties"] = ImmutableDictionary<string, object>.Empty.Add("secretUri", uri).Add("secretUriWithVersion", uri);
                break;
        }

        return Task.FromResult<(string?, object)>(($"(id of {name})", state.ToImmutable()));
    }

    public Task<object> CallAsync(MockCallArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Token == "azure-native:authorization:getClientConfig"
            ? Task.FromResult<object>(ImmutableDictionary<string, object>.Empty
                .Add("clientId", "(client id of the deploying identity)")
                .Add("objectId", "(object id of the deploying identity)")
                .Add("subscriptionId", "(subscription)")
                .Add("tenantId", "(tenant)"))
            : throw new NotSupportedException($"The offline plan cannot answer the invoke {args.Token}.");
    }
}

/// <summary>A resource's inputs as the engine received them.</summary>
internal sealed record PlannedInput(string Type, string Name, ImmutableDictionary<string, object> Inputs, string? ImportId);
