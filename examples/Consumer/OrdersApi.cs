using Acme.M2M.Credentials;
using Microsoft.Extensions.DependencyInjection;

namespace Consumer;

/// <summary>What a consumer's start-up adds: its client's credentials, and an HttpClient for the orders API that sends its token.</summary>
public static class OrdersApi
{
    /// <summary>The HttpClient's name: <c>IHttpClientFactory.CreateClient(OrdersApi.Name)</c>.</summary>
    public const string Name = "orders";

    /// <summary>Registers the checkout service's credentials (its one Key Vault secret, read as the app's own identity) and the orders API's client.</summary>
    public static IServiceCollection AddOrdersApi(this IServiceCollection services, Uri vaultUri, Uri ordersApi)
    {
        services.AddM2MCredentials(vaultUri, "m2m--checkout-service");
        services.AddHttpClient(Name, http => http.BaseAddress = ordersApi).AddM2MToken("orders-api");
        return services;
    }
}
