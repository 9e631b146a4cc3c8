using System.Text.Json;
using Infra.Config;

namespace Infra.Tests.Config;

public class ConsumerSecretLayoutTests
{
    private static readonly KeyVaultTarget Vault = new("kv-acme", "rg-acme", "m2m");

    private static readonly ConsumerCredentials Checkout = new(
        "cid_checkout",
        "primary-Secret_1",
        "fallback-Secret_0",
        "https://acme-dev.eu.auth0.com/oauth/token",
        new Dictionary<string, string>
        {
            // Out of order on purpose: the document sorts them.
            ["orders-api"] = "https://api.acme.example/orders",
            ["inventory-api"] = "https://api.acme.example/inventory",
        },
        "2027-02-15",
        Disabled: false);

    [Fact]
    public void A_client_has_one_secret_named_prefix_and_key()
    {
        var client = new M2MClientDefinition("checkout-service", "Checkout", "d", "team", [new("orders-api", ["orders:read"]), new("inventory-api", ["stock:read"])]);

        Assert.Equal("m2m--checkout-service", ConsumerSecretLayout.SecretName(Vault, client));
        Assert.Equal("acme-api--checkout-service", ConsumerSecretLayout.SecretName(Vault with { SecretPrefix = "acme-api" }, "checkout-service"));
    }

    [Fact]
    public void The_longest_name_the_validator_allows_still_fits_key_vault()
    {
        // The validator relies on this instead of checking each name: longest prefix and client key.
        var longestKey = string.Join("-", Enumerable.Repeat("abcdefgh", 5))[..AccessConfigValidator.MaxKeyLength];
        var vault = Vault with { SecretPrefix = new string('P', AccessConfigValidator.MaxSecretPrefix) };

        var name = ConsumerSecretLayout.SecretName(vault, longestKey);

        Assert.Equal(32 + 2 + 40, name.Length);
        Assert.True(name.Length <= ConsumerSecretLayout.MaxSecretNameLength);
    }

    [Fact]
    public void Prefix_and_key_are_split_at_the_only_double_hyphen_so_names_cannot_collide()
    {
        // Neither a prefix nor a key may hold "--" (the validator's patterns), so "{prefix}--{key}" reads back one way.
        var a = ConsumerSecretLayout.SecretName(Vault with { SecretPrefix = "m2m-x" }, "orders");
        var b = ConsumerSecretLayout.SecretName(Vault with { SecretPrefix = "m2m" }, "x-orders");

        Assert.Equal(("m2m-x--orders", "m2m--x-orders"), (a, b));
        Assert.NotEqual(a, b, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_document_is_camel_case_json_with_sorted_audiences_and_version_1()
    {
        Assert.Equal(
            """{"clientId":"cid_checkout","clientSecret":"primary-Secret_1","fallbackClientSecret":"fallback-Secret_0","tokenEndpoint":"https://acme-dev.eu.auth0.com/oauth/token","audiences":{"inventory-api":"https://api.acme.example/inventory","orders-api":"https://api.acme.example/orders"},"expires":"2027-02-15","disabled":false,"version":1}""",
            Checkout.ToJson());
        Assert.Equal("application/json", ConsumerCredentials.ContentType);
    }

    [Fact]
    public void A_disabled_document_writes_its_missing_secrets_as_null_and_not_leaves_them_out()
    {
        var disabled = Checkout with { ClientSecret = null, FallbackClientSecret = null, Expires = null, Disabled = true, Audiences = new Dictionary<string, string>() };

        Assert.Equal(
            """{"clientId":"cid_checkout","clientSecret":null,"fallbackClientSecret":null,"tokenEndpoint":"https://acme-dev.eu.auth0.com/oauth/token","audiences":{},"expires":null,"disabled":true,"version":1}""",
            disabled.ToJson());
    }

    [Fact]
    public void Parse_reads_back_what_to_json_wrote()
    {
        var parsed = ConsumerCredentials.Parse(Checkout.ToJson());

        Assert.Equal(
            ("cid_checkout", "primary-Secret_1", "fallback-Secret_0", "https://acme-dev.eu.auth0.com/oauth/token", "2027-02-15", false, 1),
            (parsed.ClientId, parsed.ClientSecret, parsed.FallbackClientSecret, parsed.TokenEndpoint, parsed.Expires, parsed.Disabled, parsed.Version));
        Assert.Equal(
            [("inventory-api", "https://api.acme.example/inventory"), ("orders-api", "https://api.acme.example/orders")],
            parsed.Audiences.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)));
        Assert.Equal(Checkout.ToJson(), parsed.ToJson());
    }

    [Fact]
    public void Parse_rejects_an_unknown_key()
    {
        var json = Checkout.ToJson().Replace("\"version\":1", "\"version\":1,\"clientSecretNext\":\"x\"", StringComparison.Ordinal);

        var error = Assert.Throws<JsonException>(() => ConsumerCredentials.Parse(json));

        Assert.Equal("The JSON property 'clientSecretNext' could not be mapped to any .NET member contained in type 'Infra.Config.ConsumerCredentials'.", error.Message);
    }

