using System.Collections.Immutable;
using Infra.Components;
using Infra.Config;
using Pulumi;
using Pulumi.AzureNative.Authorization;

namespace Infra;

/// <summary>The program: what <c>pulumi up</c> runs and what the tests run under Pulumi's mock engine.</summary>
public static class AccessStack
{
    /// <summary>The clock expiry validation reads; tests and the offline tools pin it.</summary>
    internal static TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Reads and validates the stack's config, then declares every API and client; returns the stack outputs.</summary>
    public static IDictionary<string, object?> Define()
    {
        // Validation runs to completion before the first resource is registered: bad config deploys nothing.
        var access = ReadConfig();
        var deployment = Deployment.Instance;
        foreach (var warning in AccessConfigValidator.Warnings(access, deployment.ProjectName, DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime)))
        {
            // Shown in `pulumi up`'s output; a lapsed client must not block the deploy of any other change.
            Log.Warn(warning.ToString());
        }

        var protect = access.Policy.Protect;

        // One look-up of the Azure identity, and only when something needs its tenant, subscription or object id.
        var azure = access.KeyVault.Create is not null || access.Clients.Any(c => c.Readers.Count > 0)
            ? GetClientConfig.Invoke()
            : null;
        var vault = access.KeyVault.Create is null ? null : new ManagedKeyVault(access.KeyVault, azure!, protect);

        var managedBy = $"pulumi:{deployment.ProjectName}";
        // A team stack grants on the catalogue that its catalogue stack deploys (docs/team-stacks.md): it declares no
        // API and no Action of its own, so two stacks never manage one Auth0 object.
        var team = access.CatalogueStack is not null;
        if (!team)
        {
            _ = new CredentialExchangePolicy(managedBy, protect);
        }

        var servers = team
            ? []
            : access.Apis.ToDictionary(api => api.Key, api => new ApiResourceServer(api, protect), StringComparer.Ordinal);

        var apis = access.Apis.ToDictionary(
            api => api.Key,
            api => servers.TryGetValue(api.Key, out var server) ? new CatalogueApi(api, server.Identifier) : new CatalogueApi(api, Output.Create(api.Identifier)),
            StringComparer.Ordinal);
        var context = new M2MClientContext(
            access.Tenant,
            access.KeyVault,
            access.Policy,
            Environment: access.CatalogueStack ?? deployment.StackName,
            ManagedBy: managedBy,
            apis,
            azure,
            vault?.SecretWriteAccess,
            vault is null ? ExistingVaultChecked(access.KeyVault) : (Input<string>)access.KeyVault.Name)
        {
            TeamStack = team ? deployment.StackName : null,
        };
        var clients = access.Clients
            .Select((client, i) => new M2MClient(client, context, $"{deployment.ProjectName}:clients[{i}]"))
            .ToList();
        return StackOutputs(access, servers, clients);
    }

    /// <summary>
    /// The name of an existing vault, once it is known to use Azure RBAC. A vault on access policies ignores role
    /// assignments: every reader would be granted nothing (or everything, through a policy), so no secret is written.
    /// </summary>
    private static Output<string> ExistingVaultChecked(KeyVaultTarget target)
        => Pulumi.AzureNative.KeyVault.GetVault.Invoke(new Pulumi.AzureNative.KeyVault.GetVaultInvokeArgs
        {
            ResourceGroupName = target.ResourceGroup,
            VaultName = target.Name,
        }).Apply(vault => vault.Properties.EnableRbacAuthorization == true
            ? target.Name
            : throw new RunException(VaultWithoutRbacMessage(target)));

    /// <summary>Why an existing vault on access policies stops the deploy, and the fix.</summary>
    internal static string VaultWithoutRbacMessage(KeyVaultTarget target) =>
        $"Key Vault '{target.Name}' (resource group '{target.ResourceGroup}', infra:keyVault) uses access policies, not Azure RBAC: "
        + "the per-client role assignments this program makes would be ignored, so no secret was written. Switch the vault to the RBAC "
        + $"permission model (`az keyvault update --name {target.Name} --enable-rbac-authorization true`, after moving any access "
        + "policies to role assignments) or let the stack create its own vault (infra:keyVault.create).";

    /// <summary>What consumers and reviewers need, sorted by key so that reordering config changes no output.</summary>
    private static Dictionary<string, object?> StackOutputs(AccessConfig access, Dictionary<string, ApiResourceServer> apis, List<M2MClient> clients)
    {
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
                c => Output.Tuple(c.ClientId, c.GrantedScopes, c.SecretName, c.SecretUri)
                    .Apply(t => ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, object>
                    {
                        ["clientId"] = t.Item1,
                        ["owner"] = c.Definition.Owner,
                        ["disabled"] = c.Definition.Disabled,
                        ["grantedScopes"] = t.Item2,
                        ["keyVaultSecretName"] = t.Item3,
                        ["keyVaultSecretUri"] = t.Item4,
                    })),
                StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// The keys set under the project namespace. The SDK cannot list config keys, but the language host hands the
    /// program all of them in <c>PULUMI_CONFIG</c>; where it does not (an inline Automation API program), the check
    /// for misspelt top-level keys is skipped rather than guessed.
    /// </summary>
    private static List<string>? ProjectKeysSet(string ns)
    {
        var json = Environment.GetEnvironmentVariable("PULUMI_CONFIG");
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject()
            .Select(p => p.Name)
            // Keys arrive as "project:key", or in the older "project:config:key" form.
            .Where(name => name.StartsWith($"{ns}:", StringComparison.Ordinal))
            .Select(name => name[(ns.Length + 1)..])
            .Select(key => key.StartsWith("config:", StringComparison.Ordinal) ? key["config:".Length..] : key)
            .ToList();
    }

    /// <summary>Reads the stack's config through Pulumi and parses it; invalid config stops the run with every problem listed.</summary>
    internal static AccessConfig ReadConfig()
    {
        var project = new Pulumi.Config();
        var ns = Deployment.Instance.ProjectName;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in AccessConfigParser.ProjectKeys)
        {
            if (project.Get(key) is { } value)
            {
                values[$"{ns}:{key}"] = value;
            }
        }

        if (new Pulumi.Config("auth0").Get("domain") is { } domain)
        {
            values["auth0:domain"] = domain;
        }

        var raw = RawStackConfig.FromMap(
            ns,
            Deployment.Instance.StackName,
            values,
            // The Auth0 provider falls back to AUTH0_DOMAIN too; the token endpoint must name the same tenant.
            Environment.GetEnvironmentVariable("AUTH0_DOMAIN"),
            // Only validation reads the date (an expiry in the past is an error); no input depends on it.
            DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime)) with
        {
            // The values above are only the keys the program reads; misspelt ones are found among all that were set.
            ProjectKeys = ProjectKeysSet(ns),
        };
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
