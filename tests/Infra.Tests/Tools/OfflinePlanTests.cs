using System.Text.Json;
using Infra.Config;
using Infra.Tests.Support;
using Infra.Tool;
using Infra.Tool.Plan;

namespace Infra.Tests.Tools;

public class OfflinePlanTests
{
    private static StackConfig Stack(string name) => StackHarness.StackFile(name);

    [Theory]
    // APIs (component, server, scopes) + the Action (component, action, binding) + clients (component, client,
    // credentials) + passwords (two for dev's twice-rotated checkout-service, one for each client that never rotated)
    // + grants + one secret per client + one assignment per reader.
    [InlineData("dev", (2 * 3) + 3 + (3 * 3) + (2 + 1 + 1) + 4 + 3 + 4, false, "checkout-service nightly-reconciler partner-globex")]
    // prod's nightly-reconciler has a key where the others have a password.
    [InlineData("prod", (2 * 3) + 3 + (3 * 3) + 3 + 4 + 3 + 3 + 4, true, "checkout-service nightly-reconciler partner-globex")] // + the vault component, group, vault, officer
    // Staging is split: the catalogue stack has the APIs, the Action and one client; a team stack only its clients.
    [InlineData("staging", (2 * 3) + 3 + 3 + 1 + 2 + 1 + 1, false, "load-test-runner")]
    [InlineData("staging.checkout", 3 + 1 + 2 + 1 + 1, false, "checkout-service")]
    [InlineData("staging.warehouse", 3 + 1 + 1 + 1 + 1, false, "nightly-reconciler")]
    public async Task Every_example_stack_validates_and_plans_offline(string stack, int resources, bool isProtected, string clients)
    {
        var plan = await OfflinePlan.RunAsync(Stack(stack), PulumiConfigScope.Today);

        Assert.True(plan.Valid, string.Join("\n", plan.Problems));
        Assert.Equal(resources, plan.Resources.Count);
        Assert.Equal(isProtected, plan.Resources.Any(r => r.Protect));
        Assert.Equal(
            clients.Split(' ').Select(c => $"m2m--{c}"),
            plan.Resources.Where(r => r.Type == "azure-native:keyvault:Secret").Select(r => r.Name));
    }

    [Fact]
    public async Task A_team_stack_declares_no_api_and_no_action_and_its_clients_carry_their_stack()
    {
        var plan = await OfflinePlan.RunAsync(Stack("staging.checkout"), PulumiConfigScope.Today);

        Assert.DoesNotContain(plan.Resources, r => r.Type.StartsWith("infra:auth0:ApiResourceServer", StringComparison.Ordinal) || r.Type.StartsWith("auth0:index/resourceServer", StringComparison.Ordinal));
        Assert.DoesNotContain(plan.Resources, r => r.Type is "auth0:index/action:Action" or "auth0:index/triggerAction:TriggerAction");
        var client = plan.Resources.Single(r => r.Type == "auth0:index/client:Client");
        Assert.Equal(
            """{"environment":"staging","key":"checkout-service","managed_by":"pulumi:infra","owner":"team-checkout","stack":"staging.checkout"}""",
            client.Inputs["clientMetadata"]!.ToJsonString());
        // The audience is the catalogue's identifier as text: the API is not a resource of this stack.
        var grant = plan.Resources.Single(r => r.Name == "checkout-service--orders-api");
        Assert.Equal("https://api.acme.example/orders", (string?)grant.Inputs["audience"]);
        Assert.Equal(new StackCapacity(1, 1, 2, 0), StackCapacity.Of(plan.Config!));
    }

    [Fact]
    public async Task A_catalogue_stack_records_no_team_stack_on_its_clients()
    {
        var plan = await OfflinePlan.RunAsync(Stack("staging"), PulumiConfigScope.Today);

        var client = plan.Resources.Single(r => r.Type == "auth0:index/client:Client");
        Assert.Equal(
            """{"environment":"staging","key":"load-test-runner","managed_by":"pulumi:infra","owner":"team-performance"}""",
            client.Inputs["clientMetadata"]!.ToJsonString());
    }

