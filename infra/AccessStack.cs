using System.Collections.Immutable;
using Infra.Components;
using Infra.Config;
using Pulumi;

namespace Infra;

/// <summary>The program: what <c>pulumi up</c> runs and what the tests run under Pulumi's mock engine.</summary>
public static class AccessStack
{
    /// <summary>Reads and validates the stack's config, then declares every API and client; returns the stack outputs.</summary>
    public static IDictionary<string, object?> Define()
    {
        // Validation runs to completion before the first resource is registered: bad config deploys nothing.
        var access = ReadConfig();
        var deployment = Deployment.Instance;

        var apis = access.Apis.ToDictionary(api => api.Key, api => new ApiResourceServer(api), StringComparer.Ordinal);
        var context = new M2MClientContext(
            access.Tenant,
            access.KeyVault,
            Environment: deployment.StackName,
            ManagedBy: $"pulumi:{deployment.ProjectName}",
            apis);
        var clients = access.Clients
            .Select((client, i) => (Definition: client, Component: new M2MClient(client, context, $"{deployment.ProjectName}:clients[{i}]")))
            .ToList();

        return new Dictionary<string, object?>
        {
            ["tokenEndpoint"] = access.Tenant.TokenEndpoint,
            ["apis"] = apis.ToImmutableSortedDictionary(
                a => a.Key,
                a => Output.Tuple(a.Value.Identifier, a.Value.Scopes).Apply(t => ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, object>
                {
                    ["identifier"] = t.Item1,
                    ["scopes"] = t.Item2,
                })),
                StringComparer.Ordinal),
            ["clients"] = clients.ToImmutableSortedDictionary(
                c => c.Definition.Key,
                c => Output.Tuple(c.Component.ClientId, c.Component.GrantedScopes, c.Component.SecretNames, c.Component.SecretUris)
                    .Apply(t => ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, object>
                    {
                        ["clientId"] = t.Item1,
                        ["owner"] = c.Definition.Owner,
                        ["grantedScopes"] = t.Item2,
                        ["keyVaultSecretNames"] = t.Item3,
                        ["keyVaultSecretUris"] = t.Item4,
                    })),
                StringComparer.Ordinal),
        };
    }

    /// <summary>Reads the stack's config through Pulumi and parses it; invalid config stops the run with every problem listed.</summary>
    internal static AccessConfig ReadConfig()
    {
        var project = new Pulumi.Config();
        var auth0 = new Pulumi.Config("auth0");
        var raw = new RawStackConfig(
            Namespace: Deployment.Instance.ProjectName,
            StackName: Deployment.Instance.StackName,
            // The Auth0 provider falls back to AUTH0_DOMAIN too; the token endpoint must name the same tenant.
            Auth0Domain: auth0.Get("domain") ?? Environment.GetEnvironmentVariable("AUTH0_DOMAIN"),
            KeyVault: project.Get("keyVault"),
            Apis: project.Get("apis"),
            Clients: project.Get("clients"));
        try
        {
            return AccessConfigParser.Parse(raw);
        }
        catch (ConfigValidationException e)
        {
            // A RunException is reported without a stack trace: the user sees the problems, not our call stack.
            throw new RunException(e.Message);
        }
    }
}