    [Fact]
    public void Parse_rejects_another_version()
    {
        var json = Checkout.ToJson().Replace("\"version\":1", "\"version\":2", StringComparison.Ordinal);

        var error = Assert.Throws<JsonException>(() => ConsumerCredentials.Parse(json));

        Assert.Equal("The credentials document has version 2; this reader knows version 1.", error.Message);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"version\":1}")]
    [InlineData("{\"clientId\":\"c\",\"clientSecret\":\"s\",\"fallbackClientSecret\":null,\"tokenEndpoint\":\"https://t/oauth/token\",\"audiences\":{},\"expires\":null,\"disabled\":false}")] // no version
    [InlineData("{\"version\":1,\"clientId\":null,\"clientSecret\":\"s\",\"fallbackClientSecret\":null,\"tokenEndpoint\":\"https://t/oauth/token\",\"audiences\":{},\"expires\":null,\"disabled\":false}")] // null id
    public void Parse_rejects_a_document_missing_a_field_or_with_a_null_where_none_belongs(string json)
    {
        Assert.ThrowsAny<JsonException>(() => ConsumerCredentials.Parse(json));
    }

    [Fact]
    public void Parse_rejects_a_plain_string_secret()
    {
        Assert.ThrowsAny<JsonException>(() => ConsumerCredentials.Parse("S3cr3t-from-the-old-layout"));
        Assert.Equal("The secret holds no credentials document.", Assert.Throws<JsonException>(() => ConsumerCredentials.Parse("null")).Message);
    }

    [Theory]
    [InlineData(0, false, "0", "-1")]
    [InlineData(1, false, "0", "1")]
    [InlineData(2, false, "2", "1")]
    [InlineData(3, false, "2", "3")]
    [InlineData(0, true, "0", "disabled-0")]
    [InlineData(1, true, "disabled-1", "1")]
    [InlineData(2, true, "2", "disabled-2")]
    [InlineData(3, true, "disabled-3", "3")]
    public void Each_slot_keeps_what_it_holds_at_a_rotation(int rotation, bool disabled, string slot0, string slot1)
    {
        Assert.Equal((slot0, slot1), (SecretSlots.Keeper(0, rotation, disabled), SecretSlots.Keeper(1, rotation, disabled)));
        Assert.Equal(rotation % 2, SecretSlots.Active(rotation));
        Assert.Equal(1 - (rotation % 2), SecretSlots.Other(rotation));
        // The active slot holds the rotation's own secret whether or not the client is disabled.
        Assert.Equal(rotation.ToString(System.Globalization.CultureInfo.InvariantCulture), SecretSlots.Keeper(SecretSlots.Active(rotation), rotation, disabled));
    }

    [Theory]
    // Never rotated: no fallback, so no second slot; adopted and never rotated: the live secret, no slot at all.
    [InlineData(0, false, false, new[] { 0 })]
    [InlineData(0, false, true, new int[0])]
    // Rotated: the secret in force and the previous one; an adopted client's first fallback is its live secret.
    [InlineData(1, false, false, new[] { 1, 0 })]
    [InlineData(1, false, true, new[] { 1 })]
    [InlineData(2, false, false, new[] { 0, 1 })]
    [InlineData(2, false, true, new[] { 0, 1 })]
    // Disabled: the kept active secret and the one only Auth0 holds, whatever the rotation or origin.
    [InlineData(0, true, false, new[] { 0, 1 })]
    [InlineData(0, true, true, new[] { 0, 1 })]
    [InlineData(3, true, false, new[] { 1, 0 })]
    public void A_client_declares_only_the_slots_that_hold_something(int rotation, bool disabled, bool adopted, int[] slots)
        => Assert.Equal(slots, SecretSlots.InUse(rotation, disabled, adopted));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void Raising_the_rotation_by_one_draws_exactly_one_new_secret_and_it_becomes_the_active_one(int rotation)
    {
        var before = Enumerable.Range(0, SecretSlots.Count).Select(s => SecretSlots.Keeper(s, rotation, disabled: false)).ToList();
        var after = Enumerable.Range(0, SecretSlots.Count).Select(s => SecretSlots.Keeper(s, rotation + 1, disabled: false)).ToList();

        var changed = Enumerable.Range(0, SecretSlots.Count).Where(s => before[s] != after[s]).ToList();

        Assert.Equal([SecretSlots.Active(rotation + 1)], changed);
        // The secret in force before is untouched and is the fallback after.
        Assert.Equal(SecretSlots.Active(rotation), SecretSlots.Other(rotation + 1));
        Assert.Equal(before[SecretSlots.Active(rotation)], after[SecretSlots.Other(rotation + 1)]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Disabling_draws_a_new_secret_only_in_the_other_slot(int rotation)
    {
        var changed = Enumerable.Range(0, SecretSlots.Count)
            .Where(s => SecretSlots.Keeper(s, rotation, disabled: false) != SecretSlots.Keeper(s, rotation, disabled: true))
            .ToList();

        Assert.Equal([SecretSlots.Other(rotation)], changed);
    }
}
