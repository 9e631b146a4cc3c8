using System.Collections.Concurrent;
using System.Collections.Immutable;
using Infra.Components;
using Moq;
using Pulumi.Testing;

namespace Infra.Tests.Support;

/// <summary>The provider type tokens the program registers.</summary>
internal static class ResourceTypes
{
    public const string Client = "auth0:index/client:Client";
    public const string ClientCredentials = "auth0:index/clientCredentials:ClientCredentials";
    public const string ClientGrant = "auth0:index/clientGrant:ClientGrant";
    public const string ResourceServer = "auth0:index/resourceServer:ResourceServer";
    public const string ResourceServerScopes = "auth0:index/resourceServerScopes:ResourceServerScopes";
    public const string Secret = "azure-native:keyvault:Secret";
    public const string RoleAssignment = "azure-native:authorization:RoleAssignment";
    public const string ResourceGroup = "azure-native:resources:ResourceGroup";
    public const string Vault = "azure-native:keyvault:Vault";
    public const string RandomPassword = "random:index/randomPassword:RandomPassword";
    public const string PrivateKey = "tls:index/privateKey:PrivateKey";
    public const string Action = "auth0:index/action:Action";
    public const string TriggerAction = "auth0:index/triggerAction:TriggerAction";
}

/// <summary>One resource as the engine received it: its type token, logical name and plain inputs.</summary>
internal sealed record RegisteredResource(string Type, string Name, ImmutableDictionary<string, object> Inputs, string? ImportId = null)
{
    public T Input<T>(string key) => (T)Inputs[key];

    public ImmutableDictionary<string, object> Map(string key) => (ImmutableDictionary<string, object>)Inputs[key];

    public IReadOnlyList<string> Strings(string key) => ((ImmutableArray<object>)Inputs[key]).Cast<string>().ToList();

    public IReadOnlyList<ImmutableDictionary<string, object>> Maps(string key) => ((ImmutableArray<object>)Inputs[key]).Cast<ImmutableDictionary<string, object>>().ToList();
}

/// <summary>
/// Moq-backed engine mocks that answer like the Auth0 and Azure providers do: ids, computed outputs, and the
/// client secret returned as plain text (as it is before the engine applies the provider's secret marking).
/// </summary>
internal sealed class ProviderFakes
{

    private readonly List<RegisteredResource> _registered = [];
    private readonly Dictionary<string, ImmutableDictionary<string, Pulumi.Output<object?>>> _outputs = [];

    /// <summary>The identity the Azure provider runs as, as <c>getClientConfig</c> reports it.</summary>
    public const string SubscriptionId = "11111111-2222-3333-4444-555555555555";
    public const string TenantId = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    public const string DeployerObjectId = "99999999-8888-7777-6666-555555555555";

    /// <summary>Whether the provider reads every client secret back as empty, as for an identity without read:client_keys.</summary>
    public bool CredentialsReadBackEmpty { get; init; }

    /// <summary>Whether an adopted client's store holds the secret it captured (false: it was created just now, holding what it was given).</summary>
    public bool StoreCaptured { get; init; } = true;

    /// <summary>What <c>getVault</c> reports of the existing vault's permission model.</summary>
    public bool VaultUsesRbac { get; set; } = true;

    public ProviderFakes(Func<string, string> clientSecretFor)
    {
        Mock = new Mock<IMocks>(MockBehavior.Strict);
        Mock.Setup(m => m.NewResourceAsync(It.IsAny<MockResourceArgs>()))
            .Returns((MockResourceArgs args) => Task.FromResult(Respond(args, clientSecretFor)));
        Mock.Setup(m => m.CallAsync(It.Is<MockCallArgs>(a => a.Token == "azure-native:authorization:getClientConfig")))
            .ReturnsAsync(ImmutableDictionary<string, object>.Empty
                .Add("clientId", "deployer-app")
                .Add("objectId", DeployerObjectId)
                .Add("subscriptionId", SubscriptionId)
                .Add("tenantId", TenantId));
        Mock.Setup(m => m.CallAsync(It.Is<MockCallArgs>(a => a.Token == "azure-native:keyvault:getVault")))
            .ReturnsAsync(() => ImmutableDictionary<string, object>.Empty
                .Add("properties", ImmutableDictionary<string, object>.Empty.Add("enableRbacAuthorization", VaultUsesRbac)));
        Mock.Setup(m => m.RegisterResourceOutputs(It.IsAny<MockRegisterResourceOutputsRequest>()))
            .Callback((MockRegisterResourceOutputsRequest request) =>
            {
                lock (_outputs)
                {
                    _outputs[request.Urn] = request.Outputs;
                }
            })
            .Returns(Task.CompletedTask);
    }

    public Mock<IMocks> Mock { get; }

    public IReadOnlyList<RegisteredResource> Registered
    {
        get
        {
            lock (_registered)
            {
                return [.. _registered];
            }
        }
    }

    /// <summary>Every <c>RegisterOutputs</c> call (components and the stack), by URN.</summary>
    public IReadOnlyDictionary<string, ImmutableDictionary<string, Pulumi.Output<object?>>> RegisteredOutputs
    {
        get
        {
            lock (_outputs)
            {
                return new Dictionary<string, ImmutableDictionary<string, Pulumi.Output<object?>>>(_outputs);
            }
        }
    }

    public static string ClientIdOf(string clientKey) => $"cid_{clientKey}";

