using System.Collections.Immutable;
using Pulumi.Testing;

namespace Infra.Bench;

/// <summary>The cheapest provider stand-in that still answers like the providers: inputs back, plus computed ids and the secret.</summary>
internal sealed class BenchMocks : IMocks
{
    private int _registered;

    public int Registered => _registered;

    public Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args)
    {
        Interlocked.Increment(ref _registered);
        var state = args.Inputs;
        switch (args.Type)
        {
            case "auth0:index/client:Client":
                state = state.SetItem("clientId", $"cid-{args.Name}");
                break;
            case "auth0:index/clientCredentials:ClientCredentials":
                state = state.SetItem("clientSecret", $"secret-{args.Name}");
                break;
            case "azure-native:keyvault:Secret":
                state = state.SetItem("properties", ImmutableDictionary<string, object>.Empty.Add("secretUri", $"https://kv/{args.Name}").Add("secretUriWithVersion", $"https://kv/{args.Name}/1"));
                break;
        }

        return Task.FromResult<(string?, object)>(($"{args.Name}-id", state));
    }

    public Task<object> CallAsync(MockCallArgs args) => Task.FromResult<object>(ImmutableDictionary<string, object>.Empty
        .Add("clientId", "c").Add("objectId", "o").Add("subscriptionId", "s").Add("tenantId", "t")
        // getVault: the existing vault passes the program's RBAC check.
        .Add("properties", ImmutableDictionary<string, object>.Empty.Add("enableRbacAuthorization", true)));
}
