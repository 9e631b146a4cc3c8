using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Pulumi.Testing;

namespace Infra.Bench.Checkpoint;

/// <summary>
/// A mock engine whose providers answer with the outputs the real providers store: the property set of each
/// resource's schema, filled with the values and lengths of recorded Management API and ARM responses. The program
/// sees these values (so an input computed from an output, such as a grant's <c>clientId</c>, has the real length),
/// and <see cref="Outputs"/> keeps them, with their secrets marked, for the checkpoint.
/// </summary>
/// <remarks>
/// A bridged Terraform provider stores the Terraform schema's state, not the HTTP body: every attribute of the
/// schema, unset ones as the SDK's zero value (<c>""</c>, <c>false</c>, <c>0</c>, <c>[]</c>) and absent nested
/// blocks (flattened to <c>nil</c> by the provider, e.g. terraform-provider-auth0 v1.53.0
/// internal/auth0/client/flatten.go:19-22, 102-105, 146-149, 177-180, 729-732, 762-765) as <c>null</c>. The property
/// names are the Pulumi names of pulumi-auth0 v3.49.0 provider/cmd/pulumi-resource-auth0/schema.json (Client: 55
/// properties, ClientCredentials 9, ClientGrant 10, ResourceServer 21, ResourceServerScopes 2, Action 11,
/// TriggerAction 3), plus <c>id</c>.
/// </remarks>
internal sealed class ProviderStateMocks : IMocks
{
    /// <summary>The subscription every Azure id embeds: a GUID, 36 characters, as ARM returns it.</summary>
    public const string SubscriptionId = "3f2b6c1e-8d4a-4b7e-9c15-2a6d8e0f4b31";

    private const string TenantId = "9a1c3e5f-7b2d-4f6a-8c0e-1d3b5f7a9c2e";
    private const string DeployerObjectId = "5e7a9c1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b";

    // Unix seconds and ISO times as ARM returns them (Key Vault attributes are integers; RoleAssignment's
    // createdOn/updatedOn are ISO 8601 with 7 fractional digits).
    private const long UnixNow = 1795856130;
    private const string ArmTime = "2026-11-28T10:15:30.1234567Z";

    private readonly ConcurrentDictionary<(string Type, string Name), (string Id, JsonObject Outputs)> _outputs = new();

    /// <summary>Per (type, name): the id and the outputs as the checkpoint stores them, secrets marked.</summary>
    public IReadOnlyDictionary<(string Type, string Name), (string Id, JsonObject Outputs)> Outputs => _outputs;

    public Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var type = args.Type!;
        var name = args.Name!;
        if (type.StartsWith("infra:", StringComparison.Ordinal))
        {
            // A component: no provider, its outputs are what it registers.
            return Task.FromResult<(string?, object)>((null, args.Inputs));
        }

