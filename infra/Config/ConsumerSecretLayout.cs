namespace Infra.Config;

/// <summary>What a Key Vault secret written for a consumer holds.</summary>
public enum ConsumerSecretKind
{
    /// <summary>The Auth0 client id (not secret by itself, stored beside the secret for convenience).</summary>
    ClientId,

    /// <summary>The Auth0 client secret in force (CURRENT).</summary>
    ClientSecret,

    /// <summary>The client secret being rolled out (NEXT): written before Auth0 switches, so a consumer can retry with it.</summary>
    ClientSecretNext,

    /// <summary>The tenant's <c>/oauth/token</c> URL.</summary>
    TokenEndpoint,

    /// <summary>The identifier (audience) of one API the client is granted on.</summary>
    Audience,
}

/// <summary>One Key Vault secret that a consumer reads.</summary>
/// <param name="Name">The secret name in the vault.</param>
/// <param name="Kind">What it holds.</param>
/// <param name="ApiKey">For <see cref="ConsumerSecretKind.Audience"/>, the API it names.</param>
public sealed record ConsumerSecret(string Name, ConsumerSecretKind Kind, string? ApiKey = null)
{
    /// <summary>The Pulumi-facing label of the secret within its client, e.g. <c>clientSecret</c> or <c>audience:orders-api</c>.</summary>
    public string Label => Kind switch
    {
        ConsumerSecretKind.Audience => $"audience:{ApiKey}",
        _ => CamelCase(Kind.ToString()),
    };

    private static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}

/// <summary>
/// The Key Vault naming scheme: <c>{prefix}--{client}--ClientId</c>, <c>--ClientSecret</c>, <c>--ClientSecretNext</c>,
/// <c>--TokenEndpoint</c> and <c>--Audience--{api}</c>. <c>--</c> is what .NET's Key Vault configuration provider reads as <c>:</c>, so a
/// consumer that loads its secrets sees <c>{prefix}:{client}:ClientSecret</c>.
/// </summary>
public static class ConsumerSecretLayout
{
    /// <summary>Key Vault's own limit on a secret name.</summary>
    public const int MaxSecretNameLength = 127;

    /// <summary>Every secret written for <paramref name="client"/>, in a fixed order.</summary>
    public static IReadOnlyList<ConsumerSecret> For(KeyVaultTarget vault, M2MClientDefinition client)
    {
        var stem = $"{vault.SecretPrefix}--{client.Key}";
        var secrets = new List<ConsumerSecret>
        {
            new($"{stem}--ClientId", ConsumerSecretKind.ClientId),
            new($"{stem}--ClientSecret", ConsumerSecretKind.ClientSecret),
            new($"{stem}--ClientSecretNext", ConsumerSecretKind.ClientSecretNext),
            new($"{stem}--TokenEndpoint", ConsumerSecretKind.TokenEndpoint),
        };
        secrets.AddRange(client.Grants.Select(g => new ConsumerSecret($"{stem}--Audience--{g.ApiKey}", ConsumerSecretKind.Audience, g.ApiKey)));
        return secrets;
    }
}
