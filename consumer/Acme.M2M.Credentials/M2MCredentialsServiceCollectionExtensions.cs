using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.DependencyInjection;

namespace Acme.M2M.Credentials;

/// <summary>Registers a client's tokens with <c>IHttpClientFactory</c>.</summary>
public static class M2MCredentialsServiceCollectionExtensions
{
    /// <summary>The name of the HttpClient that sends the token requests, for configuring it (a proxy, a timeout).</summary>
    public const string TokenHttpClientName = "Acme.M2M.Credentials.Token";

    /// <summary>
    /// Registers one <see cref="M2MTokenProvider"/> for the app, reading <paramref name="secretName"/> from
    /// <paramref name="vaultUri"/> as <paramref name="credential"/> (the app's own identity by default).
    /// </summary>
    public static IServiceCollection AddM2MCredentials(this IServiceCollection services, Uri vaultUri, string secretName, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(vaultUri);
        return services.AddM2MCredentials(new SecretClient(vaultUri, credential ?? new DefaultAzureCredential()), secretName);
    }

    /// <summary>Registers one <see cref="M2MTokenProvider"/> for the app, reading <paramref name="secretName"/> with <paramref name="vault"/>.</summary>
    public static IServiceCollection AddM2MCredentials(this IServiceCollection services, SecretClient vault, string secretName)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentException.ThrowIfNullOrEmpty(secretName);
        services.AddHttpClient(TokenHttpClientName);
        services.AddSingleton(provider =>
        {
            var factory = provider.GetRequiredService<IHttpClientFactory>();
            return new M2MTokenProvider(vault, secretName, () => factory.CreateClient(TokenHttpClientName), provider.GetService<TimeProvider>());
        });
        return services;
    }

    /// <summary>Sends every request of this HttpClient with a token for the API with key <paramref name="apiKey"/>.</summary>
    public static IHttpClientBuilder AddM2MToken(this IHttpClientBuilder builder, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        return builder.AddHttpMessageHandler(provider => new M2MTokenHandler(provider.GetRequiredService<M2MTokenProvider>(), apiKey));
    }
}
