using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace Infra.Tool.Verify;

/// <summary>How <c>verify</c> reaches a deployed stack: its Key Vault, and the tenant's token endpoint.</summary>
/// <param name="OpenVault">A client for the vault at this URI.</param>
/// <param name="TokenEndpoint">
/// Where the tenant answers instead of <c>https://{domain}/oauth/token</c> (a local OAuth server in tests); null for
/// the config's domain.
/// </param>
public sealed record VerifyConnections(Func<Uri, SecretClient> OpenVault, string? TokenEndpoint = null)
{
    /// <summary>
    /// The vault signed in with <see cref="DefaultAzureCredential"/> (<c>az login</c> on a workstation, the AZURE_*
    /// variables of a workload identity in a pipeline), the tenant at the config's domain.
    /// </summary>
    public static VerifyConnections Azure { get; } = new(uri => new SecretClient(uri, new DefaultAzureCredential()));
}