        var inputs = PulumiJson.FromPlain(args.Inputs);
        var (id, outputs) = type switch
        {
            "auth0:index/client:Client" => Client(name, inputs),
            "auth0:index/clientCredentials:ClientCredentials" => ClientCredentials(name, inputs),
            "auth0:index/clientGrant:ClientGrant" => ClientGrant(name, inputs),
            "auth0:index/resourceServer:ResourceServer" => ResourceServer(name, inputs),
            "auth0:index/resourceServerScopes:ResourceServerScopes" => ResourceServerScopes(inputs),
            "auth0:index/action:Action" => Action(name, inputs),
            "auth0:index/triggerAction:TriggerAction" => TriggerAction(inputs),
            "random:index/randomPassword:RandomPassword" => RandomPassword(name, inputs),
            "azure-native:keyvault:Secret" => KeyVaultSecret(name, inputs),
            "azure-native:authorization:RoleAssignment" => RoleAssignment(inputs),
            _ => throw new InvalidOperationException($"no provider state model for {type}"),
        };
        _outputs[(type, name)] = (id, outputs);
        return Task.FromResult<(string?, object)>((id, PulumiJson.ToPlain(outputs)));
    }

    public Task<object> CallAsync(MockCallArgs args) => Task.FromResult<object>(ImmutableDictionary<string, object>.Empty
        // azure-native:authorization:getClientConfig: GUIDs, 36 characters each.
        .Add("clientId", "0c2e4a6b-8d0f-4b2d-9e4a-6c8e0a2c4e6b").Add("objectId", DeployerObjectId)
        .Add("subscriptionId", SubscriptionId).Add("tenantId", TenantId)
        .Add("properties", ImmutableDictionary<string, object>.Empty.Add("enableRbacAuthorization", true)));

    /// <summary>A stable pseudo-random string of the given alphabet and length, per resource.</summary>
    internal static string Token(string seed, int length, string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        var random = new Random(BitConverter.ToInt32(bytes, 0));
        return string.Create(length, (random, alphabet), static (span, s) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = s.alphabet[s.random.Next(s.alphabet.Length)];
            }
        });
    }

    private static string Guid(string seed) => new(new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(seed)).AsSpan(0, 16)).ToString());

    private static (string, JsonObject) Client(string name, JsonObject inputs)
    {
        // Client ids are 32 letters and digits (recorded: "hwfO6jMNCVy4N1LghfAu64DlVmNmiRcH",
        // terraform-provider-auth0 v1.53.0 test/data/recordings/TestAccClientGrant.yaml, interaction 5).
        var clientId = Token("client/" + name, 32);
        var outputs = new JsonObject
        {
            ["addons"] = null,
            ["allowedClients"] = new JsonArray(),
            ["allowedLogoutUrls"] = new JsonArray(),
            ["allowedOrigins"] = new JsonArray(),
            ["appType"] = inputs["appType"]?.DeepClone(),
            ["asyncApprovalNotificationChannels"] = new JsonArray(),
            ["callbacks"] = new JsonArray(),
            ["clientAliases"] = new JsonArray(),
            ["clientId"] = clientId,
            ["clientMetadata"] = inputs["clientMetadata"]?.DeepClone() ?? new JsonObject(),
            ["complianceLevel"] = "",
            ["crossOriginAuth"] = false,
            ["crossOriginLoc"] = "",
            ["customLoginPage"] = "",
            // Recorded: "custom_login_page_on":true (TestAccClientGrant.yaml, interaction 5).
            ["customLoginPageOn"] = true,
            // flattenDefaultOrganization returns {disable: true} for a client without one (flatten.go:640-651).
            ["defaultOrganization"] = new JsonObject { ["disable"] = true, ["flows"] = new JsonArray(), ["organizationId"] = "" },
            ["description"] = inputs["description"]?.DeepClone() ?? "",
            ["encryptionKey"] = new JsonObject(),
            ["expressConfiguration"] = null,
            ["externalClientId"] = "",
            ["externalMetadataCreatedBy"] = "",
            ["externalMetadataType"] = "",
            ["fedcmLogin"] = null,
            ["formTemplate"] = "",
            ["grantTypes"] = inputs["grantTypes"]?.DeepClone(),
            ["id"] = clientId,
            ["initiateLoginUri"] = "",
            ["isFirstParty"] = inputs["isFirstParty"]?.DeepClone() ?? true,
            ["isTokenEndpointIpHeaderTrusted"] = false,
            ["jwksUri"] = "",
            // Recorded: "jwt_configuration":{"secret_encoded":false,"lifetime_in_seconds":36000}; flattened with
            // scopes and alg (flatten.go:45-57).
            ["jwtConfiguration"] = new JsonObject { ["alg"] = "", ["lifetimeInSeconds"] = 36000, ["scopes"] = new JsonObject(), ["secretEncoded"] = false },
            ["logoUri"] = "",
            ["mobile"] = null,
            ["myOrganizationConfiguration"] = null,
            ["name"] = inputs["name"]?.DeepClone(),
            ["nativeSocialLogin"] = null,
            ["oidcBackchannelLogoutUrls"] = new JsonArray(),
            ["oidcConformant"] = inputs["oidcConformant"]?.DeepClone() ?? false,
            ["oidcLogout"] = null,
            ["organizationDiscoveryMethods"] = new JsonArray(),
            ["organizationRequireBehavior"] = "",
            ["organizationUsage"] = "",
            ["redirectionPolicy"] = "",
            // Recorded refresh_token of a new client (TestAccClientGrant.yaml, interaction 5), flattened by
            // flatten.go:60-75.
            ["refreshToken"] = new JsonObject
            {
                ["expirationType"] = "non-expiring",
                ["idleTokenLifetime"] = 1296000,
                ["infiniteIdleTokenLifetime"] = true,
                ["infiniteTokenLifetime"] = true,
                ["leeway"] = 0,
                ["policies"] = new JsonArray(),
                ["rotationType"] = "non-rotating",
                ["tokenLifetime"] = 2592000,
            },
            ["requireProofOfPossession"] = false,
            ["requirePushedAuthorizationRequests"] = false,
            ["resourceServerIdentifier"] = "",
            ["sessionTransfer"] = null,
            // Secret in the schema. Every client response carries the tenant's signing certificate (the recordings
            // redact it: "signing_keys":[{"cert":"[REDACTED]"}]); the Management API returns cert, pkcs7 and subject
            // (go-auth0 management/clients.go ClientSigningKey). Lengths: a 2048-bit self-signed certificate for
            // CN=bench.eu.auth0.com, 10 years, as PEM with \r\n line ends (the form of the recorded
            // TestAccDataSourceSigningKeys.yaml keys): 1,158 characters; the same as PKCS#7: 1,208 (generated with
            // openssl req -x509 -newkey rsa:2048 / openssl crl2pkcs7 on this machine, 19 and 20 lines).
            ["signingKeys"] = PulumiJson.Secret(new JsonArray(new JsonObject
            {
                ["cert"] = Pem("CERTIFICATE", 1158),
                ["pkcs7"] = Pem("PKCS7", 1208),
                ["subject"] = "/CN=bench.eu.auth0.com",
            })),
            ["skipNonVerifiableCallbackUriConfirmationPrompt"] = "",
            ["sso"] = false,
            ["ssoDisabled"] = false,
            ["thirdPartySecurityMode"] = "",
            ["tokenExchange"] = null,
            ["tokenQuota"] = null,
            ["webOrigins"] = new JsonArray(),
        };
        return (clientId, outputs);
    }

    private static string Pem(string label, int length)
    {
        var head = $"-----BEGIN {label}-----\r\n";
        var tail = $"\r\n-----END {label}-----\r\n";
        return head + Token("pem/" + label, length - head.Length - tail.Length, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") + tail;
    }

    private static (string, JsonObject) ClientCredentials(string name, JsonObject inputs)
    {
        var clientId = inputs["clientId"]!.GetValue<string>();
        // The secret is the program's generated password; the schema marks clientSecret (and the write-only
        // clientSecretWo, null in state) secret.
        var secret = inputs["clientSecret"]?.DeepClone() ?? Token("secret/" + name, 64);
        return (clientId, new JsonObject
        {
            ["authenticationMethod"] = inputs["authenticationMethod"]?.DeepClone(),
            ["clientId"] = clientId,
            ["clientSecret"] = PulumiJson.Secret(secret),
            ["clientSecretWo"] = null,
            ["clientSecretWoVersion"] = 0,
            ["id"] = clientId,
            ["privateKeyJwt"] = null,
            ["selfSignedTlsClientAuth"] = null,
            ["signedRequestObject"] = null,
            ["tlsClientAuth"] = null,
        });
    }

    private static (string, JsonObject) ClientGrant(string name, JsonObject inputs)
    {
        // Grant ids: "cgr_" and 16 letters and digits (recorded "cgr_e40jKy0Rq2IfvoyQ", TestAccClientGrant.yaml,
        // interaction 9); the response's fields as flattened by flatten.go:786 onwards.
        var id = "cgr_" + Token("grant/" + name, 16);
        return (id, new JsonObject
        {
            ["allowAllScopes"] = false,
            ["allowAnyOrganization"] = false,
            ["audience"] = inputs["audience"]?.DeepClone(),
            ["authorizationDetailsTypes"] = new JsonArray(),
            ["clientId"] = inputs["clientId"]?.DeepClone(),
            ["defaultFor"] = "",
            ["id"] = id,
            ["isSystem"] = false,
            ["organizationUsage"] = "",
            ["scopes"] = inputs["scopes"]?.DeepClone(),
            // Auth0 makes a grant without subject_type a client grant (see M2MClient.DeclareGrant).
            ["subjectType"] = "client",
        });
    }

    private static (string, JsonObject) ResourceServer(string name, JsonObject inputs)
    {
        // Ids are 24 hex digits (recorded "698345de9c8cee9ee4c06e24", TestAccClientGrant.yaml, interaction 1);
        // signing_alg RS256 and the subject_type_authorization default as recorded there.
        var id = Token("rs/" + name, 24, "0123456789abcdef");
        return (id, new JsonObject
        {
            ["allowOfflineAccess"] = inputs["allowOfflineAccess"]?.DeepClone() ?? false,
            ["allowOnlineAccess"] = false,
            ["allowOnlineAccessWithEphemeralSessions"] = false,
            ["authorizationDetails"] = new JsonArray(),
            ["authorizationPolicy"] = null,
            ["clientId"] = "",
            ["consentPolicy"] = "",
            ["enforcePolicies"] = false,
            ["id"] = id,
            ["identifier"] = inputs["identifier"]?.DeepClone(),
            ["isSystem"] = false,
            ["name"] = inputs["name"]?.DeepClone(),
            ["proofOfPossession"] = null,
            ["signingAlg"] = inputs["signingAlg"]?.DeepClone() ?? "RS256",
            ["signingSecret"] = "",
            ["skipConsentForVerifiableFirstPartyClients"] = inputs["skipConsentForVerifiableFirstPartyClients"]?.DeepClone() ?? false,
            ["subjectTypeAuthorization"] = new JsonObject
            {
                ["client"] = new JsonObject { ["policy"] = "require_client_grant" },
                ["user"] = new JsonObject { ["policy"] = "allow_all" },
            },
            ["tokenDialect"] = "",
            ["tokenEncryption"] = null,
            ["tokenLifetime"] = inputs["tokenLifetime"]?.DeepClone() ?? 86400,
            ["tokenLifetimeForWeb"] = inputs["tokenLifetimeForWeb"]?.DeepClone() ?? 7200,
            ["verificationLocation"] = "",
        });
    }

    private static (string, JsonObject) ResourceServerScopes(JsonObject inputs)
    {
        var identifier = inputs["resourceServerIdentifier"]!.GetValue<string>();
        return (identifier, new JsonObject
        {
            ["id"] = identifier,
            ["resourceServerIdentifier"] = identifier,
            ["scopes"] = inputs["scopes"]?.DeepClone(),
        });
    }

    private static (string, JsonObject) Action(string name, JsonObject inputs)
    {
        // Action and version ids are UUIDs (36 characters); the Action's secret values are sensitive.
        var id = Guid("action/" + name);
        var secrets = new JsonArray();
        foreach (var secret in inputs["secrets"]?.AsArray() ?? [])
        {
            secrets.Add(new JsonObject { ["name"] = secret!["name"]?.DeepClone(), ["value"] = PulumiJson.Secret(secret["value"]!.DeepClone()) });
        }

        return (id, new JsonObject
        {
            ["code"] = inputs["code"]?.DeepClone(),
            ["dependencies"] = new JsonArray(),
            ["deploy"] = inputs["deploy"]?.DeepClone() ?? false,
            ["id"] = id,
            ["modules"] = new JsonArray(),
            ["name"] = inputs["name"]?.DeepClone(),
            ["runtime"] = inputs["runtime"]?.DeepClone(),
            ["secrets"] = secrets,
            ["secretsWoVersion"] = 0,
            ["secretsWos"] = null,
            ["supportedTriggers"] = inputs["supportedTriggers"]?.DeepClone(),
            ["versionId"] = Guid("action-version/" + name),
        });
    }

    private static (string, JsonObject) TriggerAction(JsonObject inputs)
    {
        var trigger = inputs["trigger"]!.GetValue<string>();
        var actionId = inputs["actionId"]!.GetValue<string>();
        return ($"{trigger}::{actionId}", new JsonObject
        {
            ["actionId"] = actionId,
            ["displayName"] = inputs["displayName"]?.DeepClone(),
            ["id"] = $"{trigger}::{actionId}",
            ["trigger"] = trigger,
        });
    }

    private static (string, JsonObject) RandomPassword(string name, JsonObject inputs)
    {
        // pulumi-random v4.21.1 schema: result and bcryptHash are secret; terraform-provider-random's password id is
        // "none". A bcrypt hash is 60 characters.
        var length = inputs["length"] is { } l ? (int)PulumiJson.Number(l) : 16;
        return ("none", new JsonObject
        {
            ["bcryptHash"] = PulumiJson.Secret("$2a$10$" + Token("bcrypt/" + name, 53, "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")),
            ["id"] = "none",
            ["keepers"] = inputs["keepers"]?.DeepClone(),
            ["length"] = length,
            ["lower"] = inputs["lower"]?.DeepClone() ?? true,
            ["minLower"] = 0,
            ["minNumeric"] = 0,
            ["minSpecial"] = 0,
            ["minUpper"] = 0,
            ["number"] = true,
            ["numeric"] = inputs["numeric"]?.DeepClone() ?? true,
            ["overrideSpecial"] = inputs["overrideSpecial"]?.DeepClone() ?? "",
            ["result"] = PulumiJson.Secret(Token("password/" + name, length, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")),
            ["special"] = inputs["special"]?.DeepClone() ?? true,
            ["upper"] = inputs["upper"]?.DeepClone() ?? true,
        });
    }

    private static (string, JsonObject) KeyVaultSecret(string name, JsonObject inputs)
    {
        // azure-native keyvault.Secret (API 2024-11-01) outputs: azureApiVersion, location, name, properties
        // (attributes {created, enabled, exp, nbf, updated} in Unix seconds, contentType, secretUri,
        // secretUriWithVersion; the value is never returned), tags, type (registry docs of azure-native.keyvault.Secret;
        // ARM's Microsoft.KeyVault/vaults/secrets resource). Version ids are 32 hex digits.
        var vault = inputs["vaultName"]!.GetValue<string>();
        var group = inputs["resourceGroupName"]!.GetValue<string>();
        var secretName = inputs["secretName"]!.GetValue<string>();
        var id = $"/subscriptions/{SubscriptionId}/resourceGroups/{group}/providers/Microsoft.KeyVault/vaults/{vault}/secrets/{secretName}";
        var uri = $"https://{vault}.vault.azure.net/secrets/{secretName}";
        var given = inputs["properties"]?["attributes"]?.AsObject();
        var attributes = new JsonObject { ["created"] = UnixNow, ["enabled"] = given?["enabled"]?.DeepClone() ?? true };
        if (given?["expires"] is { } expires)
        {
            attributes["expires"] = expires.DeepClone();
        }

        attributes["updated"] = UnixNow;
        return (id, new JsonObject
        {
            ["azureApiVersion"] = "2024-11-01",
            ["id"] = id,
            ["location"] = "westeurope",
            ["name"] = secretName,
            ["properties"] = new JsonObject
            {
                ["attributes"] = attributes,
                ["contentType"] = inputs["properties"]?["contentType"]?.DeepClone(),
                ["secretUri"] = uri,
                ["secretUriWithVersion"] = uri + "/" + Token("version/" + name, 32, "0123456789abcdef"),
            },
            ["tags"] = inputs["tags"]?.DeepClone(),
            ["type"] = "Microsoft.KeyVault/vaults/secrets",
        });
    }

    private static (string, JsonObject) RoleAssignment(JsonObject inputs)
    {
        // azure-native authorization.RoleAssignment (API 2022-04-01) outputs: azureApiVersion, condition,
        // conditionVersion, createdBy, createdOn, delegatedManagedIdentityResourceId, description, name, principalId,
        // principalType, roleDefinitionId, scope, type, updatedBy, updatedOn (Role Assignments - Create, REST API
        // 2022-04-01); ARM omits the unset ones. The id is the scope's id plus the assignment's path.
        var scope = inputs["scope"]!.GetValue<string>();
        var name = inputs["roleAssignmentName"]!.GetValue<string>();
        var id = $"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}";
        return (id, new JsonObject
        {
            ["azureApiVersion"] = "2022-04-01",
            ["createdBy"] = DeployerObjectId,
            ["createdOn"] = ArmTime,
            ["id"] = id,
            ["name"] = name,
            ["principalId"] = inputs["principalId"]?.DeepClone(),
            ["principalType"] = inputs["principalType"]?.DeepClone(),
            ["roleDefinitionId"] = inputs["roleDefinitionId"]?.DeepClone(),
            ["scope"] = scope,
            ["type"] = "Microsoft.Authorization/roleAssignments",
            ["updatedBy"] = DeployerObjectId,
            ["updatedOn"] = ArmTime,
        });
    }
}
