using System.Text.Json.Nodes;
using Infra.Config;
using Infra.Tests.Support;

namespace Infra.Tests.Config;

public class AccessConfigParserTests
{
    private static readonly IReadOnlyDictionary<string, string> Dev = StackHarness.StackConfig("dev");

    private static AccessConfig Parse(IReadOnlyDictionary<string, string> config) => AccessConfigParser.Parse(Raw(config));

    internal static RawStackConfig Raw(IReadOnlyDictionary<string, string> config) => RawStackConfig.FromMap("infra", "dev", config, today: PulumiConfigScope.Today);

    [Fact]
    public void The_dev_stack_parses_into_the_model_it_describes()
    {
        var access = Parse(Dev);

        Assert.Equal("https://acme-dev.eu.auth0.com/oauth/token", access.Tenant.TokenEndpoint);
        Assert.Equal(new KeyVaultTarget("kv-acme-m2m-dev", "rg-acme-identity-dev", "m2m"), access.KeyVault);
        Assert.Equal(["orders-api", "inventory-api"], access.Apis.Select(a => a.Key));
        var orders = access.Apis[0];
        Assert.Equal(("Orders API", "https://api.acme.example/orders", 3600, "RS256"), (orders.Name, orders.Identifier, orders.TokenLifetimeSeconds, orders.SigningAlgorithm));
        Assert.Equal(["orders:read", "orders:write", "orders:cancel"], orders.Scopes.Select(s => s.Value));
        Assert.Equal(3600, access.Apis[1].TokenLifetimeSeconds);
        Assert.Equal(["checkout-service", "nightly-reconciler", "partner-globex"], access.Clients.Select(c => c.Key));
        var checkout = access.Clients[0];
        Assert.Equal(("Checkout service", "team-checkout"), (checkout.Name, checkout.Owner));
        Assert.Equal(["orders-api", "inventory-api"], checkout.Grants.Select(g => g.ApiKey));
        Assert.Equal(["orders:read", "orders:write"], checkout.Grants[0].Scopes);
    }

    [Fact]
    public void The_domain_in_config_wins_over_AUTH0_DOMAIN_which_fills_in_only_when_config_has_none()
    {
        var both = RawStackConfig.FromMap("infra", "dev", Dev, auth0DomainVariable: "acme-other.eu.auth0.com");
        var variableOnly = RawStackConfig.FromMap("infra", "dev", Dev.Without("auth0:domain"), auth0DomainVariable: "acme-other.eu.auth0.com");

        Assert.Equal("acme-dev.eu.auth0.com", both.Auth0Domain);
        Assert.Equal("acme-other.eu.auth0.com", variableOnly.Auth0Domain);
    }

    [Fact]
    public void Without_the_list_of_keys_set_no_key_is_reported_unknown()
    {
        // The engine does not always say which keys a stack sets; then misspellings cannot be told apart.
        var raw = Raw(Dev.Set("infra:protcet", "true")) with { ProjectKeys = null };

        var access = AccessConfigParser.Parse(raw);

        Assert.Equal(3, access.Clients.Count);
    }

    [Fact]
    public void Paths_are_ordered_with_list_indices_as_numbers()
    {
        var problems = new[] { "infra:clients[10].key", "auth0:domain", "infra:clients[2].grants[1]", "infra:clients[2].grants", "infra:apis[0]" }
            .Select(p => new ConfigProblem(p, "x"));

        var error = new ConfigValidationException(problems);

        Assert.Equal(["auth0:domain", "infra:apis[0]", "infra:clients[2].grants", "infra:clients[2].grants[1]", "infra:clients[10].key"], error.Problems.Select(p => p.Path));
    }

    [Fact]
    public void Omitted_optional_keys_take_their_documented_defaults()
    {
        var config = Dev
            .Edit("infra:apis", apis => apis[0]!.AsObject().Remove("tokenLifetime"))
            .Edit("infra:apis", apis => apis[0]!["signingAlg"] = null);

        var access = Parse(config);

        Assert.Equal(AccessConfigParser.DefaultTokenLifetimeSeconds, access.Apis[0].TokenLifetimeSeconds);
        Assert.Equal(3600, AccessConfigParser.DefaultTokenLifetimeSeconds);
        Assert.Equal("RS256", access.Apis[0].SigningAlgorithm);
        Assert.Equal("m2m", access.KeyVault.SecretPrefix);
        // The stack's default applies where an API sets no lifetime of its own.
        var mixed = Parse(config.Set("infra:tokenLifetime", "900").Edit("infra:apis", apis => apis[1]!["tokenLifetime"] = 1800));
        Assert.Equal((900, 1800), (mixed.Apis[0].TokenLifetimeSeconds, mixed.Apis[1].TokenLifetimeSeconds));
    }

