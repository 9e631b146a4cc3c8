using System.Collections.Immutable;
using Infra.Config;
using Pulumi;
using Pulumi.Auth0;
using Pulumi.AzureNative.KeyVault;
using Pulumi.AzureNative.KeyVault.Inputs;

namespace Infra.Components;

/// <summary>Where a client lives and what it may reference: shared by every client of a stack.</summary>
/// <param name="Tenant">The Auth0 tenant.</param>
/// <param name="Vault">The vault its credentials go into.</param>
/// <param name="Environment">The stack name, recorded on the client.</param>
/// <param name="ManagedBy">Who manages the client (this project), recorded on the client and its secrets.</param>
/// <param name="Apis">The stack's APIs by key.</param>
public sealed record M2MClientContext(
    Auth0Tenant Tenant,
    KeyVaultTarget Vault,
    string Environment,
    string ManagedBy,
    IReadOnlyDictionary<string, ApiResourceServer> Apis);

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
        : base(TypeToken, (definition ?? throw new ArgumentNullException(nameof(definition))).Key, options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = definition.Key;
        var children = new CustomResourceOptions { Parent = this };

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
        }, children);

        var credentials = new ClientCredentials(key, new ClientCredentialsArgs
        {
            ClientId = client.ClientId,
            AuthenticationMethod = "client_secret_post",
        }, children);

        // Secret before anything else sees it: the engine marks the provider's output secret, but only once the
        // provider says so, and a program must not rely on that.
        var clientSecret = Output.CreateSecret(credentials.ClientSecret).Apply(secret => string.IsNullOrEmpty(secret)
            ? throw new ResourceException(EmptySecretMessage(key, configPath), credentials, hideStack: true)
            : secret);

        var grants = definition.Grants
            .Select(grant => new ClientGrant($"{key}--{grant.ApiKey}", new ClientGrantArgs
            {
                ClientId = client.ClientId,
                Audience = context.Apis[grant.ApiKey].Identifier,
                Scopes = grant.Scopes.Order(StringComparer.Ordinal).ToList(),
                SubjectType = "client",
            }, new CustomResourceOptions
            {
                Parent = this,
                // Create-before-delete would adopt the live grant on create and then delete it with the old one.
                DeleteBeforeReplace = true,
            }))
            .ToList<Resource>();

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
                // A consumer that finds its credentials can use them: the grants exist before the secrets do.
                DependsOn = grants,
            });
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

    internal static string EmptySecretMessage(string key, string configPath) =>
        $"Auth0 returned an empty client secret for client '{key}' ({configPath}). The Auth0 management client that Pulumi "
        + "deploys with lacks the read:client_keys or read:client_credentials scope: grant it one of them (Auth0 dashboard > "
        + "Applications > APIs > Auth0 Management API > Machine to Machine Applications) and run `pulumi up` again. "
        + "No client secret was written to Key Vault.";
}
