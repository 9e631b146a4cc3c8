using System.Collections.Immutable;
using Infra.Config;
using Pulumi;
using Pulumi.Auth0;
using Pulumi.AzureNative.Authorization;
using Pulumi.AzureNative.KeyVault;
using Pulumi.AzureNative.KeyVault.Inputs;

namespace Infra.Components;

/// <summary>Where a client lives and what it may reference: shared by every client of a stack.</summary>
/// <param name="Tenant">The Auth0 tenant.</param>
/// <param name="Vault">The vault its credentials go into.</param>
/// <param name="Policy">Stack-wide safety settings.</param>
/// <param name="Environment">The stack name, recorded on the client.</param>
/// <param name="ManagedBy">Who manages the client (this project), recorded on the client and its secrets.</param>
/// <param name="Apis">The stack's APIs by key.</param>
/// <param name="Azure">The identity the Azure provider runs as; required when a client has readers.</param>
/// <param name="VaultWriteAccess">When the stack creates the vault, what secrets must wait for before they are written.</param>
public sealed record M2MClientContext(
    Auth0Tenant Tenant,
    KeyVaultTarget Vault,
    StackPolicy Policy,
    string Environment,
    string ManagedBy,
    IReadOnlyDictionary<string, ApiResourceServer> Apis,
    Output<GetClientConfigResult>? Azure = null,
    Resource? VaultWriteAccess = null);

/// <summary>
/// One consumer's programmatic access: an Auth0 machine-to-machine application, its secret, one grant per API,
/// and the Key Vault secrets the consumer reads to request tokens.
/// </summary>
public sealed class M2MClient : ComponentResource
{
    /// <summary>The component's Pulumi type token.</summary>
    public const string TypeToken = "infra:auth0:M2MClient";

    /// <summary>The content type of every secret: each holds one plain string.</summary>
    public const string SecretContentType = "text/plain";

    /// <summary>Declares the client under the stable key <see cref="M2MClientDefinition.Key"/>.</summary>
    /// <param name="definition">The client from config.</param>
    /// <param name="context">The stack-wide settings.</param>
    /// <param name="configPath">Where the client is in config, for error messages.</param>
    /// <param name="options">Component options.</param>
    public M2MClient(M2MClientDefinition definition, M2MClientContext context, string configPath, ComponentResourceOptions? options = null)
        : base(TypeToken, (definition ?? throw new ArgumentNullException(nameof(definition))).Key, ApiResourceServer.WithAliases(options, definition.PreviousKeys))
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = definition.Key;
        var protect = context.Policy.Protect;

        var client = new Client(key, new ClientArgs
        {
            Name = definition.Name,
            Description = definition.Description,
            AppType = "non_interactive",
            GrantTypes = { "client_credentials" },
            IsFirstParty = true,
            OidcConformant = true,
            ClientMetadata =
            {
                ["owner"] = definition.Owner,
                ["environment"] = context.Environment,
                ["managed_by"] = context.ManagedBy,
            },
        }, new CustomResourceOptions { Parent = this, Protect = protect, ImportId = definition.ImportId });

        var credentials = new ClientCredentials(key, new ClientCredentialsArgs
        {
            ClientId = client.ClientId,
            AuthenticationMethod = "client_secret_post",
        }, new CustomResourceOptions
        {
            Parent = this,
            Protect = protect,
            // Adopting an application adopts its credentials too: Auth0 addresses both by the client id.
            ImportId = definition.ImportId,
        });

        // Secret before anything else sees it: the engine marks the provider's output secret, but only once the
        // provider says so, and a program must not rely on that.
        var clientSecret = Output.CreateSecret(credentials.ClientSecret).Apply(secret => string.IsNullOrEmpty(secret)
            ? throw new ResourceException(EmptySecretMessage(key, configPath), credentials, hideStack: true)
            : secret);

        var grants = definition.Grants.Select(grant => DeclareGrant(key, grant, client, context)).ToList<Resource>();
        var secretDependencies = context.VaultWriteAccess is null ? grants : [.. grants, context.VaultWriteAccess];

        var secretUris = ImmutableDictionary.CreateBuilder<string, Output<string>>();
        var secretNames = ImmutableDictionary.CreateBuilder<string, string>();
        foreach (var secret in ConsumerSecretLayout.For(context.Vault, definition))
        {
            Input<string> value = secret.Kind switch
            {
                ConsumerSecretKind.ClientId => client.ClientId,
                ConsumerSecretKind.ClientSecret => clientSecret,
                ConsumerSecretKind.TokenEndpoint => context.Tenant.TokenEndpoint,
                _ => context.Apis[secret.ApiKey!].Identifier,
            };
            var vaultSecret = new Secret(secret.Name, new SecretArgs
            {
                ResourceGroupName = context.Vault.ResourceGroup,
                VaultName = context.Vault.Name,
                SecretName = secret.Name,
                Properties = new SecretPropertiesArgs
                {
                    Value = value,
                    ContentType = SecretContentType,
                },
                // Tags are readable by anyone who can list the vault: names and owners only, never values.
                Tags =
                {
                    ["auth0-client"] = key,
                    ["kind"] = secret.Label,
                    ["environment"] = context.Environment,
                    ["managed-by"] = context.ManagedBy,
                },
            }, new CustomResourceOptions
            {
                Parent = this,
                Protect = protect,
                // A consumer that finds its credentials can use them: the grants exist before the secrets do.
                DependsOn = secretDependencies,
            });
            GrantRead(secret, vaultSecret, definition.Readers, context);
            secretNames[secret.Label] = secret.Name;
            secretUris[secret.Label] = vaultSecret.Properties.Apply(p => p.SecretUri);
        }

