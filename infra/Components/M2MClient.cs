using System.Collections.Immutable;
using System.Globalization;
using Infra.Config;
using Pulumi;
using Pulumi.Auth0;
using Pulumi.Auth0.Inputs;
using Pulumi.AzureNative.Authorization;
using Pulumi.AzureNative.KeyVault;
using Pulumi.AzureNative.KeyVault.Inputs;
using Pulumi.Random;
using Pulumi.Tls;

namespace Infra.Components;

/// <summary>Where a client lives and what it may reference: shared by every client of a stack.</summary>
/// <param name="Tenant">The Auth0 tenant.</param>
/// <param name="Vault">The vault its credentials go into.</param>
/// <param name="Policy">Stack-wide safety settings.</param>
/// <param name="Environment">The environment (the catalogue stack's name), recorded on the client.</param>
/// <param name="ManagedBy">Who manages the client (this project), recorded on the client and its secrets.</param>
/// <param name="Apis">The catalogue's APIs by key, as grants reference them.</param>
/// <param name="Azure">The identity the Azure provider runs as; required when a client has readers.</param>
/// <param name="VaultWriteAccess">When the stack creates the vault, what secrets must wait for before they are written.</param>
/// <param name="VaultName">The vault's name as secrets reference it: for an existing vault, known only once it passed its checks.</param>
public sealed record M2MClientContext(
    Auth0Tenant Tenant,
    KeyVaultTarget Vault,
    StackPolicy Policy,
    string Environment,
    string ManagedBy,
    IReadOnlyDictionary<string, CatalogueApi> Apis,
    Output<GetClientConfigResult>? Azure = null,
    Resource? VaultWriteAccess = null,
    Input<string>? VaultName = null)
{
    /// <summary>In a team stack, its own name, recorded on the client beside the environment; null in the catalogue stack.</summary>
    public string? TeamStack { get; init; }
}

/// <summary>
/// An API of the catalogue as a grant sees it: its definition, and the identifier a grant's audience takes. In the
/// stack that declares the API the identifier comes from its scopes resource, so a grant waits for them; a team stack
/// takes it from the catalogue as text, since the catalogue stack deploys first.
/// </summary>
/// <param name="Definition">The API from config.</param>
/// <param name="Identifier">Its identifier, the audience of its tokens.</param>
public sealed record CatalogueApi(ApiDefinition Definition, Output<string> Identifier);

/// <summary>
/// One consumer's programmatic access: an Auth0 machine-to-machine application, its secret, one grant per API,
/// and the one Key Vault secret the consumer reads to request tokens.
/// </summary>
public sealed class M2MClient : ComponentResource
{
    /// <summary>The component's Pulumi type token.</summary>
    public const string TypeToken = "infra:auth0:M2MClient";

    /// <summary>Length of a generated client secret, from letters, digits, '-' and '_' (Auth0 requires at least 48).</summary>
    public const int SecretLength = 64;