    [Fact]
    public async Task The_plan_reads_the_access_matrix_back_from_the_grants_the_program_registers()
    {
        // The split staging environment grants, over its three stacks, what it granted as one stack.
        var access = new List<AccessEntry>();
        foreach (var stack in new[] { "staging", "staging.checkout", "staging.warehouse" })
        {
            access.AddRange((await OfflinePlan.RunAsync(Stack(stack), PulumiConfigScope.Today)).Access);
        }

        var plan = new { Access = access.OrderBy(a => a.Client, StringComparer.Ordinal).ThenBy(a => a.Api, StringComparer.Ordinal).ToList() };

        Assert.Equal(
            [
                "checkout-service team-checkout inventory-api https://api.acme.example/inventory stock:read",
                "checkout-service team-checkout orders-api https://api.acme.example/orders orders:read orders:write",
                "load-test-runner team-performance inventory-api https://api.acme.example/inventory stock:read",
                "load-test-runner team-performance orders-api https://api.acme.example/orders orders:cancel orders:read orders:write",
                "nightly-reconciler team-warehouse inventory-api https://api.acme.example/inventory stock:adjust stock:read",
            ],
            plan.Access.Select(a => $"{a.Client} {a.Owner} {a.Api} {a.Audience} {string.Join(' ', a.Scopes)}"));
    }