    [Fact]
    public void Every_problem_is_reported_at_once_ordered_by_config_path()
    {
        var config = Dev
            .Edit("infra:keyVault", vault => vault["nmae"] = "kv")
            .Edit("infra:apis", apis => apis[1]!["tokenLifetime"] = 0)
            .Edit("infra:clients", clients => clients[2]!["grants"]![0]!["scopes"]![0] = "orders:delete");

        var error = Assert.Throws<ConfigValidationException>(() => Parse(config));

        Assert.Equal(
            [
                "infra:apis[1].tokenLifetime: must be between 1 and 2592000 seconds (30 days, Auth0's limit); leave it out to use infra:tokenLifetime (3600).",
                "infra:clients[2].grants[0].scopes[0]: scope 'orders:delete' is not declared on API 'orders-api'; declare it under infra:apis[0].scopes or use one of: orders:read, orders:write, orders:cancel.",
                "infra:keyVault.nmae: unknown key; did you mean 'name'?",
            ],
            error.Problems.Select(p => p.ToString()));
        Assert.Equal(
            "The stack config has 3 problems; nothing was deployed. Fix them and run again:" + Environment.NewLine
            + "  - infra:apis[1].tokenLifetime: must be between 1 and 2592000 seconds (30 days, Auth0's limit); leave it out to use infra:tokenLifetime (3600)." + Environment.NewLine
            + "  - infra:clients[2].grants[0].scopes[0]: scope 'orders:delete' is not declared on API 'orders-api'; declare it under infra:apis[0].scopes or use one of: orders:read, orders:write, orders:cancel." + Environment.NewLine
            + "  - infra:keyVault.nmae: unknown key; did you mean 'name'?",
            error.Message);
    }

    [Theory]
    [InlineData("2026-11-28")] // today: the first day without tokens
    [InlineData("2026-01-01")]
    public void A_lapsed_expiry_is_a_warning_not_an_error_so_it_never_blocks_another_clients_change(string date)
    {
        var config = Parse(Dev.Edit("infra:clients", cl => Client(cl, 1)["expires"] = date));

        Assert.Equal(
            [$"infra:clients[1].expires: {date} has passed (today is 2026-11-28 UTC): client 'nightly-reconciler' gets no tokens. Renew it (raise rotation and set a new date) or remove it."],
            AccessConfigValidator.Warnings(config, "infra", PulumiConfigScope.Today).Select(w => w.ToString()));
        Assert.Empty(AccessConfigValidator.Warnings(Parse(Dev), "infra", PulumiConfigScope.Today));
    }

    [Fact]
    public void A_resource_group_of_exactly_90_characters_and_a_budget_of_0_for_a_stack_without_readers_are_accepted()
    {
        var config = Dev
            .Edit("infra:keyVault", v => v["resourceGroup"] = new string('r', 90))
            .Edit("infra:clients", cl => { foreach (var client in cl.AsArray()) { client!.AsObject().Remove("readers"); } })
            .Set("infra:roleAssignmentBudget", "0");

        var access = Parse(config);

        Assert.Equal(90, access.KeyVault.ResourceGroup.Length);
        Assert.Equal(0, access.Policy.RoleAssignmentBudget);
    }

    [Theory]
    [MemberData(nameof(InvalidConfigNames))]
    public void Invalid_config_is_rejected_with_the_path_and_the_fix(string name)
    {
        var (edit, expected) = InvalidConfigs[name];

        var error = Assert.Throws<ConfigValidationException>(() => Parse(edit(Dev)));

        // Joined, so a failure shows the whole differing line.
        Assert.Equal(string.Join(Environment.NewLine, expected), string.Join(Environment.NewLine, error.Problems));
    }

    public static TheoryData<string> InvalidConfigNames => [.. InvalidConfigs.Keys];

    private static JsonNode Api(JsonNode apis, int i) => apis[i]!;

    private static JsonNode Client(JsonNode clients, int i) => clients[i]!;