    private static readonly ConcurrentDictionary<string, KeyPair> KeyPairs = new(StringComparer.Ordinal);

    /// <summary>The key pair the fake TLS provider generates for the key resource <paramref name="name"/>.</summary>
    public static KeyPair KeyPairOf(string name) => KeyPairs.GetOrAdd(name, _ =>
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        return new KeyPair(rsa.ExportSubjectPublicKeyInfoPem() + "\n", rsa.ExportPkcs8PrivateKeyPem() + "\n", rsa.ExportRSAPrivateKeyPem() + "\n");
    });

    /// <summary>The secret an adopted client already has in Auth0, distinct from any the program generates.</summary>
    public static string LiveSecretOf(string generated) => $"{generated}.live";

    /// <summary>
    /// What the fake random provider generates for a client whose base secret is <paramref name="secret"/>, in
    /// <paramref name="slot"/> while its keeper <c>holds</c> is <paramref name="holds"/>.
    /// </summary>
    public static string Generated(string secret, int slot, string holds) => $"{secret}.slot{slot}.{holds}";

    /// <summary>A password's client key and slot, from its logical name <c>{key}--slot{N}</c>.</summary>
    private static (string ClientKey, int Slot) SlotOf(string name)
    {
        var at = name.LastIndexOf("--slot", StringComparison.Ordinal);
        Assert.True(at > 0, $"a random password named '{name}', not '{{client}}--slot{{N}}'");
        return (name[..at], int.Parse(name[(at + "--slot".Length)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private (string? Id, object State) Respond(MockResourceArgs args, Func<string, string> clientSecretFor)
    {
        var type = args.Type!;
        var name = args.Name!;
        lock (_registered)
        {
            _registered.Add(new RegisteredResource(type, name, args.Inputs, string.IsNullOrEmpty(args.Id) ? null : args.Id));
        }

        var state = args.Inputs.ToBuilder();
        switch (type)
        {
            case ResourceTypes.Client:
                state["clientId"] = ClientIdOf(name);
                break;
            case ResourceTypes.RandomPassword when name.EndsWith(M2MClient.AdoptedSecretName(""), StringComparison.Ordinal):
                // An adopted client's store: the state holds what it captured at rotation 0 (ignoreChanges), the live
                // secret; a store that was only now created holds what the program passed.
                if (StoreCaptured)
                {
                    var adopted = clientSecretFor(name[..^M2MClient.AdoptedSecretName("").Length]);
                    state["keepers"] = ImmutableDictionary<string, object>.Empty.Add("secret", adopted.Length == 0 ? "" : LiveSecretOf(adopted));
                }

                state["result"] = "unused";
                break;
            case ResourceTypes.RandomPassword:
                // What the random provider would generate: one value per client, slot and keeper, so a test can tell
                // from a value which slot it came from and what the slot held (another keeper draws another value).
                var keepers = (ImmutableDictionary<string, object>)args.Inputs["keepers"];
                var (clientKey, slot) = SlotOf(name);
                var secret = clientSecretFor(clientKey);
                state["result"] = secret.Length == 0 ? secret : Generated(secret, slot, (string)keepers["holds"]);
                break;
            case ResourceTypes.PrivateKey:
                // What the TLS provider generates: a real RSA key pair, one per logical name for the test process, so
                // that a test can sign with the private key the document holds and check the key id against it.
                var pair = KeyPairOf(name);
                state["publicKeyPem"] = pair.PublicPem;
                state["privateKeyPem"] = pair.PrivatePkcs1Pem;
                state["privateKeyPemPkcs8"] = pair.PrivatePem;
                break;
            case ResourceTypes.ClientCredentials when args.Inputs.ContainsKey("privateKeyJwt"):
                break;
            case ResourceTypes.ClientCredentials when CredentialsReadBackEmpty:
                state["clientSecret"] = "";
                break;
            case ResourceTypes.ClientCredentials when !args.Inputs.ContainsKey("clientSecret"):
                // Credentials imported without a secret of the program's, or read (ClientCredentials.Get, named
                // {key}--live): the provider reads back the live one.
                var live = clientSecretFor(name.EndsWith("--live", StringComparison.Ordinal) ? name[..^"--live".Length] : name);
                state["clientSecret"] = live.Length == 0 ? "" : LiveSecretOf(live);
                break;
            case ResourceTypes.ResourceGroup:
                state["name"] = args.Inputs["resourceGroupName"];
                break;
            case ResourceTypes.Secret:
                var vault = (string)args.Inputs["vaultName"];
                var secretName = (string)args.Inputs["secretName"];
                var uri = $"https://{vault}.vault.azure.net/secrets/{secretName}";
                // Azure never returns a secret's value; the response carries its URIs.
                state["properties"] = ImmutableDictionary<string, object>.Empty
                    .Add("contentType", ((ImmutableDictionary<string, object>)args.Inputs["properties"])["contentType"])
                    .Add("secretUri", uri)
                    .Add("secretUriWithVersion", uri + "/0123456789abcdef0123456789abcdef");
                break;
        }

        var id = type == ResourceTypes.Client ? ClientIdOf(name) : $"{name}_id";
        return (id, state.ToImmutable());
    }
}

/// <summary>A key pair as the TLS provider returns it: SPKI public key, PKCS#8 and PKCS#1 private keys, PEM.</summary>
internal sealed record KeyPair(string PublicPem, string PrivatePem, string PrivatePkcs1Pem);