        ClientId = client.ClientId;
        ClientSecret = clientSecret;
        GrantedScopes = Output.Create(definition.Grants.ToImmutableSortedDictionary(
            g => g.ApiKey,
            g => g.Scopes.Order(StringComparer.Ordinal).ToImmutableArray(),
            StringComparer.Ordinal));
        SecretNames = Output.Create(secretNames.ToImmutableSortedDictionary(StringComparer.Ordinal));
        SecretUris = Output.All(secretUris.Select(kv => kv.Value.Apply(uri => KeyValuePair.Create(kv.Key, uri))))
            .Apply(pairs => pairs.ToImmutableSortedDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["clientId"] = ClientId,
            ["grantedScopes"] = GrantedScopes,
            ["secretNames"] = SecretNames,
            ["secretUris"] = SecretUris,
        });
    }

    /// <summary>The Auth0 client id.</summary>
    [Output("clientId")]
    public Output<string> ClientId { get; }

    /// <summary>The client secret, always a Pulumi secret; never registered as an output.</summary>
    public Output<string> ClientSecret { get; }

    /// <summary>Per API key, the scopes granted, sorted.</summary>
    [Output("grantedScopes")]
    public Output<ImmutableSortedDictionary<string, ImmutableArray<string>>> GrantedScopes { get; }

    /// <summary>Per secret label (<c>clientId</c>, <c>clientSecret</c>, <c>tokenEndpoint</c>, <c>audience:{api}</c>), the Key Vault secret name.</summary>
    [Output("secretNames")]
    public Output<ImmutableSortedDictionary<string, string>> SecretNames { get; }

    /// <summary>Per secret label, the Key Vault secret URI (without version).</summary>
    [Output("secretUris")]
    public Output<ImmutableSortedDictionary<string, string>> SecretUris { get; }

    private ClientGrant DeclareGrant(string clientKey, ClientGrantPlan grant, Client client, M2MClientContext context)
    {
        var api = context.Apis[grant.ApiKey];
        var options = new CustomResourceOptions
        {
            Parent = this,
            Protect = context.Policy.Protect,
            ImportId = grant.ImportId,
            // Create-before-delete would adopt the live grant on create and then delete it with the old one.
            DeleteBeforeReplace = true,
        };

        // A client key change is covered by the component's alias (the grant's name starts with it); an API key
        // change is not, so each previous API key gets an alias of its own.
        foreach (var previous in api.Definition.PreviousKeys)
        {
            options.Aliases.Add(new Alias { Name = $"{clientKey}--{previous}" });
        }

        return new ClientGrant($"{clientKey}--{grant.ApiKey}", new ClientGrantArgs
        {
            ClientId = client.ClientId,
            Audience = api.Identifier,
            Scopes = grant.Scopes.Order(StringComparer.Ordinal).ToList(),
            SubjectType = "client",
        }, options);
    }

    /// <summary>Gives each reader Key Vault Secrets User on this one secret, and on nothing else.</summary>
    private void GrantRead(ConsumerSecret secret, Secret vaultSecret, IReadOnlyList<SecretReader> readers, M2MClientContext context)
    {
        if (readers.Count == 0)
        {
            return;
        }

        var azure = context.Azure ?? throw new InvalidOperationException("Readers need the Azure client config.");
        var scope = azure.Apply(c => context.Vault.SecretScope(c.SubscriptionId, secret.Name));
        foreach (var reader in readers)
        {
            var principal = reader.ObjectId.ToLowerInvariant();
            _ = new RoleAssignment($"{secret.Name}--{principal}", new RoleAssignmentArgs
            {
                Scope = scope,
                PrincipalId = principal,
                PrincipalType = reader.PrincipalType,
                RoleDefinitionId = azure.Apply(c => KeyVaultRoles.DefinitionId(c.SubscriptionId, KeyVaultRoles.SecretsUser)),
                RoleAssignmentName = scope.Apply(s => KeyVaultRoles.AssignmentName(s, principal, KeyVaultRoles.SecretsUser)),
            }, new CustomResourceOptions { Parent = this, DependsOn = { vaultSecret } });
        }
    }

    internal static string EmptySecretMessage(string key, string configPath) =>
        $"Auth0 returned an empty client secret for client '{key}' ({configPath}). The Auth0 management client that Pulumi "
        + "deploys with lacks the read:client_keys or read:client_credentials scope: grant it one of them (Auth0 dashboard > "
        + "Applications > APIs > Auth0 Management API > Machine to Machine Applications) and run `pulumi up` again. "
        + "No client secret was written to Key Vault.";
}
