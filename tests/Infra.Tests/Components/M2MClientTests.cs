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
            [("environment", "dev"), ("expires_at", "2027-02-15"), ("managed_by", "pulumi:infra"), ("owner", "team-checkout")],
            client.Map("clientMetadata").OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, (string)kv.Value)));
        Assert.Equal(7, client.Inputs.Count);
    }

    [Fact]
    public async Task The_credentials_use_client_secret_post_on_the_client()
    {
        var run = await StackHarness.RunAsync(Dev);

        var credentials = run.Single(ResourceTypes.ClientCredentials, "nightly-reconciler");
        Assert.Equal(
            [("authenticationMethod", "client_secret_post"), ("clientId", "cid_nightly-reconciler"), ("clientSecret", StackHarness.SecretOf("nightly-reconciler"))],
            credentials.Inputs.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, (string)kv.Value)));
        Assert.Equal(3, run.OfType(ResourceTypes.ClientCredentials).Count);
    }

    [Fact]
    public async Task Each_granted_api_gets_one_grant_with_exactly_the_configured_scopes()
    {
        var run = await StackHarness.RunAsync(Dev);

        var grants = run.OfType(ResourceTypes.ClientGrant)
            .Select(g => (g.Name, ClientId: g.Input<string>("clientId"), Audience: g.Input<string>("audience"), Scopes: string.Join(" ", g.Strings("scopes")), SubjectType: g.Input<string>("subjectType")))
            .ToList();
        Assert.Equal(
            [
                ("checkout-service--orders-api", "cid_checkout-service", "https://api.acme.example/orders", "orders:read orders:write", "client"),
                ("checkout-service--inventory-api", "cid_checkout-service", "https://api.acme.example/inventory", "stock:read", "client"),
                ("nightly-reconciler--inventory-api", "cid_nightly-reconciler", "https://api.acme.example/inventory", "stock:adjust stock:read", "client"),
                ("partner-globex--orders-api", "cid_partner-globex", "https://api.acme.example/orders", "orders:read", "client"),
            ],
            grants);
        Assert.All(run.OfType(ResourceTypes.ClientGrant), g => Assert.Equal(4, g.Inputs.Count));
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
        Assert.Equal(3 + 3 + 3 + 4 + 16 + 21, children.Count); // clients, credentials, passwords, grants, secrets, assignments
        Assert.All(children, c => Assert.StartsWith(c.Options.Parent!.GetResourceName(), c.Resource.GetResourceName().Replace("m2m--", "", StringComparison.Ordinal), StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_consumer_secrets_hold_id_secret_endpoint_and_audiences_in_the_configured_vault()
    {
        var run = await StackHarness.RunAsync(Dev);

        var secrets = run.OfType(ResourceTypes.Secret).Where(s => s.Name.StartsWith("m2m--checkout-service--", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                // Rotated twice in the dev stack: the fakes mark a rotated secret with the counter.
                ("m2m--checkout-service--ClientSecretNext", StackHarness.SecretOf("checkout-service") + ".r2"),
                ("m2m--checkout-service--ClientId", "cid_checkout-service"),
                ("m2m--checkout-service--ClientSecret", StackHarness.SecretOf("checkout-service") + ".r2"),
                ("m2m--checkout-service--TokenEndpoint", "https://acme-dev.eu.auth0.com/oauth/token"),
                ("m2m--checkout-service--Audience--orders-api", "https://api.acme.example/orders"),
                ("m2m--checkout-service--Audience--inventory-api", "https://api.acme.example/inventory"),
            ],
            secrets.Select(s => (s.Name, (string)s.Map("properties")["value"])));
        Assert.All(secrets, s =>
        {
            Assert.Equal(s.Name, s.Input<string>("secretName"));
            Assert.Equal("kv-acme-m2m-dev", s.Input<string>("vaultName"));
            Assert.Equal("rg-acme-identity-dev", s.Input<string>("resourceGroupName"));
            Assert.Equal("text/plain", s.Map("properties")["contentType"]);
        });
        Assert.Equal(16, run.OfType(ResourceTypes.Secret).Count);
    }

    [Fact]
    public async Task Secret_tags_name_the_client_and_never_carry_secret_material()
    {
        var run = await StackHarness.RunAsync(Dev);

        var tags = run.Single(ResourceTypes.Secret, "m2m--partner-globex--ClientSecret").Map("tags");
        Assert.Equal(
            [("auth0-client", "partner-globex"), ("environment", "dev"), ("kind", "clientSecret"), ("managed-by", "pulumi:infra")],
            tags.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, (string)kv.Value)));
        var secrets = new[] { "checkout-service", "nightly-reconciler", "partner-globex" }.Select(StackHarness.SecretOf).ToList();
        Assert.All(run.OfType(ResourceTypes.Secret), s => Assert.DoesNotContain(s.Map("tags").Values.Cast<string>(), v => secrets.Any(v.Contains)));
    }

    [Fact]
    public async Task The_client_secret_given_to_key_vault_is_a_pulumi_secret_even_when_the_provider_returns_it_plain()
    {
        // The fakes return the secret as plain text: only the program's own marking can make it secret.
        var captured = await StackHarness.CaptureAsync(Dev);

        var values = captured
            .Where(c => c.Resource is Pulumi.AzureNative.KeyVault.Secret)
            .ToDictionary(c => c.Resource.GetResourceName(), c => ((Output<Pulumi.AzureNative.KeyVault.Inputs.SecretPropertiesArgs>)((AzureSecretArgs)c.Args!).Properties).Apply(p => p.Value!));
        Assert.Equal(16, values.Count);
        foreach (var client in new[] { "checkout-service", "nightly-reconciler", "partner-globex" })
        {
            Assert.True(await Output.IsSecretAsync(values[$"m2m--{client}--ClientSecret"]), client);
            Assert.True(await Output.IsSecretAsync(values[$"m2m--{client}--ClientSecretNext"]), client);
            Assert.StartsWith(StackHarness.SecretOf(client), await StackHarness.ValueAsync(values[$"m2m--{client}--ClientSecret"]), StringComparison.Ordinal);
            Assert.False(await Output.IsSecretAsync(values[$"m2m--{client}--TokenEndpoint"]), client);
        }

        var component = captured.Select(c => c.Resource).OfType<M2MClient>().First();
        Assert.True(await Output.IsSecretAsync(component.ClientSecret));
    }

    [Fact]
    public async Task Secrets_are_written_only_after_the_clients_grants_exist()
    {
        var captured = await StackHarness.CaptureAsync(Dev);

        var secret = captured.Single(c => c.Resource.GetResourceName() == "m2m--checkout-service--ClientSecret");
        var dependsOn = ((InputList<Resource>)secret.Options.DependsOn).ToOutput();
        var grants = await StackHarness.ValueAsync(dependsOn);
        // And CURRENT only after Auth0 has the secret it holds (the credentials).
        Assert.Equal(["checkout-service--orders-api", "checkout-service--inventory-api", "checkout-service"], grants.Select(g => g.GetResourceName()));
        Assert.IsType<ClientCredentials>(grants[^1]);
    }

    [Fact]
    public async Task A_provider_that_reads_the_secret_back_empty_changes_nothing_the_program_writes()
    {
        // An identity without read:client_keys reads every client secret back as "" (a read-only preview does).
        var normal = await StackHarness.RunAsync(Dev);
        var fakes = new ProviderFakes(StackHarness.SecretOf) { CredentialsReadBackEmpty = true };
        var readBackEmpty = await StackHarness.RunAsync(Dev, fakes);

        Assert.Equal(Snapshot.Of(normal), Snapshot.Of(readBackEmpty));
        Assert.Equal(StackHarness.SecretOf("nightly-reconciler"), readBackEmpty.Single(ResourceTypes.Secret, "m2m--nightly-reconciler--ClientSecret").Map("properties")["value"]);
    }

    [Fact]
    public async Task The_component_registers_id_scopes_and_secret_locations_but_not_the_secret()
    {
        var run = await StackHarness.RunAsync(Dev);

        var outputs = run.OutputsOf(M2MClient.TypeToken, "nightly-reconciler");
        Assert.Equal(["clientId", "grantedScopes", "secretNames", "secretUris"], outputs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("cid_nightly-reconciler", await StackHarness.ValueAsync(outputs["clientId"]));
        var scopes = (ImmutableDictionary<string, object>)(await StackHarness.ValueAsync(outputs["grantedScopes"]))!;
        Assert.Equal(["stock:adjust", "stock:read"], ((ImmutableArray<object>)scopes["inventory-api"]).Cast<string>());
        var uris = (ImmutableDictionary<string, object>)(await StackHarness.ValueAsync(outputs["secretUris"]))!;
        Assert.Equal("https://kv-acme-m2m-dev.vault.azure.net/secrets/m2m--nightly-reconciler--ClientSecret", uris["clientSecret"]);
        Assert.Equal(5, uris.Count);
    }
}

public class SecretReaderTests
{
    private static readonly Dictionary<string, string> Dev = StackHarness.StackConfig();
    private const string CheckoutIdentity = "0f8d5a3e-6b1c-4e2a-9d7f-3c5b8a1e4f60";

    [Fact]
    public async Task Each_reader_gets_key_vault_secrets_user_on_each_of_its_clients_secrets_and_nothing_else()
    {
        var run = await StackHarness.RunAsync(Dev);

        var assignments = run.OfType(ResourceTypes.RoleAssignment).Where(a => a.Input<string>("principalId") == CheckoutIdentity).ToList();
        var vaultScope = $"/subscriptions/{ProviderFakes.SubscriptionId}/resourceGroups/rg-acme-identity-dev/providers/Microsoft.KeyVault/vaults/kv-acme-m2m-dev/secrets/";
        Assert.Equal(
            [
                vaultScope + "m2m--checkout-service--ClientSecretNext",
                vaultScope + "m2m--checkout-service--ClientId",
                vaultScope + "m2m--checkout-service--ClientSecret",
                vaultScope + "m2m--checkout-service--TokenEndpoint",
                vaultScope + "m2m--checkout-service--Audience--orders-api",
                vaultScope + "m2m--checkout-service--Audience--inventory-api",
            ],
            assignments.Select(a => a.Input<string>("scope")));
        Assert.All(assignments, a =>
        {
            Assert.Equal($"/subscriptions/{ProviderFakes.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6", a.Input<string>("roleDefinitionId"));
            Assert.Equal("ServicePrincipal", a.Input<string>("principalType"));
            Assert.Equal(KeyVaultRoles.AssignmentName(a.Input<string>("scope"), CheckoutIdentity, KeyVaultRoles.SecretsUser), a.Input<string>("roleAssignmentName"));
            Assert.Equal($"{a.Input<string>("scope")[vaultScope.Length..]}--{CheckoutIdentity}", a.Name);
        });
        Assert.Equal(6, assignments.Select(a => a.Input<string>("roleAssignmentName")).Distinct().Count());
    }

    [Fact]
    public async Task A_group_reader_keeps_its_principal_type_and_readers_of_one_client_touch_no_other_client()
    {
        var run = await StackHarness.RunAsync(Dev);

        var group = run.OfType(ResourceTypes.RoleAssignment).Where(a => a.Input<string>("principalId") == "c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f").ToList();
        Assert.Equal(5, group.Count);
        Assert.All(group, a => Assert.Equal("Group", a.Input<string>("principalType")));
        Assert.All(group, a => Assert.Contains("/secrets/m2m--partner-globex--", a.Input<string>("scope"), StringComparison.Ordinal));
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
        var clientSecret = run.Single(ResourceTypes.RoleAssignment, $"m2m--checkout-service--ClientSecret--{CheckoutIdentity}");
        Assert.Equal(GoldenDevAssignmentName, clientSecret.Input<string>("roleAssignmentName"));
    }

    private const string GoldenAssignmentName = "1aea56b5-f088-5e0a-9cbf-69b5dce31533";
    private const string GoldenDevAssignmentName = "531c1a79-1545-5534-b97d-5ab125e2a27b";

    [Fact]
    public async Task A_readers_assignment_waits_for_its_secret()
    {
        var captured = await StackHarness.CaptureAsync(Dev);

        var assignment = captured.Single(c => c.Resource.GetResourceName() == $"m2m--checkout-service--ClientSecret--{CheckoutIdentity}");
        var dependsOn = await StackHarness.ValueAsync(((InputList<Resource>)assignment.Options.DependsOn).ToOutput());
        Assert.Equal(["m2m--checkout-service--ClientSecret"], dependsOn.Select(d => d.GetResourceName()));
    }
}
