using System.Collections;
using System.Text.Json.Nodes;
using Infra.Components;
using Infra.Config;
using Infra.Tests.Config;
using Infra.Tests.Support;
using Moq;
using Pulumi;

namespace Infra.Tests;

public class AccessStackTests
{
    private static readonly Dictionary<string, string> Dev = StackHarness.StackConfig();
    private static readonly string[] DevClients = ["checkout-service", "nightly-reconciler", "partner-globex"];

    [Fact]
    public async Task The_dev_stack_registers_exactly_these_resources()
    {
        var run = await StackHarness.RunAsync(Dev);

        var counts = run.Registered.GroupBy(r => r.Type).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(
            new Dictionary<string, int>
            {
                [ApiResourceServer.TypeToken] = 2,
                [ResourceTypes.ResourceServer] = 2,
                [ResourceTypes.ResourceServerScopes] = 2,
                [M2MClient.TypeToken] = 3,
                [ResourceTypes.Client] = 3,
                [ResourceTypes.ClientCredentials] = 3,
                [ResourceTypes.ClientGrant] = 4,
                [ResourceTypes.Secret] = 3,
                [ResourceTypes.RoleAssignment] = 1 + 1 + 2,
                // Both slots for the client on its second rotation; one for each client that never rotated.
                [ResourceTypes.RandomPassword] = 2 + 1 + 1,
                [CredentialExchangePolicy.TypeToken] = 1,
                [ResourceTypes.Action] = 1,
                [ResourceTypes.TriggerAction] = 1,
            }.OrderBy(kv => kv.Key, StringComparer.Ordinal),
            counts.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        // Logical names come from the stable keys, never the display names.
        Assert.DoesNotContain(run.Registered, r => r.Name.Contains(' ', StringComparison.Ordinal));
        Assert.Equal(["checkout-service", "nightly-reconciler", "partner-globex"], run.OfType(ResourceTypes.Client).Select(c => c.Name));
    }

    [Fact]
    public async Task The_stack_outputs_are_the_token_endpoint_and_per_api_and_client_what_consumers_and_reviewers_need()
    {
        var run = await StackHarness.RunAsync(Dev);

        var (outputs, _) = await StackHarness.StackOutputsAsync(run);
        Assert.Equal(["apis", "clients", "tokenEndpoint"], outputs.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("https://acme-dev.eu.auth0.com/oauth/token", outputs.GetProperty("tokenEndpoint").GetString());
        Assert.Equal(
            """{"identifier":"https://api.acme.example/inventory","scopes":["stock:adjust","stock:read"]}""",
            outputs.GetProperty("apis").GetProperty("inventory-api").GetRawText());
        Assert.Equal(DevClients, outputs.GetProperty("clients").EnumerateObject().Select(c => c.Name));
        Assert.Equal(
            """{"clientId":"cid_checkout-service","disabled":false,"grantedScopes":{"inventory-api":["stock:read"],"orders-api":["orders:read","orders:write"]},"keyVaultSecretName":"m2m--checkout-service","keyVaultSecretUri":"https://kv-acme-m2m-dev.vault.azure.net/secrets/m2m--checkout-service","owner":"team-checkout"}""",
            outputs.GetProperty("clients").GetProperty("checkout-service").GetRawText());
    }

    [Fact]
    public async Task A_disabled_client_stays_in_the_outputs_marked_disabled()
    {
        var run = await StackHarness.RunAsync(Dev.Edit("infra:clients", c => c[2]!["disabled"] = true));

        var (outputs, isSecret) = await StackHarness.StackOutputsAsync(run);
        Assert.False(isSecret);
        Assert.Equal(
            """{"clientId":"cid_partner-globex","disabled":true,"grantedScopes":{"orders-api":["orders:read"]},"keyVaultSecretName":"m2m--partner-globex","keyVaultSecretUri":"https://kv-acme-m2m-dev.vault.azure.net/secrets/m2m--partner-globex","owner":"partnerships@acme.example"}""",
            outputs.GetProperty("clients").GetProperty("partner-globex").GetRawText());
    }

    [Fact]
    public async Task No_output_of_the_stack_or_any_component_holds_or_is_secret_material()
    {
        var run = await StackHarness.RunAsync(Dev);
        // Every generated value contains its client's base secret, so this covers both slots.
        var secrets = DevClients.Select(StackHarness.SecretOf).ToList();

        var (stackOutputs, stackIsSecret) = await StackHarness.StackOutputsAsync(run);
        Assert.False(stackIsSecret);
        Assert.DoesNotContain(secrets, s => stackOutputs.ToString().Contains(s, StringComparison.Ordinal));
        Assert.Contains("m2m--partner-globex", stackOutputs.ToString(), StringComparison.Ordinal);

        var registered = run.Fakes.RegisteredOutputs.Where(o => !o.Key.EndsWith("::pulumi:pulumi:Stack::infra-dev", StringComparison.Ordinal)).ToList();
        Assert.Equal(1 + 2 + 3, registered.Count); // the Action's component, the APIs, the clients
        foreach (var (urn, outputs) in registered)
        {
            foreach (var (name, output) in outputs)
            {
                Assert.False(await Output.IsSecretAsync(output), $"{urn} {name} is secret");
                var text = Flatten(await StackHarness.ValueAsync(output));
                Assert.DoesNotContain(secrets, s => text.Contains(s, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task Invalid_config_fails_before_any_resource_is_registered_and_lists_every_problem()
    {
        var config = Dev
            .Edit("infra:clients", c => c[0]!["grants"]![0]!["scopes"]![1] = "orders:delete")
            .Edit("infra:clients", c => c[2]!["owner"] = "");

        var (error, fakes) = await StackHarness.RunFailingAsync(config);

        Assert.IsType<RunException>(error);
        Assert.Equal(
            "The stack config has 2 problems; nothing was deployed. Fix them and run again:" + Environment.NewLine
            + "  - infra:clients[0].grants[0].scopes[1]: scope 'orders:delete' is not declared on API 'orders-api'; declare it under infra:apis[0].scopes or use one of: orders:read, orders:write, orders:cancel." + Environment.NewLine
            + "  - infra:clients[2].owner: must not be blank: set the accountable team or person.",
            error.Message);
        Assert.Empty(fakes.Registered);
    }

    [Theory]
    [MemberData(nameof(AccessConfigParserTests.InvalidConfigNames), MemberType = typeof(AccessConfigParserTests))]
    public async Task Every_config_in_the_invalid_corpus_stops_the_program_before_any_resource_without_leaking_a_secret(string name)
    {
        var (edit, expected) = AccessConfigParserTests.InvalidConfigs[name];

        var (error, fakes) = await StackHarness.RunFailingAsync(edit(Dev));

        Assert.IsType<RunException>(error);
        Assert.Equal(new ConfigValidationException(expected.Select(Problem)).Message, error.Message);
        Assert.Empty(fakes.Registered);
        Assert.DoesNotContain(DevClients.Select(StackHarness.SecretOf), s => error.ToString().Contains(s, StringComparison.Ordinal));
    }

    private static ConfigProblem Problem(string line)
    {
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        return new ConfigProblem(line[..colon], line[(colon + 2)..]);
    }

    [Fact]
    public async Task Keys_in_the_older_project_config_key_form_are_read_and_checked_like_the_current_form()
    {
        // Older language hosts still send "infra:config:apis"; the SDK reads both (pulumi-dotnet v3.112.1,
        // sdk/Pulumi/Deployment/Deployment_Config.cs:97-114), so the check for misspelt keys must too.
        static Dictionary<string, string> OlderForm(IReadOnlyDictionary<string, string> config)
            => config.ToDictionary(kv => kv.Key.Replace(":", ":config:", StringComparison.Ordinal), kv => kv.Value);

        var run = await StackHarness.RunAsync(OlderForm(Dev));
        var (error, fakes) = await StackHarness.RunFailingAsync(OlderForm(Dev.Set("infra:protcet", "true")));

        Assert.Equal(3, run.OfType(ResourceTypes.Client).Count());
        Assert.Equal(
            "The stack config has 1 problem; nothing was deployed. Fix it and run again:" + Environment.NewLine
            + "  - infra:protcet: unknown key; did you mean 'infra:protect'?",
            error.Message);
        Assert.Empty(fakes.Registered);
    }

    [Fact]
    public async Task The_tenant_domain_falls_back_to_the_AUTH0_DOMAIN_variable_the_provider_reads()
    {
        var fakes = new ProviderFakes(StackHarness.SecretOf);
        using (new PulumiConfigScope(Dev.Without("auth0:domain"), auth0DomainVariable: "acme-ci.us.auth0.com"))
        {
            await Deployment.TestAsync(fakes.Mock.Object, StackHarness.Options("dev"), AccessStack.Define);
        }

        var document = (string)fakes.Registered.Single(r => r.Name == "m2m--partner-globex").Map("properties")["value"];
        Assert.Equal("https://acme-ci.us.auth0.com/oauth/token", ConsumerCredentials.Parse(document).TokenEndpoint);
    }

    [Fact]
    public async Task The_program_looks_the_azure_identity_up_once_and_only_when_it_needs_it_and_checks_an_existing_vault_once()
    {
        var run = await StackHarness.RunAsync(Dev);
        var withoutReaders = await StackHarness.RunAsync(Dev.Edit("infra:clients", c =>
        {
            foreach (var client in c.AsArray())
            {
                client!.AsObject().Remove("readers");
            }
        }));

        // Strict mocks: any other invoke would have failed the run.
        run.Fakes.Mock.Verify(m => m.CallAsync(It.Is<Pulumi.Testing.MockCallArgs>(a => a.Token == "azure-native:authorization:getClientConfig")), Times.Once);
        withoutReaders.Fakes.Mock.Verify(m => m.CallAsync(It.Is<Pulumi.Testing.MockCallArgs>(a => a.Token == "azure-native:authorization:getClientConfig")), Times.Never);
        run.Fakes.Mock.Verify(m => m.CallAsync(It.Is<Pulumi.Testing.MockCallArgs>(a => a.Token == "azure-native:keyvault:getVault")), Times.Once);
        withoutReaders.Fakes.Mock.Verify(m => m.CallAsync(It.Is<Pulumi.Testing.MockCallArgs>(a => a.Token == "azure-native:keyvault:getVault")), Times.Once);
        Assert.Empty(withoutReaders.OfType(ResourceTypes.RoleAssignment));

        // A vault the stack creates is its own, on RBAC by declaration: there is nothing to check.
        var created = await StackHarness.RunAsync(Dev.Edit("infra:keyVault", v => v["create"] = new JsonObject { ["location"] = "westeurope", ["deployerObjectId"] = "6a1f3c5e-8b2d-4e7f-9a0c-1d3e5f7a9b2c" }));
        created.Fakes.Mock.Verify(m => m.CallAsync(It.Is<Pulumi.Testing.MockCallArgs>(a => a.Token == "azure-native:keyvault:getVault")), Times.Never);
        Assert.Equal(3, created.OfType(ResourceTypes.Secret).Count());
    }

    private static string Flatten(object? value) => value switch
    {
        null => "",
        string s => s,
        IDictionary map => string.Join("|", map.Keys.Cast<object>().Select(k => $"{k}={Flatten(map[k])}")),
        IEnumerable list => string.Join("|", list.Cast<object?>().Select(Flatten)),
        _ => value.ToString() ?? "",
    };
}

public class ExistingVaultTests
{
    [Fact]
    public async Task An_existing_vault_on_access_policies_stops_the_deploy_before_any_secret_is_written()
    {
        var fakes = new ProviderFakes(StackHarness.SecretOf) { VaultUsesRbac = false };
        using var scope = new PulumiConfigScope(StackHarness.StackConfig());

        var error = await Record.ExceptionAsync(() => Deployment.TestAsync(fakes.Mock.Object, StackHarness.Options("dev"), AccessStack.Define));

        Assert.NotNull(error);
        Assert.Contains(
            "Key Vault 'kv-acme-m2m-dev' (resource group 'rg-acme-identity-dev', infra:keyVault) uses access policies, not Azure RBAC: the per-client role assignments this program makes would be ignored, so no secret was written. "
            + "Switch the vault to the RBAC permission model (`az keyvault update --name kv-acme-m2m-dev --enable-rbac-authorization true`, after moving any access policies to role assignments) "
            + "or let the stack create its own vault (infra:keyVault.create).",
            error.ToString(),
            StringComparison.Ordinal);
        Assert.DoesNotContain(fakes.Registered, r => r.Type == ResourceTypes.Secret);
    }
}

public class ExampleStackTests
{
    [Fact]
    public async Task The_prod_example_is_a_protected_production_stack_with_its_own_hardened_vault()
    {
        var config = StackHarness.StackConfig("prod");
        var captured = await StackHarness.CaptureAsync(config, "prod");

        Assert.Equal(("true", "true"), (config["infra:production"], config["infra:protect"]));
        Assert.All(
            captured.Where(c => c.Resource is CustomResource && c.Resource.GetResourceType() is not (ResourceTypes.RoleAssignment or ResourceTypes.RandomPassword or ResourceTypes.PrivateKey or ResourceTypes.Secret)),
            c => Assert.True(c.Options.Protect, c.Resource.GetResourceName()));
        // Its vault's data plane is private: the pipeline cannot delete secrets there, so removed ones are left in place.
        Assert.All(captured.Where(c => c.Resource.GetResourceType() == ResourceTypes.Secret), c => Assert.True(c.Options.RetainOnDelete));
        Assert.Single(captured, c => c.Resource is ManagedKeyVault);
    }
}
