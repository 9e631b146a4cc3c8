using Infra.Config;

namespace Infra.Tests.Config;

public class ConsumerSecretLayoutTests
{
    private static readonly KeyVaultTarget Vault = new("kv-acme", "rg-acme", "m2m");

    [Fact]
    public void A_client_gets_id_secret_endpoint_and_one_audience_per_grant_in_a_fixed_order()
    {
        var client = new M2MClientDefinition("checkout-service", "Checkout", "d", "team", [new("orders-api", ["orders:read"]), new("inventory-api", ["stock:read"])]);

        var secrets = ConsumerSecretLayout.For(Vault, client);

        Assert.Equal(
            [
                ("m2m--checkout-service--ClientId", "clientId"),
                ("m2m--checkout-service--ClientSecret", "clientSecret"),
                ("m2m--checkout-service--ClientSecretNext", "clientSecretNext"),
                ("m2m--checkout-service--TokenEndpoint", "tokenEndpoint"),
                ("m2m--checkout-service--Audience--orders-api", "audience:orders-api"),
                ("m2m--checkout-service--Audience--inventory-api", "audience:inventory-api"),
            ],
            secrets.Select(s => (s.Name, s.Label)));
    }

    [Fact]
    public void The_longest_names_the_validator_allows_still_fit_key_vault()
    {
        // The validator relies on this instead of checking each name: longest prefix, client key and API key.
        var longestKey = string.Join("-", Enumerable.Repeat("abcdefgh", 5))[..AccessConfigValidator.MaxKeyLength];
        var vault = Vault with { SecretPrefix = new string('P', AccessConfigValidator.MaxSecretPrefix) };
        var client = new M2MClientDefinition(longestKey, "n", "d", "o", [new(longestKey, ["s"])]);

        var longest = ConsumerSecretLayout.For(vault, client).Max(s => s.Name.Length);

        Assert.Equal(126, longest); // the audience name is the longest
        Assert.True(longest <= ConsumerSecretLayout.MaxSecretNameLength);
    }
}
