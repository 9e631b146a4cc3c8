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

    /// <summary>The marker as JSON writes it inside a value the program serialised (the credentials document).</summary>
    public const string EscapedSecretMarker = "\\u2063secret\\u2063";

    /// <summary>Whether an input value carries (or embeds) a secret placeholder.</summary>
    public static bool IsSecret(string value)
        => value.Contains(SecretMarker, StringComparison.Ordinal) || value.Contains(EscapedSecretMarker, StringComparison.Ordinal);

    private readonly List<PlannedInput> _registered = [];

    /// <summary>Called with the number registered so far after each registration, from the engine's threads.</summary>
    public Action<int>? OnRegistered { get; init; }
    private readonly Dictionary<string, Placeholder> _placeholders = new(StringComparer.Ordinal);

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

    /// <summary>Every placeholder handed out, by its text: which resource's output it stands for.</summary>
    public IReadOnlyDictionary<string, Placeholder> Placeholders
    {
        get
        {
            lock (_registered)
            {
                return new Dictionary<string, Placeholder>(_placeholders, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>
    /// The public key every offline key pair shows: the RSA key of RFC 7638 section 3.1, whose thumbprint the RFC gives
    /// (<c>NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs</c>). Offline, only where a key goes matters, not its value.
    /// </summary>
    public static readonly string ExampleKeyPem = ExamplePem();

    /// <summary>The RFC's published thumbprint of <see cref="ExampleKeyPem"/>.</summary>
    public const string ExampleKeyId = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

    private static string ExamplePem()
    {
        using var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportParameters(new System.Security.Cryptography.RSAParameters
        {
            Modulus = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(
                "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"),
            Exponent = [1, 0, 1],
        });
        return rsa.ExportSubjectPublicKeyInfoPem() + "\n";
    }

    public static string ClientIdOf(string client) => Placeholder.TextOf("client id", "auth0:index/client:Client", client);

    /// <summary>How the name of an adopted client's store of its live secret ends (M2MClient.AdoptedSecretName).</summary>
    public static readonly string AdoptedSecretSuffix = Infra.Components.M2MClient.AdoptedSecretName("");

    public Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var type = args.Type!;
        var name = args.Name!;
        int count;
        lock (_registered)
        {
            _registered.Add(new PlannedInput(type, name, args.Inputs, string.IsNullOrEmpty(args.Id) ? null : args.Id));
            count = _registered.Count;
        }

        OnRegistered?.Invoke(count);

        var state = args.Inputs.ToBuilder();
        string Issue(string what)
        {
            var placeholder = new Placeholder(what, type, name);
            lock (_registered)
            {
                _placeholders[placeholder.Text] = placeholder;
            }

            return placeholder.Text;
        }

        switch (type)
        {
            case "auth0:index/client:Client":
                state["clientId"] = Issue("client id");
                break;
            case "auth0:index/clientCredentials:ClientCredentials":
                // The program sets the secret; what the provider would read back is that same input.
                if (!state.ContainsKey("clientSecret") && !state.ContainsKey("privateKeyJwt"))
                {
                    state["clientSecret"] = $"{SecretMarker}{Issue("client secret")}";
                }

                break;
            case "random:index/randomPassword:RandomPassword":
                // Generated by the provider on create: known after apply, and a secret.
                state["result"] = $"{SecretMarker}{Issue("generated password")}";
                if (name.EndsWith(AdoptedSecretSuffix, StringComparison.Ordinal))
                {
                    // An adopted client's store keeps (ignoreChanges) what it captured at rotation 0, whatever a later run
                    // passes: the offline run takes the state to match the config, so the store holds that secret.
                    state["keepers"] = ImmutableDictionary<string, object>.Empty.Add("secret", $"{SecretMarker}{Issue("client secret")}");
                }

                break;
            case "tls:index/privateKey:PrivateKey":
                // Generated by the provider on create. The public key must parse (the program derives the key id from
                // it), so it is RFC 7638's example key behind a line naming the resource: PEM readers skip text before
                // the BEGIN line (RFC 7468 section 5.2), and the operations preview sees which key an input holds.
                state["publicKeyPem"] = $"{Issue("public key")}\n{ExampleKeyPem}";
                state["privateKeyPemPkcs8"] = $"{SecretMarker}{Issue("private key")}";
                break;
            case "azure-native:resources:ResourceGroup":
                state["name"] = args.Inputs["resourceGroupName"];
                break;
            case "azure-native:keyvault:Secret":
                var uri = $"https://{args.Inputs["vaultName"]}.vault.azure.net/secrets/{args.Inputs["secretName"]}";
                state["properties"] = ImmutableDictionary<string, object>.Empty.Add("secretUri", uri).Add("secretUriWithVersion", uri);
                break;
        }

        return Task.FromResult<(string?, object)>((Issue("id"), state.ToImmutable()));
    }

    public Task<object> CallAsync(MockCallArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Token switch
        {
            "azure-native:authorization:getClientConfig" => Task.FromResult<object>(ImmutableDictionary<string, object>.Empty
                .Add("clientId", "(client id of the deploying identity)")
                .Add("objectId", "(object id of the deploying identity)")
                .Add("subscriptionId", "(subscription)")
                .Add("tenantId", "(tenant)")),
            // Offline, an existing vault is taken to pass the program's check; `pulumi up` asks Azure.
            "azure-native:keyvault:getVault" => Task.FromResult<object>(ImmutableDictionary<string, object>.Empty
                .Add("properties", ImmutableDictionary<string, object>.Empty.Add("enableRbacAuthorization", true))),
            _ => throw new NotSupportedException($"The offline plan cannot answer the invoke {args.Token}."),
        };
    }
}

/// <summary>
/// A value only the provider knows, standing in for one resource's output. Its text names the resource, so the
/// operations preview can tell which inputs become unknown when that resource is created or replaced.
/// </summary>
/// <param name="What">Which output: <c>id</c>, <c>client id</c>, <c>client secret</c>, <c>generated password</c>.</param>
/// <param name="Type">The type token of the resource whose output it is.</param>
/// <param name="Name">That resource's logical name.</param>
public sealed record Placeholder(string What, string Type, string Name)
{
    /// <summary>The text the program sees, e.g. <c>(client id of checkout-service)</c> or <c>(id of Action credential-lifecycle)</c>.</summary>
    public string Text => TextOf(What, Type, Name);

    /// <summary>Ids name the type too: a client, its credentials and its password share one logical name.</summary>
    public static string TextOf(string what, string type, string name)
        => what == "id" ? $"(id of {type[(type.LastIndexOf(':') + 1)..]} {name})" : $"({what} of {name})";
}

/// <summary>A resource's inputs as the engine received them.</summary>
internal sealed record PlannedInput(string Type, string Name, ImmutableDictionary<string, object> Inputs, string? ImportId);
