using System.Collections.Immutable;
using Infra.Components;
using Infra.Tests.Support;
using Pulumi;
using Pulumi.Auth0;
using AzureSecretArgs = Pulumi.AzureNative.KeyVault.SecretArgs;

namespace Infra.Tests.Components;

public class M2MClientTests
{
    private static readonly Dictionary<string, string> Dev = StackHarness.StackConfig();

    [Fact]
    public async Task The_client_is_a_machine_to_machine_app_that_only_does_client_credentials()
    {
        var run = await StackHarness.RunAsync(Dev);

        var client = run.Single(ResourceTypes.Client, "checkout-service");
        Assert.Equal("Checkout service", client.Input<string>("name"));
        Assert.Equal("Places orders and reserves stock during checkout", client.Input<string>("description"));
        Assert.Equal("non_interactive", client.Input<string>("appType"));
        Assert.Equal(["client_credentials"], client.Strings("grantTypes"));
        Assert.True(client.Input<bool>("isFirstParty"));
        Assert.True(client.Input<bool>("oidcConformant"));
        Assert.Equal(
            [("environment", "dev"), ("expires_at", "2027-02-15"), ("key", "checkout-service"), ("managed_by", "pulumi:infra"), ("owner", "team-checkout")],
            client.Map("clientMetadata").OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, (string)kv.Value)));
        Assert.Equal(7, client.Inputs.Count);
    }

    [Fact]
    public async Task The_credentials_use_client_secret_post_on_the_client_with_the_active_slots_secret()
    {
        var run = await StackHarness.RunAsync(Dev);

        var credentials = run.Single(ResourceTypes.ClientCredentials, "nightly-reconciler");
        Assert.Equal(
            [("authenticationMethod", "client_secret_post"), ("clientId", "cid_nightly-reconciler"), ("clientSecret", "S3cr3t.nightly-reconciler.xVq9Lr2pWm8Tz4Kd.slot0.0")],
            credentials.Inputs.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, (string)kv.Value)));
        // Rotated twice: rotation 2 lives in slot 0.
        Assert.Equal("S3cr3t.checkout-service.xVq9Lr2pWm8Tz4Kd.slot0.2", run.Single(ResourceTypes.ClientCredentials, "checkout-service").Input<string>("clientSecret"));
        Assert.Equal(3, run.OfType(ResourceTypes.ClientCredentials).Count);
    }

    [Fact]
    public async Task Each_granted_api_gets_one_grant_with_exactly_the_configured_scopes()
    {
        var run = await StackHarness.RunAsync(Dev);

        var grants = run.OfType(ResourceTypes.ClientGrant)
            .Select(g => (g.Name, ClientId: g.Input<string>("clientId"), Audience: g.Input<string>("audience"), Scopes: string.Join(" ", g.Strings("scopes")), SubjectType: g.Inputs.GetValueOrDefault("subjectType")))
            .ToList();
        Assert.Equal(
            [
                ("checkout-service--orders-api", "cid_checkout-service", "https://api.acme.example/orders", "orders:read orders:write", (object?)null),
                ("checkout-service--inventory-api", "cid_checkout-service", "https://api.acme.example/inventory", "stock:read", (object?)null),
                ("nightly-reconciler--inventory-api", "cid_nightly-reconciler", "https://api.acme.example/inventory", "stock:adjust stock:read", (object?)null),
                ("partner-globex--orders-api", "cid_partner-globex", "https://api.acme.example/orders", "orders:read", (object?)null),
            ],
            grants);
        // subject_type is left to the tenant (Optional, Computed, ForceNew): client id, audience and scopes only.
        Assert.All(run.OfType(ResourceTypes.ClientGrant), g => Assert.Equal(3, g.Inputs.Count));
    }

    [Fact]
    public async Task Grants_are_deleted_before_they_are_replaced_and_everything_is_parented_to_its_client()
    {
        var captured = await StackHarness.CaptureAsync(Dev);

        var grants = captured.Where(c => c.Resource is ClientGrant).ToList();
        Assert.Equal(4, grants.Count);
        Assert.All(grants, g => Assert.True(((CustomResourceOptions)g.Options).DeleteBeforeReplace));
        Assert.All(captured.Where(c => c.Resource is Client or ClientCredentials), c => Assert.NotEqual(true, ((CustomResourceOptions)c.Options).DeleteBeforeReplace));

        var children = captured.Where(c => c.Options.Parent is M2MClient).ToList();
        Assert.Equal(3 + 3 + 4 + 4 + 3 + 4, children.Count); // clients, credentials, passwords, grants, secrets, assignments
        Assert.All(children, c => Assert.StartsWith(c.Options.Parent!.GetResourceName(), c.Resource.GetResourceName().Replace("m2m--", "", StringComparison.Ordinal), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_client_has_one_secret_holding_its_credentials_document_in_the_configured_vault()
    {
        var run = await StackHarness.RunAsync(Dev);

        var secrets = run.OfType(ResourceTypes.Secret);
        Assert.Equal(["m2m--checkout-service", "m2m--nightly-reconciler", "m2m--partner-globex"], secrets.Select(s => s.Name));
        // Rotated twice: the secret of rotation 2 (slot 0) in force, the one of rotation 1 (slot 1) as the fallback.
        Assert.Equal(
            """{"clientId":"cid_checkout-service","clientSecret":"S3cr3t.checkout-service.xVq9Lr2pWm8Tz4Kd.slot0.2","fallbackClientSecret":"S3cr3t.checkout-service.xVq9Lr2pWm8Tz4Kd.slot1.1","tokenEndpoint":"https://acme-dev.eu.auth0.com/oauth/token","audiences":{"inventory-api":"https://api.acme.example/inventory","orders-api":"https://api.acme.example/orders"},"expires":"2027-02-15","disabled":false,"version":1}""",
            Value(run, "m2m--checkout-service"));
        // Never rotated: no fallback yet.
        Assert.Equal(
            """{"clientId":"cid_nightly-reconciler","clientSecret":"S3cr3t.nightly-reconciler.xVq9Lr2pWm8Tz4Kd.slot0.0","fallbackClientSecret":null,"tokenEndpoint":"https://acme-dev.eu.auth0.com/oauth/token","audiences":{"inventory-api":"https://api.acme.example/inventory"},"expires":"2027-05-31","disabled":false,"version":1}""",
            Value(run, "m2m--nightly-reconciler"));
        Assert.All(secrets, s =>
        {
            Assert.Equal(["properties", "resourceGroupName", "secretName", "tags", "vaultName"], s.Inputs.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(s.Name, s.Input<string>("secretName"));
            Assert.Equal("kv-acme-m2m-dev", s.Input<string>("vaultName"));
            Assert.Equal("rg-acme-identity-dev", s.Input<string>("resourceGroupName"));
            Assert.Equal(["attributes", "contentType", "value"], s.Map("properties").Keys.Order(StringComparer.Ordinal));
            Assert.Equal("application/json", s.Map("properties")["contentType"]);
        });
        Assert.Equal(
            [("enabled", (object)true), ("expires", 1802649600d)],
            Attributes(run, "m2m--checkout-service").OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)));
    }

    [Fact]
    public async Task Secret_tags_name_the_client_and_its_owner_and_never_carry_secret_material()
    {
        var run = await StackHarness.RunAsync(Dev);

        var tags = run.Single(ResourceTypes.Secret, "m2m--partner-globex").Map("tags");
        Assert.Equal(
            [("auth0-client", "partner-globex"), ("environment", "dev"), ("managed-by", "pulumi:infra"), ("owner", "partnerships@acme.example")],
            tags.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, (string)kv.Value)));
        // Every generated value contains its client's base secret, so this covers both slots.
        var secrets = new[] { "checkout-service", "nightly-reconciler", "partner-globex" }.Select(StackHarness.SecretOf).ToList();
        Assert.All(run.OfType(ResourceTypes.Secret), s => Assert.DoesNotContain(s.Map("tags").Values.Cast<string>(), v => secrets.Any(v.Contains)));
    }

    [Fact]
    public async Task The_document_given_to_key_vault_is_a_pulumi_secret_even_when_the_provider_returns_the_secrets_plain()
    {
        // The fakes return every generated secret as plain text: only the program's own marking can make it secret.
        var captured = await StackHarness.CaptureAsync(Dev.Edit("infra:clients", c => c[1]!["disabled"] = true));

        var values = captured
            .Where(c => c.Resource is Pulumi.AzureNative.KeyVault.Secret)
            .ToDictionary(c => c.Resource.GetResourceName(), c => ((Output<Pulumi.AzureNative.KeyVault.Inputs.SecretPropertiesArgs>)((AzureSecretArgs)c.Args!).Properties).Apply(p => p.Value!));
        Assert.Equal(["m2m--checkout-service", "m2m--nightly-reconciler", "m2m--partner-globex"], values.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, value) in values)
        {
            // A disabled client's document too, though it holds no secret: the value is secret as a whole, always.
            Assert.True(await Output.IsSecretAsync(value), name);
        }

        Assert.StartsWith("{\"clientId\":\"cid_checkout-service\",\"clientSecret\":\"S3cr3t.checkout-service.", await StackHarness.ValueAsync(values["m2m--checkout-service"]), StringComparison.Ordinal);
        var components = captured.Select(c => c.Resource).OfType<M2MClient>().ToList();
        Assert.Equal(3, components.Count);
        foreach (var component in components)
        {
            Assert.True(await Output.IsSecretAsync(component.ClientSecret), component.GetResourceName());
        }

        // The secret in force: the active slot's, and none for the disabled client.
        var inForce = components.ToDictionary(c => c.GetResourceName(), c => c.ClientSecret);
        var checkout = Infra.Config.ConsumerCredentials.Parse(await StackHarness.ValueAsync(values["m2m--checkout-service"]));
        Assert.Equal(checkout.ClientSecret, await StackHarness.ValueAsync(inForce["checkout-service"]));
        Assert.Equal("", await StackHarness.ValueAsync(inForce["nightly-reconciler"]));

        foreach (var credentials in captured.Where(c => c.Resource is ClientCredentials))
        {
            Assert.True(await Output.IsSecretAsync(((ClientCredentialsArgs)credentials.Args!).ClientSecret!.ToOutput()), credentials.Resource.GetResourceName());
        }
    }

    [Fact]
    public async Task The_document_is_written_after_the_clients_grants_and_before_auth0_gets_its_secret()
    {
        var captured = await StackHarness.CaptureAsync(Dev);

        var document = captured.Single(c => c.Resource.GetResourceName() == "m2m--checkout-service");
        var before = await StackHarness.ValueAsync(((InputList<Resource>)document.Options.DependsOn).ToOutput());
        Assert.Equal(["checkout-service--orders-api", "checkout-service--inventory-api"], before.Select(g => g.GetResourceName()));
        Assert.All(before, r => Assert.IsType<ClientGrant>(r));

        var credentials = captured.Single(c => c.Resource is ClientCredentials && c.Resource.GetResourceName() == "checkout-service");
        var after = await StackHarness.ValueAsync(((InputList<Resource>)credentials.Options.DependsOn).ToOutput());
        Assert.Same(document.Resource, Assert.Single(after));
    }

    [Fact]
    public async Task A_provider_that_reads_the_secret_back_empty_changes_nothing_the_program_writes()
    {
        // An identity without read:client_keys reads every client secret back as "" (a read-only preview does).
        var normal = await StackHarness.RunAsync(Dev);
        var fakes = new ProviderFakes(StackHarness.SecretOf) { CredentialsReadBackEmpty = true };
        var readBackEmpty = await StackHarness.RunAsync(Dev, fakes);

        Assert.Equal(Snapshot.Of(normal), Snapshot.Of(readBackEmpty));
        Assert.Contains("\"clientSecret\":\"S3cr3t.nightly-reconciler.xVq9Lr2pWm8Tz4Kd.slot0.0\"", Value(readBackEmpty, "m2m--nightly-reconciler"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_component_registers_id_scopes_and_its_secrets_location_but_not_the_secret()
    {
        var run = await StackHarness.RunAsync(Dev);

        var outputs = run.OutputsOf(M2MClient.TypeToken, "nightly-reconciler");
        Assert.Equal(["clientId", "grantedScopes", "secretName", "secretUri"], outputs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("cid_nightly-reconciler", await StackHarness.ValueAsync(outputs["clientId"]));
        var scopes = (ImmutableDictionary<string, object>)(await StackHarness.ValueAsync(outputs["grantedScopes"]))!;
        Assert.Equal(["stock:adjust", "stock:read"], ((ImmutableArray<object>)scopes["inventory-api"]).Cast<string>());
        Assert.Equal("m2m--nightly-reconciler", await StackHarness.ValueAsync(outputs["secretName"]));
        Assert.Equal("https://kv-acme-m2m-dev.vault.azure.net/secrets/m2m--nightly-reconciler", await StackHarness.ValueAsync(outputs["secretUri"]));
    }

    /// <summary>The value the program wrote into a Key Vault secret.</summary>
    internal static string Value(StackRun run, string secretName) => (string)run.Single(ResourceTypes.Secret, secretName).Map("properties")["value"];

    /// <summary>The Key Vault attributes the program set on a secret.</summary>
    internal static ImmutableDictionary<string, object> Attributes(StackRun run, string secretName)
        => (ImmutableDictionary<string, object>)run.Single(ResourceTypes.Secret, secretName).Map("properties")["attributes"];
}

public class SecretReaderTests
{
    private static readonly Dictionary<string, string> Dev = StackHarness.StackConfig();
    private const string CheckoutIdentity = "0f8d5a3e-6b1c-4e2a-9d7f-3c5b8a1e4f60";

    [Fact]
    public async Task Each_reader_gets_key_vault_secrets_user_on_its_clients_one_secret_and_nothing_else()
    {
        var run = await StackHarness.RunAsync(Dev);

        var vaultScope = $"/subscriptions/{ProviderFakes.SubscriptionId}/resourceGroups/rg-acme-identity-dev/providers/Microsoft.KeyVault/vaults/kv-acme-m2m-dev/secrets/";
        Assert.Equal(
            [
                ("0f8d5a3e-6b1c-4e2a-9d7f-3c5b8a1e4f60", vaultScope + "m2m--checkout-service", "ServicePrincipal"),
                ("7a2c9e14-5d3b-4f81-8e6a-1b9c0d2e3f47", vaultScope + "m2m--nightly-reconciler", "ServicePrincipal"),
                ("4e6b8d0f-2a1c-4b3d-8f5e-9c7a6b5d4e3f", vaultScope + "m2m--partner-globex", "ServicePrincipal"),
                ("c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f", vaultScope + "m2m--partner-globex", "Group"),
            ],
            run.OfType(ResourceTypes.RoleAssignment).Select(a => (a.Input<string>("principalId"), a.Input<string>("scope"), a.Input<string>("principalType"))));
        Assert.All(run.OfType(ResourceTypes.RoleAssignment), a =>
        {
            Assert.Equal(["principalId", "principalType", "roleAssignmentName", "roleDefinitionId", "scope"], a.Inputs.Keys.Order(StringComparer.Ordinal));
            Assert.Equal($"/subscriptions/{ProviderFakes.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6", a.Input<string>("roleDefinitionId"));
            Assert.Equal(KeyVaultRoles.AssignmentName(a.Input<string>("scope"), a.Input<string>("principalId"), KeyVaultRoles.SecretsUser), a.Input<string>("roleAssignmentName"));
            Assert.Equal($"{a.Input<string>("scope")[vaultScope.Length..]}--{a.Input<string>("principalId")}", a.Name);
        });
        Assert.Equal(4, run.OfType(ResourceTypes.RoleAssignment).Select(a => a.Input<string>("roleAssignmentName")).Distinct().Count());
    }

    [Fact]
    public async Task Assignment_names_are_name_based_guids_of_scope_principal_and_role()
    {
        // Pinned values (cross-checked with Python's uuid.uuid5): a change to the naming would make Azure see every
        // assignment as new and reject the duplicates.
        var name = KeyVaultRoles.AssignmentName("/subscriptions/S/X", "P", KeyVaultRoles.SecretsUser);
        Assert.Equal(name, KeyVaultRoles.AssignmentName("/subscriptions/s/x", "p", KeyVaultRoles.SecretsUser));
        Assert.NotEqual(name, KeyVaultRoles.AssignmentName("/subscriptions/s/x", "p", KeyVaultRoles.SecretsOfficer));
        Assert.NotEqual(name, KeyVaultRoles.AssignmentName("/subscriptions/s/y", "p", KeyVaultRoles.SecretsUser));
        Assert.Equal('5', name[14]);
        Assert.Equal(GoldenAssignmentName, name);

        var run = await StackHarness.RunAsync(Dev);
        var assignment = run.Single(ResourceTypes.RoleAssignment, $"m2m--checkout-service--{CheckoutIdentity}");
        Assert.Equal(GoldenDevAssignmentName, assignment.Input<string>("roleAssignmentName"));
    }

    private const string GoldenAssignmentName = "1aea56b5-f088-5e0a-9cbf-69b5dce31533";
    private const string GoldenDevAssignmentName = "8ce0556e-e4a5-5935-977c-f9b7d544754b";

    [Fact]
    public async Task A_readers_assignment_waits_for_its_secret()
    {
        var captured = await StackHarness.CaptureAsync(Dev);

        var assignment = captured.Single(c => c.Resource.GetResourceName() == $"m2m--checkout-service--{CheckoutIdentity}");
        var dependsOn = await StackHarness.ValueAsync(((InputList<Resource>)assignment.Options.DependsOn).ToOutput());
        Assert.Equal(["m2m--checkout-service"], dependsOn.Select(d => d.GetResourceName()));
        Assert.True(((CustomResourceOptions)assignment.Options).DeleteBeforeReplace);
    }
}