    /// <summary>Declares the client under the stable key <see cref="M2MClientDefinition.Key"/>.</summary>
    /// <param name="definition">The client from config.</param>
    /// <param name="context">The stack-wide settings.</param>
    /// <param name="configPath">Where the client is in config, for error messages.</param>
    /// <param name="options">Component options.</param>
    public M2MClient(M2MClientDefinition definition, M2MClientContext context, string configPath, ComponentResourceOptions? options = null)
        : base(TypeToken, (definition ?? throw new ArgumentNullException(nameof(definition))).Key, PreviousKeyAliases.Add(options, definition.PreviousKeys))
    {
        ArgumentNullException.ThrowIfNull(context);
        Definition = definition;
        var key = definition.Key;
        // A disabled client is no longer protected: it has no consumer left, and removing it is the next step. The
        // engine refuses to delete a protected resource (pulumi/pulumi v3.259.0 pkg/resource/deploy/step.go:644-649),
        // and it checks the protection recorded in the state, so the flag must come off in a deploy before the removal.
        var protect = context.Policy.Protect && !definition.Disabled;

        var metadata = new InputMap<string>
        {
            // The stable key, so that what reads the tenant without the Pulumi state (the audit) knows the client by
            // what config calls it, whatever its display name. Metadata changes update the client in place: only
            // jwt_configuration.secret_encoded forces a new one (terraform-provider-auth0 v1.53.0
            // internal/auth0/client/resource.go:294-300, in ReplacementRules).
            ["key"] = key,
            ["owner"] = definition.Owner,
            ["environment"] = context.Environment,
            ["managed_by"] = context.ManagedBy,
        };
        if (context.TeamStack is { } teamStack)
        {
            // Which stack of the environment holds it, for whoever finds it in the tenant. Only team stacks set it, so
            // that a stack that is not split changes nothing on its clients.
            metadata["stack"] = teamStack;
        }

        if (definition.Expires is { } expires)
        {
            metadata["expires_at"] = expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        if (definition.Disabled)
        {
            metadata["disabled"] = "true";
        }

        var clientArgs = new ClientArgs
        {
            Name = definition.Name,
            Description = definition.Description,
            AppType = "non_interactive",
            GrantTypes = { "client_credentials" },
            IsFirstParty = true,
            OidcConformant = true,
            ClientMetadata = metadata,
        };
        if (definition.Authentication == ClientAuthentication.PrivateKeyJwt)
        {
            // Auth0 attaches private_key_jwt credentials only to a client whose jwt_configuration.alg is RS256 (go-auth0
            // v2.14.0 management/clients/client/client.go:155, :288), and a client created through the API has none.
            // alg updates in place (terraform-provider-auth0 v1.53.0 internal/auth0/client/resource.go:307-317), and
            // the credentials, which take this client's id, are changed after it.
            clientArgs.JwtConfiguration = new ClientJwtConfigurationArgs { Alg = "RS256" };
        }

        var client = new Client(key, clientArgs, new CustomResourceOptions { Parent = this, Protect = protect, ImportId = definition.ImportId });

        // The secrets are generated by resources, not by this program: unpredictable, stored (encrypted) in the state,
        // and the same on every run until the rotation counter or the disabled flag changes (SecretSlots). Every input of
        // random_password forces a replacement (terraform-provider-random v3.9.0 internal/provider/resource_password.go:557-750),
        // and rotating is exactly that replacement, so they are never protected: the engine refuses to replace a
        // protected resource (pulumi/pulumi v3.259.0 pkg/resource/deploy/step_generator.go:1951-1972). Nothing of theirs
        // lives outside the state; the client and its credentials, which do, stay protected.
        var keys = definition.Authentication == ClientAuthentication.PrivateKeyJwt;
        var slotsInUse = !keys
            ? SecretSlots.InUse(definition.Rotation, definition.Disabled, adopted: definition.ImportId is not null)
            // A key client has no secret of its own, except in the deploy that moves it to keys: the secret it had is
            // the fallback then. Its slot keeps the keeper it had as the active one, so it is not drawn anew.
            : definition.MovesToKeys && !(definition.ImportId is not null && definition.Rotation == 1) ? [SecretSlots.Other(definition.Rotation)] : [];
        var slots = slotsInUse
            .ToDictionary(slot => slot, slot => Output.CreateSecret(new RandomPassword($"{key}--slot{slot}", new RandomPasswordArgs
            {
                Length = SecretLength,
                Upper = true,
                Lower = true,
                Numeric = true,
                Special = true,
                OverrideSpecial = "-_",
                Keepers = { ["holds"] = SecretSlots.Keeper(slot, definition.Rotation, definition.Disabled) },
            }, new CustomResourceOptions { Parent = this }).Result));

        // An adopted client keeps the secret its consumer already has until its first rotation: the credentials are
        // imported without a secret of ours, and the live one is read into Key Vault. Since pulumi/pulumi#19339 (CLI
        // 3.174.0) an import whose inputs differ from the program is followed by an update, which with a generated
        // secret would cut the consumer off at once.
        var keepsLiveSecret = !keys && definition.ImportId is not null && definition.Rotation == 0 && !definition.Disabled;

        var grants = definition.Grants.Select(grant => DeclareGrant(key, grant, client, context, protect)).ToList<Resource>();
        var secretName = ConsumerSecretLayout.SecretName(context.Vault, definition);
        ClientCredentials credentials;
        Output<string?> primary;
        Output<string?> fallback;
        Secret document;
        if (keys)
        {
            primary = Output.Create((string?)null);
            // An adopted client's store stays declared through the move at its first rotation, which needs it.
            var store = definition.ImportId is not null && definition.Rotation <= 1 ? AdoptedSecret(key, NotCaptured) : null;
            fallback = !definition.MovesToKeys
                ? Output.Create((string?)null)
                : store is not null
                    ? CapturedSecret(key, configPath, store)
                    : slots[SecretSlots.Other(definition.Rotation)].Apply(s => (string?)s);
            (credentials, document) = DeclareKeys(secretName, client, fallback, definition, context, grants, protect);
        }
        else if (keepsLiveSecret)
        {
            credentials = new ClientCredentials(key, new ClientCredentialsArgs
            {
                ClientId = client.ClientId,
                AuthenticationMethod = "client_secret_post",
            }, new CustomResourceOptions { Parent = this, Protect = protect, ImportId = definition.ImportId });

            // Secret before anything else sees it: the engine marks the provider's output secret only once the provider
            // says so, and a program must not rely on that. Reading it back needs read:client_keys.
            primary = Output.CreateSecret(credentials.ClientSecret).Apply(secret => string.IsNullOrEmpty(secret)
                ? throw new ResourceException(EmptySecretMessage(key, configPath), credentials, hideStack: true)
                : (string?)secret);
            fallback = Output.Create((string?)null);
            _ = AdoptedSecret(key, primary.Apply(s => s!));
            document = DeclareDocument(secretName, SecretDocument(client.ClientId, primary, fallback, definition, context), definition, context, [.. grants, credentials]);
        }
        else
        {
            // Rotation without downtime, in one write: the document gets the new secret and keeps the previous one as the
            // fallback before Auth0 switches (the credentials depend on it). Before the switch the fallback is the one
            // Auth0 accepts, after it the primary; a run that stops between the two leaves both readable in one read.
            // A disabled client's Auth0 secret is a fresh value no document ever holds, and its document holds none.
            primary = definition.Disabled ? Output.Create((string?)null) : slots[SecretSlots.Active(definition.Rotation)].Apply(s => (string?)s);
            // An adopted client's store stays declared through its first rotation (the one that needs it) and while
            // disabled there; its input no longer matters once it exists (ignoreChanges).
            var store = definition.ImportId is not null && definition.Rotation <= 1 ? AdoptedSecret(key, NotCaptured) : null;
            fallback = definition.Disabled || definition.Rotation == 0
                ? Output.Create((string?)null)
                : store is not null
                    ? CapturedSecret(key, configPath, store)
                    : slots[SecretSlots.Other(definition.Rotation)].Apply(s => (string?)s);
            document = DeclareDocument(secretName, SecretDocument(client.ClientId, primary, fallback, definition, context), definition, context, grants);
            credentials = new ClientCredentials(key, new ClientCredentialsArgs
            {
                ClientId = client.ClientId,
                AuthenticationMethod = "client_secret_post",
                ClientSecret = definition.Disabled ? slots[SecretSlots.Other(definition.Rotation)] : slots[SecretSlots.Active(definition.Rotation)],
            }, new CustomResourceOptions { Parent = this, Protect = protect, DependsOn = { document } });
        }

        // A disabled client's consumer loses read access in Azure too, not only its tokens in Auth0.
        if (!definition.Disabled)
        {
            GrantRead(secretName, document, definition.Readers, context);
        }

        ClientId = client.ClientId;
        ClientSecret = Output.CreateSecret(primary.Apply(s => s ?? ""));
        GrantedScopes = Output.Create(definition.Grants.ToImmutableSortedDictionary(
            g => g.ApiKey,
            g => g.Scopes.Order(StringComparer.Ordinal).ToImmutableArray(),
            StringComparer.Ordinal));
        SecretName = Output.Create(secretName);
        SecretUri = document.Properties.Apply(p => p.SecretUri);

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["clientId"] = ClientId,
            ["grantedScopes"] = GrantedScopes,
            ["secretName"] = SecretName,
            ["secretUri"] = SecretUri,
        });
    }

    /// <summary>The client as configured.</summary>
    public M2MClientDefinition Definition { get; }

    /// <summary>The Auth0 client id.</summary>
    [Output("clientId")]
    public Output<string> ClientId { get; }

    /// <summary>The client secret in force (empty while disabled), always a Pulumi secret; never registered as an output.</summary>
    public Output<string> ClientSecret { get; }

    /// <summary>Per API key, the scopes granted, sorted.</summary>
    [Output("grantedScopes")]
    public Output<ImmutableSortedDictionary<string, ImmutableArray<string>>> GrantedScopes { get; }

    /// <summary>The name of the client's one Key Vault secret.</summary>
    [Output("secretName")]
    public Output<string> SecretName { get; }

    /// <summary>The Key Vault URI of that secret (without version).</summary>
    [Output("secretUri")]
    public Output<string> SecretUri { get; }

    /// <summary>What an adopted client's store holds when it was not created while the client kept its live secret.</summary>
    internal const string NotCaptured = "not-captured";

    /// <summary>The logical name of an adopted client's store of the secret it came with.</summary>
    public static string AdoptedSecretName(string key) => $"{key}--adopted-secret";

    /// <summary>
    /// The secret an adopted client came with, kept in the Pulumi state: at its first rotation it is the fallback while
    /// Auth0 switches, and it is no longer readable from Auth0 once the rotation has deployed. Captured from the imported
    /// credentials while the client is at rotation 0; ignoreChanges keeps that value whatever later runs pass (the
    /// engine takes an ignored input from the old state: pulumi/pulumi v3.259.0 pkg/resource/deploy/step_generator.go
    /// processIgnoreChanges), so no run reads Auth0 for it again and the document stays the same after the rotation.
    /// A random password is the cell: its keepers are stored as given and come back as outputs, and every input of it
    /// lives only in the (encrypted) state.
    /// </summary>
    private RandomPassword AdoptedSecret(string key, Input<string> secret) => new(AdoptedSecretName(key), new RandomPasswordArgs
    {
        Length = 16,
        Special = false,
        Keepers = { ["secret"] = Output.CreateSecret(secret.ToOutput()) },
    }, new CustomResourceOptions
    {
        Parent = this,
        IgnoreChanges = { "keepers" },
        AdditionalSecretOutputs = { "keepers" },
    });

    /// <summary>
    /// The captured secret, for the first rotation's fallback. A store created only now holds nothing Auth0 accepts:
    /// the run stops before the document or the credentials change, naming the way out.
    /// </summary>
    private static Output<string?> CapturedSecret(string key, string configPath, RandomPassword store)
        => Output.CreateSecret(store.Keepers).Apply(keepers => keepers is not null && keepers.TryGetValue("secret", out var secret) && secret != NotCaptured && !string.IsNullOrEmpty(secret)
            ? (string?)secret
            : throw new ResourceException(NotCapturedMessage(key, configPath), store, hideStack: true));

    internal static string NotCapturedMessage(string key, string configPath) =>
        $"Client '{key}' ({configPath}) is adopted (import) at rotation 1, but the secret it came with was never captured: "
        + "it must be deployed at rotation 0 first, which records that secret as the fallback for its first rotation. If this "
        + "rotation has already deployed (under an earlier version of this program), remove `import` from the client: that is "
        + "safe now. Otherwise set `rotation: 0`, deploy, then raise it to 1. Nothing was written to Key Vault or Auth0 for it.";

    /// <summary>The document of a secret client: its id, its secrets, where to use them.</summary>
    private static Output<string> SecretDocument(Output<string> clientId, Output<string?> primary, Output<string?> fallback, M2MClientDefinition definition, M2MClientContext context)
    {
        var audiences = Audiences(definition, context);
        return Output.Tuple(clientId, primary, fallback).Apply(t => new ConsumerCredentials(
            t.Item1, t.Item2, t.Item3, context.Tenant.TokenEndpoint, audiences, ExpiryDay(definition), definition.Disabled).ToJson());
    }

    private static Dictionary<string, string> Audiences(M2MClientDefinition definition, M2MClientContext context)
        => definition.Grants.ToDictionary(g => g.ApiKey, g => context.Apis[g.ApiKey].Definition.Identifier, StringComparer.Ordinal);

    private static string? ExpiryDay(M2MClientDefinition definition) => definition.Expires?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The one secret a consumer reads: its credentials document, a Pulumi secret as a whole.</summary>
    private Secret DeclareDocument(string name, Output<string> value, M2MClientDefinition definition, M2MClientContext context, List<Resource> dependsOn)
    {
        var attributes = new SecretAttributesArgs
        {
            // A disabled secret cannot be read at all (Key Vault answers 403), whatever role a principal holds.
            Enabled = !definition.Disabled,
        };
        if (definition.Expires is { } date)
        {
            // Key Vault's expiry is informational (the Action enforces it), but shows in the portal and in alerts. The
            // SDK takes an int of Unix seconds: the validator rejects dates past AccessConfigValidator.LatestKeyVaultExpiry,
            // and `checked` makes sure a date that got past it fails rather than wrapping round to 1901.
            attributes.Expires = checked((int)new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds());
        }

        return new Secret(name, new SecretArgs
        {
            ResourceGroupName = context.Vault.ResourceGroup,
            VaultName = context.VaultName ?? context.Vault.Name,
            SecretName = name,
            Properties = new SecretPropertiesArgs
            {
                Value = Output.CreateSecret(value),
                ContentType = ConsumerCredentials.ContentType,
                Attributes = attributes,
            },
            // Tags are readable by anyone who can list the vault: names and owners only, never values.
            Tags =
            {
                ["auth0-client"] = definition.Key,
                ["owner"] = definition.Owner,
                ["environment"] = context.Environment,
                ["managed-by"] = context.ManagedBy,
            },
        }, new CustomResourceOptions
        {
            Parent = this,
            // Not protected: the secret follows its client's key, so renaming a key (previousKeys) deletes the old
            // secret, and the engine would refuse that. Its value lives in the protected credentials and the state.
            // Removing a client is still refused while the client itself is protected.
            // A vault whose data plane is closed to public networks cannot delete a secret from a hosted pipeline
            // (azure-native deletes through the data plane: customresources/custom_keyvault.go), so there a removed
            // secret is left in place; its readers' role assignments go, and its client with them.
            RetainOnDelete = context.Vault.PrivateDataPlane,
            // The grants (and a created vault's write access) exist before the document does. The credentials wait for
            // the document, so on a first create the document holds a secret a moment before Auth0 accepts it.
            DependsOn = context.VaultWriteAccess is null ? dependsOn : [.. dependsOn, context.VaultWriteAccess],
        });
    }

    /// <summary>
    /// A key client's key pairs, the public keys Auth0 holds, and its document. Auth0 registers a rotation's new key
    /// before the document hands it out (the document waits for the credentials), and the key it drops is two rotations
    /// old, which no document has held since the last deploy: whatever order the provider applies the change in, the
    /// key in the document is one Auth0 accepts (RotationProofTests). Only the move from a secret goes the other way:
    /// the document first, holding the new key and the secret Auth0 still takes, and Auth0's switch after it.
    /// </summary>
    private (ClientCredentials Credentials, Secret Document) DeclareKeys(string secretName, Client client, Output<string?> fallback, M2MClientDefinition definition, M2MClientContext context, List<Resource> grants, bool protect)
    {
        var key = definition.Key;
        // Pulumi.Tls 5.5.1 bridges hashicorp/terraform-provider-tls, whose every private_key input requires replacement
        // and whose update and read do nothing (internal/provider/resource_private_key.go:57-85, :265-272): a key is
        // fixed for life, so each rotation's key is a resource of its own, named after the rotation. Its private key is a
        // secret output (sdk/dotnet/PrivateKey.cs:157-162 AdditionalSecretOutputs) and is made one here as well. Never
        // protected: a rotation deletes the key two back, which lives only in the state.
        PrivateKey Pair(string name) => new(name, new PrivateKeyArgs { Algorithm = "RSA", RsaBits = ClientKeys.RsaBits }, new CustomResourceOptions { Parent = this });
        var pairs = ClientKeys.Rotations(definition).ToDictionary(r => r, r => Pair(ClientKeys.KeyName(key, r)));
        // A disabled client's Auth0 key is one no document holds: the old ones stop working at once. Auth0 wants at
        // least one credential on the method (the provider's set is Required, resource_credentials_schema.go:119-125).
        var registered = ClientKeys.Credentials(definition)
            .Select(c => (c.Name, Pair: c.Rotation is { } r ? pairs[r] : Pair(ClientKeys.DisabledKeyName(key)), c.ExpiresAt))
            .ToList();

        // terraform-provider-auth0 v1.53.0 (bridged by Pulumi.Auth0 3.49.0) keeps the credentials as a set of at most
        // two, none ForceNew (resource_credentials_schema.go:107-190): a changed set updates the resource in place. It
        // pairs an added with a removed entry of the same PEM and algorithm as an expiry change (PATCH expires_at,
        // resource_credentials.go:316-384, :437-452); the rest it applies one credential at a time, adding first below two
        // credentials and removing first at two (planCredentialRotation, :254-314). The PEM is never read back (it comes
        // from the state, flatten.go:1004-1017), and expires_at comes back in ClientKeys.ExpiresAt's form.
        var credentialArgs = new InputList<ClientCredentialsPrivateKeyJwtCredentialArgs>();
        foreach (var (name, pair, expires) in registered)
        {
            credentialArgs.Add(new ClientCredentialsPrivateKeyJwtCredentialArgs
            {
                CredentialType = ClientKeys.CredentialType,
                Name = name,
                Pem = pair.PublicKeyPem,
                Algorithm = ClientKeys.Algorithm,
                ExpiresAt = expires!,
            });
        }

        var current = pairs[definition.Rotation];
        var audiences = Audiences(definition, context);
        var value = Output.Tuple(client.ClientId, current.PublicKeyPem, Output.CreateSecret(current.PrivateKeyPemPkcs8), fallback).Apply(t => new ConsumerKeyCredentials(
            t.Item1,
            definition.Disabled ? null : ClientKeys.KeyId(t.Item2),
            ClientKeys.Algorithm,
            definition.Disabled ? null : t.Item3,
            context.Tenant.AssertionAudience,
            context.Tenant.TokenEndpoint,
            audiences,
            ExpiryDay(definition),
            definition.Disabled,
            t.Item4).ToJson());

        var options = new CustomResourceOptions { Parent = this, Protect = protect };
        var args = new ClientCredentialsArgs
        {
            ClientId = client.ClientId,
            AuthenticationMethod = "private_key_jwt",
            PrivateKeyJwt = new ClientCredentialsPrivateKeyJwtArgs { Credentials = credentialArgs },
        };
        if (definition.MovesToKeys)
        {
            var moving = DeclareDocument(secretName, value, definition, context, grants);
            options.DependsOn = moving;
            return (new ClientCredentials(key, args, options), moving);
        }

        var credentials = new ClientCredentials(key, args, options);
        return (credentials, DeclareDocument(secretName, value, definition, context, [.. grants, credentials]));
    }

    private ClientGrant DeclareGrant(string clientKey, ClientGrantPlan grant, Client client, M2MClientContext context, bool protect)
    {
        var api = context.Apis[grant.ApiKey];
        var options = new CustomResourceOptions
        {
            Parent = this,
            Protect = protect,
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
            // subject_type is left to Auth0, which makes a grant a client grant unless told otherwise ("Defaults to
            // `client` when not defined"). It is Optional, Computed and ForceNew (terraform-provider-auth0 v1.53.0
            // internal/auth0/client/resource_grant.go:72-80), a legacy grant has none, and the read stores what the API
            // returns, "" for those (flatten.go:792; only create's adoption normalises it, resource_grant.go:136-164):
            // setting "client" would replace every adopted legacy grant, which a protected stack refuses. Unset, create
            // sends none (expand.go:1063) and the state keeps what the tenant has, adopted or created here.
        }, options);
    }

    /// <summary>Gives each reader Key Vault Secrets User on this one secret, and on nothing else.</summary>
    private void GrantRead(string secretName, Secret vaultSecret, IReadOnlyList<SecretReader> readers, M2MClientContext context)
    {
        if (readers.Count == 0)
        {
            return;
        }

        var azure = context.Azure ?? throw new InvalidOperationException("Readers need the Azure client config.");
        var scope = azure.Apply(c => context.Vault.SecretScope(c.SubscriptionId, secretName));
        var role = azure.Apply(c => KeyVaultRoles.DefinitionId(c.SubscriptionId, KeyVaultRoles.SecretsUser));
        foreach (var reader in readers)
        {
            var principal = reader.ObjectId.ToLowerInvariant();
            _ = new RoleAssignment($"{secretName}--{principal}", new RoleAssignmentArgs
            {
                Scope = scope,
                PrincipalId = principal,
                PrincipalType = reader.PrincipalType,
                RoleDefinitionId = role,
                RoleAssignmentName = scope.Apply(s => KeyVaultRoles.AssignmentName(s, principal, KeyVaultRoles.SecretsUser)),
            }, new CustomResourceOptions
            {
                Parent = this,
                DependsOn = { vaultSecret },
                // The name is fixed by scope, principal and role; Azure rejects a second assignment of that name.
                DeleteBeforeReplace = true,
            });
        }
    }

    internal static string EmptySecretMessage(string key, string configPath) =>
        $"Auth0 returned an empty client secret for client '{key}' ({configPath}). The Auth0 management client that Pulumi "
        + "deploys with lacks the read:client_keys or read:client_credentials scope: grant it one of them (Auth0 dashboard > "
        + "Applications > APIs > Auth0 Management API > Machine to Machine Applications) and run `pulumi up` again. "
        + "No client secret was written to Key Vault.";
}