    /// <summary>The invalid-config corpus: each edit of the dev stack, with exactly the problems it must produce.</summary>
    internal static readonly Dictionary<string, (Func<IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, string>> Edit, string[] Expected)> InvalidConfigs = new()
    {
        ["keyVault missing"] = (c => c.Without("infra:keyVault"),
            ["infra:keyVault: is required: set the existing vault as {name, resourceGroup} in Pulumi.<stack>.yaml."]),
        ["apis missing"] = (c => c.Without("infra:apis"),
            ["infra:apis: is required: list APIs ({key, name, identifier, scopes})."]),
        ["clients missing"] = (c => c.Without("infra:clients"),
            ["infra:clients: is required: list clients ({key, name, description, owner, grants})."]),
        ["apis a plain string"] = (c => c.Set("infra:apis", "orders-api").Without("infra:clients"),
            [
                "infra:apis: must be a list of APIs ({key, name, identifier, scopes}); found a string.",
                "infra:clients: is required: list clients ({key, name, description, owner, grants}).",
            ]),
        ["api not an object"] = (c => c.Edit("infra:apis", a => a[1] = "inventory-api").Edit("infra:clients", cl => cl.AsArray().RemoveAt(1)).Edit("infra:clients", cl => Client(cl, 0)["grants"]!.AsArray().RemoveAt(1)),
            ["infra:apis[1]: must be an object with the keys key, name, identifier, scopes, tokenLifetime, signingAlg, previousKeys, import, owners, maxCredentialLifetimeDays; found a string."]),
        ["keyVault name misspelt"] = (c => c.Edit("infra:keyVault", v => { v.AsObject().Remove("name"); v["Name"] = "kv-acme"; }),
            [
                "infra:keyVault.Name: unknown key; did you mean 'name'?",
                "infra:keyVault.name: is required: set the name of the Key Vault.",
            ]),
        ["unknown key without a near match"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["team"] = "checkout"),
            ["infra:clients[0].team: unknown key; remove it (known keys: key, name, description, owner, grants, readers, previousKeys, import, expires, rotation, disabled, authentication, keysSinceRotation)."]),
        ["tokenLifetime in another case"] = (c => c.Edit("infra:apis", a => { Api(a, 0).AsObject().Remove("tokenLifetime"); Api(a, 0)["TokenLifetime"] = 600; }),
            ["infra:apis[0].TokenLifetime: unknown key; did you mean 'tokenLifetime'?"]),
        ["tokenLifetime a string"] = (c => c.Edit("infra:apis", a => Api(a, 0)["tokenLifetime"] = "1h"),
            ["infra:apis[0].tokenLifetime: must be a whole number (seconds); found a string."]),
        ["tokenLifetime above 30 days"] = (c => c.Edit("infra:apis", a => Api(a, 0)["tokenLifetime"] = 2_592_001),
            ["infra:apis[0].tokenLifetime: must be between 1 and 2592000 seconds (30 days, Auth0's limit); leave it out to use infra:tokenLifetime (3600)."]),
        ["HS256"] = (c => c.Edit("infra:apis", a => Api(a, 1)["signingAlg"] = "HS256"),
            ["infra:apis[1].signingAlg: must be RS256 (or left out): HS256 would put the API's signing secret in every service that verifies tokens."]),
        ["api key missing"] = (c => c.Edit("infra:apis", a => Api(a, 1).AsObject().Remove("key")),
            [
                "infra:apis[1].key: is required: set a stable key such as orders-api.",
                "infra:clients[0].grants[1].api: names no API 'inventory-api'; use the key of an API under infra:apis (orders-api).",
                "infra:clients[1].grants[0].api: names no API 'inventory-api'; use the key of an API under infra:apis (orders-api).",
            ]),
        ["api key with capitals"] = (c => c.Edit("infra:apis", a => Api(a, 0)["key"] = "Orders-API").Edit("infra:clients", cl => { cl.AsArray().RemoveAt(2); Client(cl, 0)["grants"]!.AsArray().RemoveAt(0); }),
            ["infra:apis[0].key: must be at most 40 lowercase letters and digits in groups joined by single hyphens, such as orders-api: it names resources and Key Vault secrets."]),
        ["client key with a double hyphen"] = (c => c.Edit("infra:clients", cl => Client(cl, 1)["key"] = "nightly--reconciler"),
            ["infra:clients[1].key: must be at most 40 lowercase letters and digits in groups joined by single hyphens, such as orders-sync: it names resources and Key Vault secrets."]),
        ["duplicate api key"] = (c => c.Edit("infra:apis", a => Api(a, 1)["key"] = "orders-api"),
            [
                "infra:apis[1].key: duplicates infra:apis[0].key 'orders-api': give every API its own key.",
                "infra:clients[0].grants[1].api: names no API 'inventory-api'; use the key of an API under infra:apis (orders-api).",
                "infra:clients[1].grants[0].api: names no API 'inventory-api'; use the key of an API under infra:apis (orders-api).",
            ]),
        ["duplicate identifier"] = (c => c.Edit("infra:apis", a => Api(a, 1)["identifier"] = "https://api.acme.example/orders"),
            ["infra:apis[1].identifier: duplicates infra:apis[0].identifier: Auth0 identifiers are unique per tenant."]),
        ["identifier over 600"] = (c => c.Edit("infra:apis", a => Api(a, 0)["identifier"] = "https://orders.example/" + new string('x', 578)),
            ["infra:apis[0].identifier: must be at most 600 characters (Auth0's limit); it has 601."]),
        ["management api"] = (c => c.Edit("infra:apis", a => Api(a, 1)["identifier"] = "https://acme-dev.eu.auth0.com/api/v2/"),
            ["infra:apis[1].identifier: is the Auth0 Management API: granting it would let a consumer administer the tenant. Manage that API's clients outside this project."]),
        ["api name over 200"] = (c => c.Edit("infra:apis", a => Api(a, 0)["name"] = new string('n', 201)),
            ["infra:apis[0].name: must be at most 200 characters without '<' or '>' (Auth0's limit); it has 201."]),
        ["api name with angle brackets"] = (c => c.Edit("infra:apis", a => Api(a, 0)["name"] = "Orders <script>"),
            ["infra:apis[0].name: must be at most 200 characters without '<' or '>' (Auth0's limit); it has 15."]),
        ["scopes empty"] = (c => c.Edit("infra:apis", a => Api(a, 1)["scopes"] = new JsonArray()).Edit("infra:clients", cl => { cl.AsArray().RemoveAt(1); Client(cl, 0)["grants"]!.AsArray().RemoveAt(1); }),
            ["infra:apis[1].scopes: must not be empty: list at least one of scopes ({value, description})."]),
        ["scope value with a space"] = (c => c.Edit("infra:apis", a => Api(a, 0)["scopes"]![2]!["value"] = "orders cancel"),
            ["infra:apis[0].scopes[2].value: must be at most 280 characters with no spaces (tokens list scopes separated by spaces)."]),
        ["scope value over 280"] = (c => c.Edit("infra:apis", a => Api(a, 0)["scopes"]![2]!["value"] = new string('s', 281)),
            ["infra:apis[0].scopes[2].value: must be at most 280 characters with no spaces (tokens list scopes separated by spaces)."]),
        ["scope declared twice"] = (c => c.Edit("infra:apis", a => Api(a, 0)["scopes"]![2]!["value"] = "orders:read"),
            ["infra:apis[0].scopes[2].value: declares 'orders:read' twice on this API: remove the duplicate."]),
        ["scope description missing"] = (c => c.Edit("infra:apis", a => Api(a, 0)["scopes"]![0]!.AsObject().Remove("description")),
            ["infra:apis[0].scopes[0].description: is required: set what the scope allows."]),
        ["scope description over 500"] = (c => c.Edit("infra:apis", a => Api(a, 0)["scopes"]![0]!["description"] = new string('d', 501)),
            ["infra:apis[0].scopes[0].description: must be at most 500 characters (Auth0's limit); it has 501."]),
        ["client description over 140"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["description"] = new string('d', 141)),
            ["infra:clients[0].description: must be at most 140 characters (Auth0's limit); it has 141."]),
        ["owner blank"] = (c => c.Edit("infra:clients", cl => Client(cl, 2)["owner"] = "  "),
            ["infra:clients[2].owner: must not be blank: set the accountable team or person."]),
        ["owner over 255"] = (c => c.Edit("infra:clients", cl => Client(cl, 2)["owner"] = new string('o', 256)),
            ["infra:clients[2].owner: must be at most 255 characters (Auth0's client_metadata limit); it has 256."]),
        ["duplicate client key"] = (c => c.Edit("infra:clients", cl => Client(cl, 2)["key"] = "checkout-service"),
            ["infra:clients[2].key: duplicates infra:clients[0].key 'checkout-service': give every client its own key."]),
        ["grants empty"] = (c => c.Edit("infra:clients", cl => Client(cl, 1)["grants"] = new JsonArray()),
            ["infra:clients[1].grants: must not be empty: list at least one of grants ({api, scopes})."]),
        ["grant of an unknown api"] = (c => c.Edit("infra:clients", cl => Client(cl, 2)["grants"]![0]!["api"] = "order-api"),
            ["infra:clients[2].grants[0].api: names no API 'order-api'; did you mean 'orders-api'?"]),
        ["same api granted twice"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["grants"]![1]!["api"] = "orders-api"),
            [
                "infra:clients[0].grants[1].api: grants API 'orders-api' again (first at grants[0]): merge the scopes into one grant.",
                "infra:clients[0].grants[1].scopes[0]: scope 'stock:read' is not declared on API 'orders-api'; declare it under infra:apis[0].scopes or use one of: orders:read, orders:write, orders:cancel.",
            ]),
        ["grant scope misspelt"] = (c => c.Edit("infra:clients", cl => Client(cl, 1)["grants"]![0]!["scopes"]![1] = "stock:adjst"),
            ["infra:clients[1].grants[0].scopes[1]: scope 'stock:adjst' is not declared on API 'inventory-api'; did you mean 'stock:adjust'?"]),
        ["grant scope listed twice"] = (c => c.Edit("infra:clients", cl => Client(cl, 1)["grants"]![0]!["scopes"]![1] = "stock:read"),
            ["infra:clients[1].grants[0].scopes[1]: lists 'stock:read' twice: remove the duplicate."]),
        ["grant scopes empty"] = (c => c.Edit("infra:clients", cl => Client(cl, 1)["grants"]![0]!["scopes"] = new JsonArray()),
            ["infra:clients[1].grants[0].scopes: must not be empty: list at least one of scope values."]),
        ["grant scope not a string"] = (c => c.Edit("infra:clients", cl => Client(cl, 1)["grants"]![0]!["scopes"]![0] = 7),
            ["infra:clients[1].grants[0].scopes[0]: must be a string (a scope value declared on the API); found a number."]),
        ["domain missing"] = (c => c.Without("auth0:domain"),
            ["auth0:domain: is required: run `pulumi config set auth0:domain <tenant>.<region>.auth0.com` (or set AUTH0_DOMAIN)."]),
        ["domain with a scheme"] = (c => c.Set("auth0:domain", "https://acme-dev.eu.auth0.com/"),
            ["auth0:domain: must be a host name such as acme.eu.auth0.com, without https:// or a path."]),
        ["vault name too short"] = (c => c.Edit("infra:keyVault", v => v["name"] = "kv"),
            ["infra:keyVault.name: is not a valid Key Vault name: use 3-24 letters, digits and single hyphens, starting with a letter and ending with a letter or digit."]),
        ["vault name with a double hyphen"] = (c => c.Edit("infra:keyVault", v => v["name"] = "kv--acme"),
            ["infra:keyVault.name: is not a valid Key Vault name: use 3-24 letters, digits and single hyphens, starting with a letter and ending with a letter or digit."]),
        ["resource group ending in a dot"] = (c => c.Edit("infra:keyVault", v => v["resourceGroup"] = "rg-acme."),
            ["infra:keyVault.resourceGroup: is not a valid resource group name: use at most 90 letters, digits, '-', '_', '.', '(' or ')', not ending with '.'."]),
        ["top-level key misspelt"] = (c => c.Set("infra:protcet", "true"),
            ["infra:protcet: unknown key; did you mean 'infra:protect'?"]),
        ["top-level key unknown"] = (c => c.Set("infra:region", "westeurope"),
            ["infra:region: unknown key; remove it (known keys: infra:keyVault, infra:apis, infra:clients, infra:protect, infra:production, infra:tokenLifetime, infra:maxCredentialLifetimeDays, infra:roleAssignmentBudget, infra:applicationCredentialLimit, infra:catalogueStack)."]),
        ["application credentials over the tenant's limit"] = (c => c.Set("infra:applicationCredentialLimit", "1").Edit("infra:clients", cl => { Client(cl, 0)["authentication"] = "private_key_jwt"; Client(cl, 0)["keysSinceRotation"] = 2; Client(cl, 1)["authentication"] = "private_key_jwt"; Client(cl, 1)["rotation"] = 1; }),
            ["infra:clients: declare 3 Auth0 application credentials (the public keys of the private_key_jwt clients: two once a client has rotated, one while disabled), over the tenant's limit of 1 (infra:applicationCredentialLimit). Ways out: move clients that do not need keys back to client_secret_post by giving them new clients, remove clients that are no longer used, or raise the limit if Auth0 has raised it for the tenant."]),
        ["application credential limit negative"] = (c => c.Set("infra:applicationCredentialLimit", "-1"),
            ["infra:applicationCredentialLimit: must be 0 or more: the tenant's limit on application credentials (2,000 on Enterprise tenants)."]),
        ["role assignment budget negative"] = (c => c.Set("infra:roleAssignmentBudget", "-1"),
            ["infra:roleAssignmentBudget: must be 0 or more: this stack's share of the subscription's 4,000 role assignments."]),
        ["role assignments over the budget"] = (c => c.Set("infra:roleAssignmentBudget", "3"),
            ["infra:clients: declare 4 Azure role assignments (one per reader of each enabled client), over this stack's budget of 3 (infra:roleAssignmentBudget; Azure allows 4,000 per subscription, shared with everything else in it). Ways out: let one group read several clients' secrets instead of a principal per client, remove readers of clients that no longer need them, move some clients to a stack in another subscription, or raise the budget if the subscription has room."]),
        ["stack token lifetime not a number"] = (c => c.Set("infra:tokenLifetime", "1h"),
            ["infra:tokenLifetime: must be a whole number of seconds."]),
        ["stack token lifetime above 30 days"] = (c => c.Set("infra:tokenLifetime", "2592001"),
            ["infra:tokenLifetime: must be between 1 and 2592000 seconds (30 days, Auth0's limit); 3600 is the default."]),
        ["protect not a boolean"] = (c => c.Set("infra:protect", "yes"),
            ["infra:protect: must be true or false."]),
        ["production without protection"] = (c => c.Set("infra:production", "true").Set("infra:protect", "false"),
            ["infra:protect: must be true in a production stack (infra:production is true): protection is what stops a `pulumi up` from deleting a live client, grant or secret."]),
        ["keyVault a plain string"] = (c => c.Set("infra:keyVault", "kv-acme-m2m-dev"),
            ["infra:keyVault: must be an object with the keys name, resourceGroup, secretPrefix, create, privateDataPlane; found a string."]),
        ["client name a number"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["name"] = 42),
            ["infra:clients[0].name: must be a string (the display name); found a number."]),
        ["client not an object"] = (c => c.Edit("infra:clients", cl => cl[1] = null),
            ["infra:clients[1]: must be an object with the keys key, name, description, owner, grants, readers, previousKeys, import, expires, rotation, disabled, authentication, keysSinceRotation; found null."]),
        ["authentication unknown"] = (c => c.Edit("infra:clients", cl => Client(cl, 1)["authentication"] = "client_secret_basic"),
            ["infra:clients[1].authentication: must be client_secret_post or private_key_jwt; it is 'client_secret_basic'."]),
        ["keysSinceRotation without keys"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["keysSinceRotation"] = 2),
            ["infra:clients[0].keysSinceRotation: applies only to a client with authentication: private_key_jwt: remove it, or set authentication."]),
        ["keysSinceRotation zero"] = (c => c.Edit("infra:clients", cl => { Client(cl, 0)["authentication"] = "private_key_jwt"; Client(cl, 0)["keysSinceRotation"] = 0; }),
            ["infra:clients[0].keysSinceRotation: must be 1 or more (it is 0): the rotation of the change that moved the client from its secret to keys. Leave it out for a client that has had keys from the start."]),
        ["keysSinceRotation ahead of rotation"] = (c => c.Edit("infra:clients", cl => { Client(cl, 0)["authentication"] = "private_key_jwt"; Client(cl, 0)["keysSinceRotation"] = 3; }),
            ["infra:clients[0].keysSinceRotation: is 3, ahead of the client's rotation 2: a client moves to keys in a rotation of its own. Set rotation to 3 as well."]),
        ["adopted key client without keysSinceRotation"] = (c => c.Edit("infra:clients", cl => { Client(cl, 1)["authentication"] = "private_key_jwt"; Client(cl, 1)["import"] = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"; }),
            ["infra:clients[1].keysSinceRotation: is required for an adopted client (import) with authentication: private_key_jwt: it came with a client secret its consumer uses. Adopt it with client_secret_post at rotation 0 and deploy; then, in a change of its own, set authentication: private_key_jwt, raise rotation to 1 and set keysSinceRotation: 1 (docs/credential-lifecycle.md)."]),
        ["grant not an object"] = (c => c.Edit("infra:clients", cl => Client(cl, 1)["grants"]![0] = "inventory-api"),
            ["infra:clients[1].grants[0]: must be an object with the keys api, scopes, import; found a string."]),
        ["reader object id malformed"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["readers"]![0]!["objectId"] = "checkout-identity"),
            ["infra:clients[0].readers[0].objectId: must be the principal's object id, a GUID such as 3f2504e0-4f89-41d3-9a0c-0305e82c3301 (for a managed identity: `az identity show --query principalId`)."]),
        ["reader object id one digit short"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["readers"]![0]!["objectId"] = "0f8d5a3e-6b1c-4e2a-9d7f-3c5b8a1e4f6"),
            ["infra:clients[0].readers[0].objectId: must be the principal's object id, a GUID such as 3f2504e0-4f89-41d3-9a0c-0305e82c3301 (for a managed identity: `az identity show --query principalId`)."]),
        ["reader principal type a user"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["readers"]![0]!["principalType"] = "User"),
            ["infra:clients[0].readers[0].principalType: must be ServicePrincipal (a managed identity or an app registration) or Group."]),
        ["reader principal type in another case"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["readers"]![0]!["principalType"] = "servicePrincipal"),
            ["infra:clients[0].readers[0].principalType: must be ServicePrincipal (a managed identity or an app registration) or Group."]),
        ["reader listed twice in another case"] = (c => c.Edit("infra:clients", cl => Client(cl, 2)["readers"]![1]!["objectId"] = "4E6B8D0F-2A1C-4B3D-8F5E-9C7A6B5D4E3F"),
            ["infra:clients[2].readers[1].objectId: lists this principal twice for the client: remove the duplicate."]),
        ["readers empty"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["readers"] = new JsonArray()),
            ["infra:clients[0].readers: must not be empty: list at least one of readers ({objectId, principalType})."]),
        ["reader principal type missing"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["readers"]![0]!.AsObject().Remove("principalType")),
            ["infra:clients[0].readers[0].principalType: is required: set ServicePrincipal or Group."]),
        ["previous key still in use"] = (c => c.Edit("infra:clients", cl => Client(cl, 1)["previousKeys"] = new JsonArray("checkout-service")),
            ["infra:clients[1].previousKeys[0]: 'checkout-service' is the current key of infra:clients[0]: list only keys no entry uses any more."]),
        ["previous key claimed twice"] = (c => c.Edit("infra:apis", a => { Api(a, 0)["previousKeys"] = new JsonArray("legacy-api"); Api(a, 1)["previousKeys"] = new JsonArray("legacy-api"); }),
            ["infra:apis[1].previousKeys[0]: 'legacy-api' is already a previous key of infra:apis[0]: one old key can move to one new key only."]),
        ["previous key malformed"] = (c => c.Edit("infra:clients", cl => Client(cl, 1)["previousKeys"] = new JsonArray("Nightly_Reconciler")),
            ["infra:clients[1].previousKeys[0]: must be at most 40 lowercase letters and digits in groups joined by single hyphens, such as orders-sync: it names resources and Key Vault secrets."]),
        ["api import id malformed"] = (c => c.Edit("infra:apis", a => Api(a, 0)["import"] = "https://api.acme.example/orders"),
            ["infra:apis[0].import: must be the resource server's Auth0 id: 24 lowercase hexadecimal characters (Auth0 dashboard > Applications > APIs > the API's id)."]),
        ["client import id malformed"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["import"] = "checkout-service"),
            ["infra:clients[0].import: must be an Auth0 client id: 32 letters and digits (Auth0 dashboard > Applications > the application's Client ID)."]),
        ["grant import id malformed"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["grants"]![0]!["import"] = "cgr_123"),
            ["infra:clients[0].grants[0].import: must be an Auth0 client grant id: cgr_ and 16 letters and digits (Management API GET /api/v2/client-grants)."]),
        ["same client adopted twice"] = (c => c.Edit("infra:clients", cl => { Client(cl, 0)["import"] = "Xq7PzR2mK9vT4wY8nB3cL6dF1gH5jS0a"; Client(cl, 2)["import"] = "Xq7PzR2mK9vT4wY8nB3cL6dF1gH5jS0a"; }),
            ["infra:clients[2].import: adopts the same Auth0 object as infra:clients[0].import: each can be adopted once."]),
        ["created vault in an unknown region format"] = (c => c.Edit("infra:keyVault", v => v["create"] = new JsonObject { ["location"] = "West Europe", ["deployerObjectId"] = "6a1f3c5e-8b2d-4e7f-9a0c-1d3e5f7a9b2c" }),
            ["infra:keyVault.create.location: must be an Azure region name such as westeurope (lowercase letters and digits; `az account list-locations -o table`)."]),
        ["created vault without a location"] = (c => c.Edit("infra:keyVault", v => v["create"] = new JsonObject { ["publicNetworkAccess"] = "Disabled", ["deployerObjectId"] = "6a1f3c5e-8b2d-4e7f-9a0c-1d3e5f7a9b2c" }),
            ["infra:keyVault.create.location: is required: set the Azure region, such as westeurope."]),
        ["created vault network access misspelt"] = (c => c.Edit("infra:keyVault", v => v["create"] = new JsonObject { ["location"] = "westeurope", ["publicNetworkAccess"] = "disabled", ["deployerObjectId"] = "6a1f3c5e-8b2d-4e7f-9a0c-1d3e5f7a9b2c" }),
            ["infra:keyVault.create.publicNetworkAccess: must be Enabled or Disabled."]),
        ["created vault network access blank"] = (c => c.Edit("infra:keyVault", v => v["create"] = new JsonObject { ["location"] = "westeurope", ["publicNetworkAccess"] = " ", ["deployerObjectId"] = "6a1f3c5e-8b2d-4e7f-9a0c-1d3e5f7a9b2c" }),
            ["infra:keyVault.create.publicNetworkAccess: must not be blank: set Enabled or Disabled."]),
        ["created vault with an unknown key"] = (c => c.Edit("infra:keyVault", v => v["create"] = new JsonObject { ["location"] = "westeurope", ["sku"] = "premium", ["deployerObjectId"] = "6a1f3c5e-8b2d-4e7f-9a0c-1d3e5f7a9b2c" }),
            ["infra:keyVault.create.sku: unknown key; remove it (known keys: location, publicNetworkAccess, deployerObjectId)."]),
        ["expiry date malformed"] = (c => c.Edit("infra:clients", cl => Client(cl, 1)["expires"] = "31/05/2027"),
            ["infra:clients[1].expires: must be a date written YYYY-MM-DD, such as 2027-03-31."]),
        ["expiry date impossible"] = (c => c.Edit("infra:clients", cl => Client(cl, 1)["expires"] = "2027-02-30"),
            ["infra:clients[1].expires: must be a date written YYYY-MM-DD, such as 2027-03-31."]),
        ["created vault without its deploy identity"] = (c => c.Edit("infra:keyVault", v => v["create"] = new JsonObject { ["location"] = "westeurope" }),
            ["infra:keyVault.create.deployerObjectId: is required: set the object id of the identity that runs pulumi up (`az ad sp show --id <app id> --query id`)."]),
        ["created vault with a deploy identity that is no object id"] = (c => c.Edit("infra:keyVault", v => v["create"] = new JsonObject { ["location"] = "westeurope", ["deployerObjectId"] = "deploy-sp" }),
            ["infra:keyVault.create.deployerObjectId: must be an object id: a GUID in lowercase, such as 0f8d5a3e-6b1c-4e2a-9d7f-3c5b8a1e4f60."]),
        ["expiry beyond the stack's maximum"] = (c => c.Set("infra:maxCredentialLifetimeDays", "90"),
            ["infra:clients[1].expires: 2027-05-31 is more than 90 days ahead (infra:maxCredentialLifetimeDays): set 2027-02-26 or earlier."]),
        ["expiry missing where the stack requires one"] = (c => c.Set("infra:maxCredentialLifetimeDays", "200").Edit("infra:clients", cl => Client(cl, 0).AsObject().Remove("expires")),
            ["infra:clients[0].expires: is required in this stack (infra:maxCredentialLifetimeDays is 200): set a date (YYYY-MM-DD) at most 200 days ahead."]),
        ["maximum lifetime not a number"] = (c => c.Set("infra:maxCredentialLifetimeDays", "90d"),
            ["infra:maxCredentialLifetimeDays: must be a whole number of days."]),
        ["maximum lifetime negative"] = (c => c.Set("infra:maxCredentialLifetimeDays", "-5"),
            ["infra:maxCredentialLifetimeDays: must be between 0 (no maximum) and 3650 days."]),
        ["rotation negative"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["rotation"] = -1),
            ["infra:clients[0].rotation: must be 0 or more: raise it by one to rotate the client's secret."]),
        ["rotation a string"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["rotation"] = "3"),
            ["infra:clients[0].rotation: must be a whole number (the rotation counter); found a string."]),
        ["disabled a string"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["disabled"] = "yes"),
            ["infra:clients[0].disabled: must be true or false; found a string."]),
        ["secret prefix empty"] = (c => c.Edit("infra:keyVault", v => v["secretPrefix"] = ""),
            ["infra:keyVault.secretPrefix: must not be blank: set the first segment of the secret names."]),
        ["secret prefix with a double hyphen"] = (c => c.Edit("infra:keyVault", v => v["secretPrefix"] = "m2m--acme"),
            ["infra:keyVault.secretPrefix: must be at most 32 letters and digits in groups joined by single hyphens, such as m2m or acme-api."]),
        // Written against the mutants the full infra/ run left alive (docs/testing.md).
        ["resource group over 90"] = (c => c.Edit("infra:keyVault", v => v["resourceGroup"] = new string('r', 91)),
            ["infra:keyVault.resourceGroup: is not a valid resource group name: use at most 90 letters, digits, '-', '_', '.', '(' or ')', not ending with '.'."]),
        ["api name starting with an angle bracket"] = (c => c.Edit("infra:apis", a => Api(a, 0)["name"] = "<Orders"),
            ["infra:apis[0].name: must be at most 200 characters without '<' or '>' (Auth0's limit); it has 7."]),
        ["signingAlg empty"] = (c => c.Edit("infra:apis", a => Api(a, 1)["signingAlg"] = ""),
            ["infra:apis[1].signingAlg: must not be blank: set RS256."]),
        ["two scopes without a value"] = (c => c.Edit("infra:apis", a => { Api(a, 0)["scopes"]![1]!.AsObject().Remove("value"); Api(a, 0)["scopes"]![2]!.AsObject().Remove("value"); }).Edit("infra:clients", cl => Client(cl, 0)["grants"]![0]!["scopes"] = new JsonArray("orders:read")),
            [
                "infra:apis[0].scopes[1].value: is required: set the scope, such as orders:read.",
                "infra:apis[0].scopes[2].value: is required: set the scope, such as orders:read.",
            ]),
        ["two apis without an identifier"] = (c => c.Edit("infra:apis", a => { Api(a, 0).AsObject().Remove("identifier"); Api(a, 1).AsObject().Remove("identifier"); }),
            [
                "infra:apis[0].identifier: is required: set the audience, such as https://orders.example.com.",
                "infra:apis[1].identifier: is required: set the audience, such as https://orders.example.com.",
            ]),
        ["reader object id missing"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["readers"]![0]!.AsObject().Remove("objectId")),
            ["infra:clients[0].readers[0].objectId: is required: set the principal's object id (a GUID)."]),
        ["malformed previous key claimed by two clients"] = (c => c.Edit("infra:clients", cl => { Client(cl, 0)["previousKeys"] = new JsonArray("Legacy_Client"); Client(cl, 1)["previousKeys"] = new JsonArray("Legacy_Client"); }),
            [
                "infra:clients[0].previousKeys[0]: must be at most 40 lowercase letters and digits in groups joined by single hyphens, such as orders-sync: it names resources and Key Vault secrets.",
                "infra:clients[1].previousKeys[0]: must be at most 40 lowercase letters and digits in groups joined by single hyphens, such as orders-sync: it names resources and Key Vault secrets.",
            ]),
        ["api previous key malformed"] = (c => c.Edit("infra:apis", a => Api(a, 0)["previousKeys"] = new JsonArray("Orders_API")),
            ["infra:apis[0].previousKeys[0]: must be at most 40 lowercase letters and digits in groups joined by single hyphens, such as orders-api: it names resources and Key Vault secrets."]),
        ["grant of an api with no near match"] = (c => c.Edit("infra:clients", cl => Client(cl, 2)["grants"]![0]!["api"] = "payments"),
            ["infra:clients[2].grants[0].api: names no API 'payments'; use the key of an API under infra:apis (inventory-api, orders-api)."]),
        ["keyVault name an object"] = (c => c.Edit("infra:keyVault", v => v["name"] = new JsonObject { ["value"] = "kv-acme" }),
            ["infra:keyVault.name: must be a string (the name of the Key Vault); found an object."]),
        ["client name a list"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["name"] = new JsonArray("Checkout")),
            ["infra:clients[0].name: must be a string (the display name); found a list."]),
        ["client owner a boolean"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["owner"] = true),
            ["infra:clients[0].owner: must be a string (the accountable team or person); found a boolean."]),
        // A malformed entry's placeholder (an empty scope, API or reader) must add no problem of its own.
        ["scope not an object"] = (c => c.Edit("infra:apis", a => Api(a, 1)["scopes"]![0] = "stock:read"),
            [
                "infra:apis[1].scopes[0]: must be an object with the keys value, description; found a string.",
                "infra:clients[0].grants[1].scopes[0]: scope 'stock:read' is not declared on API 'inventory-api'; declare it under infra:apis[1].scopes or use one of: stock:adjust.",
                "infra:clients[1].grants[0].scopes[0]: scope 'stock:read' is not declared on API 'inventory-api'; declare it under infra:apis[1].scopes or use one of: stock:adjust.",
            ]),
        ["grant of a scope on an api whose only scope is malformed"] = (c => c.Edit("infra:apis", a => Api(a, 1)["scopes"] = new JsonArray("stock:read")).Edit("infra:clients", cl => cl.AsArray().RemoveAt(1)).Edit("infra:clients", cl => Client(cl, 0)["grants"]![1]!["scopes"] = new JsonArray("stock:read")),
            [
                "infra:apis[1].scopes[0]: must be an object with the keys value, description; found a string.",
                "infra:clients[0].grants[1].scopes[0]: scope 'stock:read' is not declared on API 'inventory-api'; declare it under infra:apis[1].scopes.",
            ]),
        ["reader not an object"] = (c => c.Edit("infra:clients", cl => Client(cl, 0)["readers"]![0] = "checkout-identity"),
            ["infra:clients[0].readers[0]: must be an object with the keys objectId, principalType; found a string."]),
        ["two apis not objects"] = (c => c.Edit("infra:apis", a => { a[0] = "orders-api"; a[1] = "inventory-api"; }).Set("infra:clients", "[]"),
            [
                "infra:apis[0]: must be an object with the keys key, name, identifier, scopes, tokenLifetime, signingAlg, previousKeys, import, owners, maxCredentialLifetimeDays; found a string.",
                "infra:apis[1]: must be an object with the keys key, name, identifier, scopes, tokenLifetime, signingAlg, previousKeys, import, owners, maxCredentialLifetimeDays; found a string.",
            ]),
        ["two apis without a key"] = (c => c.Edit("infra:apis", a => { Api(a, 0).AsObject().Remove("key"); Api(a, 1).AsObject().Remove("key"); }).Set("infra:clients", "[]"),
            [
                "infra:apis[0].key: is required: set a stable key such as orders-api.",
                "infra:apis[1].key: is required: set a stable key such as orders-api.",
            ]),
        // An unreadable value counts as false, so it adds no "production needs protection" problem.
        ["production not a boolean in a stack without protection"] = (c => c.Set("infra:production", "yes").Set("infra:protect", "false"),
            ["infra:production: must be true or false."]),
        // Without a domain there is no Management API identifier to compare with (not "https:///api/v2/").
        ["no domain and an api named like a domainless Management API"] = (c => c.Without("auth0:domain").Edit("infra:apis", a => Api(a, 0)["identifier"] = "https:///api/v2/"),
            ["auth0:domain: is required: run `pulumi config set auth0:domain <tenant>.<region>.auth0.com` (or set AUTH0_DOMAIN)."]),
        ["role assignments over the budget with a created vault"] = (c => c.Set("infra:roleAssignmentBudget", "4").Edit("infra:keyVault", v => v["create"] = new JsonObject { ["location"] = "westeurope", ["deployerObjectId"] = "6a1f3c5e-8b2d-4e7f-9a0c-1d3e5f7a9b2c" }),
            ["infra:clients: declare 5 Azure role assignments (one per reader of each enabled client, and the deployer's on the vault), over this stack's budget of 4 (infra:roleAssignmentBudget; Azure allows 4,000 per subscription, shared with everything else in it). Ways out: let one group read several clients' secrets instead of a principal per client, remove readers of clients that no longer need them, move some clients to a stack in another subscription, or raise the budget if the subscription has room."]),
    };
}