    [Fact]
    public async Task Text_is_a_tree_of_operations_with_the_inputs_that_matter_and_the_matrix_without_the_secret()
    {
        var text = PlanReport.Render(await OfflinePlan.RunAsync(Stack("dev"), PulumiConfigScope.Today), OutputFormat.Text);

        var lines = text.Split('\n');
        Assert.Equal(
            [
                "Offline plan of infra/dev: what `pulumi up` would create in a new stack",
                "|-- + create   infra:auth0:CredentialExchangePolicy credential-lifecycle",
                "|   |-- + create   auth0:index/action:Action credential-lifecycle",
                "|   |              name: enforce-m2m-credential-lifecycle, runtime: node22, code: " + Infra.Tool.Rendering.InputDisplay.Digest(ActionCode()),
                "|   `-- + create   auth0:index/triggerAction:TriggerAction credential-lifecycle",
                "|                  trigger: credentials-exchange, actionId: (known after apply)",
                "|-- + create   infra:auth0:ApiResourceServer orders-api",
                "|   |-- + create   auth0:index/resourceServer:ResourceServer orders-api",
                "|   |              identifier: https://api.acme.example/orders, tokenLifetime: 3600",
            ],
            lines[..9]);
        Assert.Contains("|   |-- + create   azure-native:keyvault:Secret m2m--checkout-service\n|   |              secretName: m2m--checkout-service, contentType: application/json, expires: 2027-02-15, value: [secret]\n", text, StringComparison.Ordinal);
        Assert.Contains("\nSummary: 33 to create\n", text, StringComparison.Ordinal);
        Assert.Contains("\nAccess (client -> API: scopes):\n", text, StringComparison.Ordinal);
        Assert.Contains("\n`-- partner-globex (partnerships@acme.example)\n    `-- orders-api: orders:read\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain(PlanMocks.SecretMarker, text, StringComparison.Ordinal);
    }

    /// <summary>The Action's code as the program deploys it.</summary>
    private static string ActionCode() => File.ReadAllText(Path.Combine(StackHarness.RepositoryRoot(), "infra", "Actions", "credentials-exchange.js"));

    [Fact]
    public async Task Markdown_puts_the_access_matrix_first_for_reviewers()
    {
        var markdown = PlanReport.Render(await OfflinePlan.RunAsync(Stack("prod"), PulumiConfigScope.Today), OutputFormat.Markdown);

        Assert.StartsWith(
            "### Offline plan: `infra/prod`\n\n| client | owner | API | scopes |\n|---|---|---|---|\n| `checkout-service` | team-checkout | `inventory-api` | `stock:read` |\n",
            markdown,
            StringComparison.Ordinal);
        Assert.Contains("auth0:index/client:Client checkout-service [protected]", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_follows_the_documented_schema()
    {
        var json = JsonDocument.Parse(PlanReport.Render(await OfflinePlan.RunAsync(Stack("dev"), PulumiConfigScope.Today), OutputFormat.Json)).RootElement;

        Assert.Equal(["project", "stack", "valid", "problems", "warnings", "capacity", "resources", "access"], json.EnumerateObject().Select(p => p.Name));
        Assert.True(json.GetProperty("valid").GetBoolean());
        Assert.Equal("""{"roleAssignments":4,"roleAssignmentBudget":4000,"auth0Clients":3,"auth0Grants":4,"auth0ResourceServers":2,"auth0ApplicationCredentials":0}""", JsonSerializer.Serialize(json.GetProperty("capacity")));
        var grant = json.GetProperty("resources").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "partner-globex--orders-api");
        Assert.Equal(
            """{"type":"auth0:index/clientGrant:ClientGrant","name":"partner-globex--orders-api","parent":"infra:auth0:M2MClient::partner-globex","protect":false,"importId":null,"inputs":{"audience":"https://api.acme.example/orders","clientId":"(client id of partner-globex)","scopes":["orders:read"]}}""",
            JsonSerializer.Serialize(grant));
        Assert.Equal(
            """{"client":"partner-globex","owner":"partnerships@acme.example","api":"orders-api","audience":"https://api.acme.example/orders","scopes":["orders:read"]}""",
            JsonSerializer.Serialize(json.GetProperty("access")[3]));
    }

    [Fact]
    public async Task A_lapsed_expiry_is_planned_with_a_warning_in_every_format()
    {
        var plan = await OfflinePlan.RunAsync(Stack("dev"), new DateOnly(2026, 12, 20));

        Assert.True(plan.Valid);
        const string warning = "infra:clients[2].expires: 2026-12-20 has passed (today is 2026-12-20 UTC): client 'partner-globex' gets no tokens. Renew it (raise rotation and set a new date) or remove it.";
        Assert.Equal([warning], plan.Warnings.Select(w => w.ToString()));
        Assert.EndsWith($" application credentials (infra:applicationCredentialLimit)\n\nWarnings (the deploy goes ahead):\n  - {warning}\n", PlanReport.Render(plan, OutputFormat.Text), StringComparison.Ordinal);
        Assert.Contains("**Warnings** (the deploy goes ahead):\n\n- `infra:clients[2].expires`: 2026-12-20 has passed", PlanReport.Render(plan, OutputFormat.Markdown), StringComparison.Ordinal);
        Assert.Equal("infra:clients[2].expires", JsonDocument.Parse(PlanReport.Render(plan, OutputFormat.Json)).RootElement.GetProperty("warnings")[0].GetProperty("path").GetString());
        Assert.Empty((await OfflinePlan.RunAsync(Stack("dev"), PulumiConfigScope.Today)).Warnings);
    }

    [Fact]
    public async Task The_credentials_document_is_shown_as_a_secret_never_as_its_text_or_null()
    {
        var plan = await OfflinePlan.RunAsync(Stack("dev"), PulumiConfigScope.Today);

        var documents = plan.Resources.Where(r => r.Type == "azure-native:keyvault:Secret").ToList();
        Assert.Equal(3, documents.Count);
        Assert.All(documents, r => Assert.Equal("[secret]", r.Inputs["properties"]!["value"]!.GetValue<string>()));
        var text = PlanReport.Render(plan, OutputFormat.Text);
        Assert.Contains("secretName: m2m--checkout-service, contentType: application/json, expires: 2027-02-15, value: [secret]\n", text, StringComparison.Ordinal);
        var details = PlanReport.Render(plan, OutputFormat.Text, details: true);
        Assert.Contains("|   |              properties.attributes.expires: 1802649600\n|   |              properties.contentType: application/json\n|   |              properties.value: [secret]\n", details, StringComparison.Ordinal);
        Assert.DoesNotContain("null", details, StringComparison.Ordinal);
        Assert.DoesNotContain("generated password", details, StringComparison.Ordinal);
        Assert.DoesNotContain("null", text, StringComparison.Ordinal);
        Assert.DoesNotContain("generated password", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_client_is_planned_with_its_method_the_expiry_of_its_keys_and_no_private_key()
    {
        var plan = await OfflinePlan.RunAsync(Stack("prod"), PulumiConfigScope.Today);
        var text = PlanReport.Render(plan, OutputFormat.Text);

        Assert.Contains("|   |-- + create   tls:index/privateKey:PrivateKey nightly-reconciler--key-r0\n|   |              algorithm: RSA, rsaBits: 2048\n", text, StringComparison.Ordinal);
        Assert.Contains("|   |              authenticationMethod: private_key_jwt, keys: [nightly-reconciler-r0 (expires 2027-02-10)]\n", text, StringComparison.Ordinal);
        Assert.Contains("|-- nightly-reconciler (team-warehouse, private_key_jwt)\n", text, StringComparison.Ordinal);
        Assert.Contains("|-- checkout-service (team-checkout)\n", text, StringComparison.Ordinal);
        Assert.EndsWith("1 of 2,000 application credentials (infra:applicationCredentialLimit)\n", text, StringComparison.Ordinal);
        var details = PlanReport.Render(plan, OutputFormat.Text, details: true);
        Assert.DoesNotContain("private key", details, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_generated_secrets_reach_auth0_as_secrets_never_null()
    {
        var plan = await OfflinePlan.RunAsync(Stack("dev"), PulumiConfigScope.Today);

        var credentials = plan.Resources.Where(r => r.Type == "auth0:index/clientCredentials:ClientCredentials").ToList();
        Assert.Equal(3, credentials.Count);
        Assert.All(credentials, r => Assert.Equal("[secret]", r.Inputs["clientSecret"]!.GetValue<string>()));
    }

    private static StackConfig Edited(TemporaryProject folder, string stack, Func<string, string> edit)
    {
        folder.Write($"Pulumi.{stack}.yaml", edit(StackHarness.StackFileText(stack)));
        return StackFiles.Load(folder.Path, stack);
    }

    [Fact]
    public async Task A_vault_the_stack_creates_is_in_the_group_it_creates_and_the_deploying_identitys_tenant()
    {
        var plan = await OfflinePlan.RunAsync(Stack("prod"), PulumiConfigScope.Today);

        var group = plan.Resources.Single(r => r.Type == "azure-native:resources:ResourceGroup");
        var vault = plan.Resources.Single(r => r.Type == "azure-native:keyvault:Vault");
        Assert.Equal("rg-acme-identity-prod", group.Inputs["resourceGroupName"]!.GetValue<string>());
        Assert.Equal("rg-acme-identity-prod", vault.Inputs["resourceGroupName"]!.GetValue<string>());
        Assert.Equal("(tenant)", vault.Inputs["properties"]!["tenantId"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_adopted_client_is_flagged_with_its_import_id()
    {
        using var folder = new TemporaryProject();
        var stack = Edited(folder, "dev", f => f.Replace("    - key: partner-globex\n", "    - key: partner-globex\n      import: Xq7PzR2mK9vT4wY8nB3cL6dF1gH5jS0a\n", StringComparison.Ordinal));

        var plan = await OfflinePlan.RunAsync(stack, PulumiConfigScope.Today);

        Assert.Equal("Xq7PzR2mK9vT4wY8nB3cL6dF1gH5jS0a", plan.Resources.Single(r => r.Type == "auth0:index/client:Client" && r.Name == "partner-globex").ImportId);
        Assert.Equal(["auth0:index/client:Client partner-globex", "auth0:index/clientCredentials:ClientCredentials partner-globex"], plan.Resources.Where(r => r.ImportId is not null).Select(r => $"{r.Type} {r.Name}").Order(StringComparer.Ordinal));
        Assert.Contains("auth0:index/client:Client partner-globex [import Xq7PzR2mK9vT4wY8nB3cL6dF1gH5jS0a]\n", PlanReport.Render(plan, OutputFormat.Text), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_clients_document_is_a_secret_too()
    {
        using var folder = new TemporaryProject();
        var stack = Edited(folder, "dev", f => f.Replace("    - key: nightly-reconciler\n", "    - key: nightly-reconciler\n      disabled: true\n", StringComparison.Ordinal));

        var plan = await OfflinePlan.RunAsync(stack, PulumiConfigScope.Today);

        var document = plan.Resources.Single(r => r.Type == "azure-native:keyvault:Secret" && r.Name == "m2m--nightly-reconciler");
        Assert.Equal("[secret]", document.Inputs["properties"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_stack_file_without_a_domain_takes_auth0_domain_from_the_environment()
    {
        using var folder = new TemporaryProject();
        var stack = Edited(folder, "dev", StackHarness.WithoutDomain);

        using (new EnvironmentScope(new Dictionary<string, string?> { ["AUTH0_DOMAIN"] = "acme-ci.eu.auth0.com" }))
        {
            Assert.True((await OfflinePlan.RunAsync(stack, PulumiConfigScope.Today)).Valid);
        }

        using (new EnvironmentScope(new Dictionary<string, string?> { ["AUTH0_DOMAIN"] = null }))
        {
            Assert.Contains((await OfflinePlan.RunAsync(stack, PulumiConfigScope.Today)).Problems, p => p.Path == "auth0:domain");
        }
    }

    [Fact]
    public async Task The_plan_puts_back_the_pulumi_config_it_found()
    {
        using var scope = new EnvironmentScope(new Dictionary<string, string?> { ["PULUMI_CONFIG"] = """{"someone:else":"x"}""" });

        await OfflinePlan.RunAsync(Stack("dev"), PulumiConfigScope.Today);

        Assert.Equal("""{"someone:else":"x"}""", Environment.GetEnvironmentVariable("PULUMI_CONFIG"));
    }

    [Fact]
    public async Task Grants_and_role_assignments_are_replaced_delete_first_as_their_identity_would_collide()
    {
        var plan = await OfflinePlan.RunAsync(Stack("prod"), PulumiConfigScope.Today);

        Assert.Equal(
            ["auth0:index/clientGrant:ClientGrant", "azure-native:authorization:RoleAssignment"],
            plan.Resources.Where(r => r.DeleteBeforeReplace == true).Select(r => r.Type).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_invalid_stack_is_its_problems_alone_in_every_format()
    {
        using var folder = new TemporaryProject();
        var plan = await OfflinePlan.RunAsync(Edited(folder, "dev", f => f.Replace("orders:write]", "orders:delete]", StringComparison.Ordinal)), PulumiConfigScope.Today);

        const string problem = "infra:clients[0].grants[0].scopes[1]: scope 'orders:delete' is not declared on API 'orders-api'; declare it under infra:apis[0].scopes or use one of: orders:read, orders:write, orders:cancel.";
        Assert.Equal($"Stack infra/dev: 1 config problem(s); nothing would be deployed.\n  - {problem}\n", PlanReport.Render(plan, OutputFormat.Text));
        Assert.Equal(
            "### Offline plan: `infra/dev`\n\n**1 config problem(s); nothing would be deployed.**\n\n- `infra:clients[0].grants[0].scopes[1]`: scope 'orders:delete' is not declared on API 'orders-api'; declare it under infra:apis[0].scopes or use one of: orders:read, orders:write, orders:cancel.\n",
            PlanReport.Render(plan, OutputFormat.Markdown).ReplaceLineEndings("\n"));
        var json = JsonDocument.Parse(PlanReport.Render(plan, OutputFormat.Json)).RootElement;
        Assert.Equal(JsonValueKind.Null, json.GetProperty("capacity").ValueKind);
        Assert.Equal(0, json.GetProperty("resources").GetArrayLength());
    }

    [Fact]
    public async Task An_invalid_stack_file_yields_its_problems_and_no_resources()
    {
        using var folder = new TemporaryProject();
        folder.Write("Pulumi.broken.yaml", StackHarness.StackFileText().Replace("orders:write]", "orders:delete]", StringComparison.Ordinal));

        var plan = await OfflinePlan.RunAsync(StackFiles.Load(folder.Path, "broken"), PulumiConfigScope.Today);

        Assert.False(plan.Valid);
        Assert.Empty(plan.Resources);
        Assert.Equal(
            "infra:clients[0].grants[0].scopes[1]: scope 'orders:delete' is not declared on API 'orders-api'; declare it under infra:apis[0].scopes or use one of: orders:read, orders:write, orders:cancel.",
            Assert.Single(plan.Problems).ToString());
        Assert.StartsWith("Stack infra/broken: 1 config problem(s); nothing would be deployed.", PlanReport.Render(plan, OutputFormat.Text), StringComparison.Ordinal);
    }
}

/// <summary>A scratch copy of the project file, for stack files that tests write.</summary>
internal sealed class TemporaryProject : IDisposable
{
    public TemporaryProject()
    {
        Path = Directory.CreateTempSubdirectory("infra-tests-").FullName;
        File.Copy(System.IO.Path.Combine(StackHarness.RepositoryRoot(), "Pulumi.yaml"), System.IO.Path.Combine(Path, "Pulumi.yaml"));
    }

    public string Path { get; }

    public void Write(string file, string text) => File.WriteAllText(System.IO.Path.Combine(Path, file), text);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
