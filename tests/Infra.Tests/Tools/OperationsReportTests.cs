using System.Text.Json.Nodes;
using Infra.Config;
using Infra.Tests.Support;
using Infra.Tool.Plan;
using Infra.Tool.Preview;

namespace Infra.Tests.Tools;

/// <summary>
/// The preview's findings and its three renderings on hand-made plans: one of each operation and rule, including
/// resources found through aliases, without running the program (the end-to-end cases are in OperationsPreviewTests).
/// </summary>
public class OperationsReportTests
{
    private const string Client = "infra:auth0:M2MClient";

    private static readonly AccessConfig Dev = AccessConfigParser.Parse(Config.AccessConfigParserTests.Raw(StackHarness.StackConfig()));

    private static string Urn(string type, string name, string? parentType = null)
        => $"urn:pulumi:dev::infra::{(parentType is null ? "" : parentType + "$")}{type}::{name}";

    private static PlannedResource Resource(string type, string name, string inputs, bool protect = false, string? parentType = null, string? parentName = null)
        => new(type, name, parentType is null ? null : $"{parentType}::{parentName}", protect, null, [])
        {
            Urn = Urn(type, name, parentType),
            ParentUrn = parentType is null ? null : Urn(parentType, parentName!),
            ComparableInputs = JsonNode.Parse(inputs)!.AsObject(),
            Inputs = JsonNode.Parse(inputs)!.AsObject(),
        };

    private static PlanResult Plan(AccessConfig config, params PlannedResource[] resources) => new("infra", "dev", [], resources, []) { Config = config };

    private static readonly PlannedResource[] Base =
    [
        Resource("auth0:index/resourceServer:ResourceServer", "orders-api", """{"identifier":"https://a"}""", protect: true),
        Resource("auth0:index/resourceServer:ResourceServer", "inventory-api", """{"identifier":"https://inventory"}""", protect: true),
        Resource("random:index/randomPassword:RandomPassword", "checkout-service--slot0", """{"keepers":{"rotation":"0"},"length":64}""") with { DeleteBeforeReplace = true },
        Resource("auth0:index/clientGrant:ClientGrant", "checkout-service--orders-api", """{"audience":"https://a","scopes":["orders:read"]}"""),
        Resource("azure-native:authorization:RoleAssignment", "reader-old", """{"roleAssignmentName":"n","principalId":"p"}"""),
        Resource(Client, "legacy", "{}"),
        Resource("auth0:index/client:Client", "legacy", """{"name":"Legacy"}""", protect: true, Client, "legacy"),
        Resource("auth0:index/clientGrant:ClientGrant", "legacy--orders-api", """{"audience":"https://a"}""", protect: true, Client, "legacy"),
        Resource("azure-native:keyvault:Secret", "m2m--legacy", """{"secretName":"m2m--legacy"}""", parentType: Client, parentName: "legacy") with { RetainOnDelete = true },
        Resource("azure-native:keyvault:Secret", "m2m--old", """{"secretName":"m2m--old","properties":{"value":"(client id of old)"}}"""),
        Resource("auth0:index/resourceServer:ResourceServer", "legacy-api", """{"identifier":"https://legacy"}""", protect: true),
    ];

    private static readonly PlannedResource[] Head =
    [
        Resource("auth0:index/resourceServer:ResourceServer", "orders-api", """{"identifier":"https://b"}""", protect: true),
        // Renamed with an alias and its identifier changed: still the protected object, still refused.
        Resource("auth0:index/resourceServer:ResourceServer", "stock-api", """{"identifier":"https://stock"}""", protect: true) with { AliasUrns = [Urn("auth0:index/resourceServer:ResourceServer", "inventory-api")] },
        Resource("random:index/randomPassword:RandomPassword", "checkout-service--slot0", """{"keepers":{"rotation":"1"},"length":48}""") with { DeleteBeforeReplace = true },
        Resource("auth0:index/clientGrant:ClientGrant", "checkout-service--orders-api", """{"audience":"https://a","scopes":["orders:read","orders:write"],"allowAnyOrganization":true}"""),
        // Renamed too: another principal forces a replacement, and the assignment's name stays. The option set to false
        // overrides azure-native's delete-first answer (step_generator.go:2041-2047), so the create collides.
        Resource("azure-native:authorization:RoleAssignment", "reader-new", """{"roleAssignmentName":"n","principalId":"q"}""") with { AliasUrns = [Urn("azure-native:authorization:RoleAssignment", "reader-old")], DeleteBeforeReplace = false },
    ];

    private static OperationsPreviewResult Preview(AccessConfig? baseConfig = null)
        => OperationsPreview.Compare(Plan(baseConfig ?? Dev, Base) with { Placeholders = new Dictionary<string, Placeholder> { ["(client id of old)"] = new("client id", "auth0:index/client:Client", "old") } }, Plan(Dev, Head), PulumiConfigScope.Today);

    [Fact]
    public void Every_rule_says_what_the_engine_or_provider_does_and_the_fix()
    {
        var preview = Preview();

        Assert.Equal(
            [
                ("Error", "protected-replace", Urn("auth0:index/resourceServer:ResourceServer", "orders-api"),
                    "replacing it (a change to identifier forces a new object) is refused: it is protected, and a replacement deletes the old object.",
                    "leave identifier as it was; a replacement of this resource would also cut off its consumers."),
                ("Error", "protected-replace", Urn("auth0:index/resourceServer:ResourceServer", "stock-api"),
                    "replacing it (a change to identifier forces a new object) is refused: it is protected, and a replacement deletes the old object.",
                    "leave identifier as it was; a replacement of this resource would also cut off its consumers."),
                ("Error", "identity-collision", Urn("azure-native:authorization:RoleAssignment", "reader-new"),
                    "the replacement creates the new object before deleting the old one, and both would have the same scope, roleAssignmentName: the create collides with (or adopts) the old object, whose delete then removes it.",
                    "declare the resource with deleteBeforeReplace."),
                ("Error", "protected-delete", Urn("auth0:index/resourceServer:ResourceServer", "legacy-api"),
                    "deleting it is refused: it is protected. The run would still carry out every other operation, including the deletes of unprotected resources beside it, and then fail.",
                    $"remove `protect` from the resource and deploy that first, or run `pulumi state unprotect '{Urn("auth0:index/resourceServer:ResourceServer", "legacy-api")}'`, then remove it."),
                ("Warning", "soft-deleted-secret", Urn("azure-native:keyvault:Secret", "m2m--old"),
                    "the secret is soft-deleted (and, if the vault has purge protection, cannot be purged until its retention ends); its versions stay recoverable by anyone who may recover secrets in the vault.",
                    "nothing to do. A client added under this key within that time gets the deleted secret recovered by azure-native and overwritten; do not recover it by hand, since azure-native refuses to create a secret that exists (docs/protection-and-keys.md)."),
                ("Warning", "retained-secret", Urn("azure-native:keyvault:Secret", "m2m--legacy", Client),
                    "the secret stays in the vault (retainOnDelete): the pipeline cannot reach the vault's data plane, where Key Vault deletes secrets. Its readers' role assignments are deleted, so no consumer can read it, but a role on the whole vault still can, each version as it was written. Its name stays taken: azure-native creates a Key Vault secret only where none exists.",
                    "delete it from a network that reaches the vault (`az keyvault secret delete`) when convenient. A client under this key again needs a key this stack has not used (docs/protection-and-keys.md)."),
                ("Error", "protected-delete", Urn("auth0:index/clientGrant:ClientGrant", "legacy--orders-api", Client),
                    "deleting it is refused: it is protected. The run would still carry out every other operation, including the deletes of unprotected resources beside it, and then fail.",
                    "set `disabled: true` on the client and deploy that first (a disabled client is no longer protected), then remove it."),
                ("Error", "protected-delete", Urn("auth0:index/client:Client", "legacy", Client),
                    "deleting it is refused: it is protected. The run would still carry out every other operation, including the deletes of unprotected resources beside it, and then fail.",
                    "set `disabled: true` on the client and deploy that first (a disabled client is no longer protected), then remove it."),
            ],
            preview.Findings.Select(f => (f.Severity.ToString(), f.Rule, f.Urn, f.Reason, f.Fix)));
    }

    [Fact]
    public void A_secret_deleted_from_a_vault_the_base_created_is_purge_protected()
    {
        var created = Dev with { KeyVault = Dev.KeyVault with { Create = new ManagedVaultSettings("westeurope", "Enabled", "00000000-0000-0000-0000-000000000001") } };

        var finding = Preview(created).Findings.Single(f => f.Rule == "soft-deleted-secret");

        Assert.Equal(
            $"the vault has purge protection: the secret is soft-deleted and cannot be purged for {OperationsPreview.SoftDeleteRetentionDays} days; its versions stay recoverable by anyone who may recover secrets in the vault.",
            finding.Reason);
    }

    [Fact]
    public void A_protected_client_outside_a_component_gets_the_disable_first_fix_too()
    {
        var client = Resource("auth0:index/client:Client", "imported", """{"name":"Imported"}""", protect: true);

        var preview = OperationsPreview.Compare(Plan(Dev, client), Plan(Dev), PulumiConfigScope.Today);

        Assert.Equal("set `disabled: true` on the client and deploy that first (a disabled client is no longer protected), then remove it.", Assert.Single(preview.Findings).Fix);
    }

    private static string Shown(Operation o) => $"{o.Kind} {o.Name}" + (o.PreviousUrn is null ? "" : $" was {o.PreviousUrn[(o.PreviousUrn.LastIndexOf("::", StringComparison.Ordinal) + 2)..]}");

    [Fact]
    public void A_child_of_a_renamed_component_is_found_under_the_old_name_its_own_name_before_its_aliases()
    {
        const string grant = "auth0:index/clientGrant:ClientGrant";
        var before = Plan(Dev,
            Resource(Client, "old", "{}"),
            Resource(grant, "old--a", """{"audience":"https://a"}""", parentType: Client, parentName: "old"),
            Resource(grant, "old--b", """{"audience":"https://b"}""", parentType: Client, parentName: "old"));
        var after = Plan(Dev,
            Resource(Client, "new", "{}") with { AliasUrns = [Urn(Client, "old")] },
            Resource(grant, "new--a", """{"audience":"https://a"}""", parentType: Client, parentName: "new") with { AliasUrns = [Urn(grant, "new--b", Client)] },
            // Not named after the component: it inherits no alias, and is new.
            Resource(grant, "g", """{"audience":"https://c"}""", parentType: Client, parentName: "new"));

        var preview = OperationsPreview.Compare(before, after, PulumiConfigScope.Today);

        Assert.Equal(["Same new was old", "Same new--a was old--a", "Create g", "Delete old--b"], preview.Operations.Select(Shown));
    }

    [Fact]
    public void A_protected_replacement_names_every_input_that_forces_it()
    {
        const string vault = "azure-native:keyvault:Vault";

        var preview = OperationsPreview.Compare(
            Plan(Dev, Resource(vault, "kv", """{"resourceGroupName":"rg-a","vaultName":"kv-a"}""", protect: true)),
            Plan(Dev, Resource(vault, "kv", """{"resourceGroupName":"rg-b","vaultName":"kv-b"}""", protect: true)),
            PulumiConfigScope.Today);

        var finding = Assert.Single(preview.Findings);
        Assert.Equal("replacing it (a change to resourceGroupName, vaultName forces a new object) is refused: it is protected, and a replacement deletes the old object.", finding.Reason);
        Assert.Equal("leave resourceGroupName, vaultName as it was; a replacement of this resource would also cut off its consumers.", finding.Fix);
    }

    [Fact]
    public void A_protected_resource_under_another_component_than_a_client_gets_the_unprotect_fix()
    {
        const string component = "infra:auth0:ApiResourceServer";
        var api = Resource("auth0:index/resourceServer:ResourceServer", "billing-api", """{"identifier":"https://billing"}""", protect: true, component, "billing-api");

        var preview = OperationsPreview.Compare(Plan(Dev, Resource(component, "billing-api", "{}"), api), Plan(Dev), PulumiConfigScope.Today);

        Assert.StartsWith("remove `protect` from the resource and deploy that first", Assert.Single(preview.Findings).Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_only_the_head_plan_has_a_placeholder_for_is_known_after_apply()
    {
        const string trigger = "auth0:index/triggerAction:TriggerAction";
        var after = Plan(Dev, Resource(trigger, "credential-lifecycle", """{"trigger":"credentials-exchange","actionId":"(id of Action credential-lifecycle)"}""")) with
        {
            Placeholders = new Dictionary<string, Placeholder> { ["(id of Action credential-lifecycle)"] = new("id", "auth0:index/action:Action", "credential-lifecycle") },
        };

        var text = OperationsReport.Render(OperationsPreview.Compare(Plan(Dev), after, PulumiConfigScope.Today), OutputFormat.Text);

        Assert.Contains("trigger: credentials-exchange, actionId: (known after apply)\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_shows_every_reason_and_input_changed_deletes_first_and_base_placeholders_as_known_after_apply()
    {
        TextSnapshot.AssertMatches("preview-synthetic.txt", OperationsReport.Render(Preview(), OutputFormat.Text));
    }

    [Fact]
    public void Markdown_shows_the_same_with_the_caution_line()
    {
        TextSnapshot.AssertMatches("preview-synthetic.md.txt", OperationsReport.Render(Preview(), OutputFormat.Markdown));
    }

    [Fact]
    public void Json_carries_every_field_of_every_operation_and_finding()
    {
        TextSnapshot.AssertMatches("preview-synthetic.json.txt", OperationsReport.Render(Preview(), OutputFormat.Json));
    }

    [Fact]
    public void Nothing_to_do_is_the_summary_alone()
    {
        var same = OperationsPreview.Compare(Plan(Dev, Head), Plan(Dev, Head), PulumiConfigScope.Today);

        Assert.Equal("### Operations preview: `infra/dev`\n\n**0 to create, 0 to update, 0 to replace, 0 to delete, 5 unchanged**\n\n", OperationsReport.Render(same, OutputFormat.Markdown).ReplaceLineEndings("\n"));
        Assert.Equal("Operations preview of infra/dev (what `pulumi up` would do):\nSummary: 0 to create, 0 to update, 0 to replace, 0 to delete, 5 unchanged\n", OperationsReport.Render(same, OutputFormat.Text).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Config_warnings_close_the_report()
    {
        var warning = new ConfigProblem("infra:clients[2].expires", "has passed (2026-11-01): the client is refused tokens.");
        var preview = OperationsPreview.Compare(Plan(Dev, Head), Plan(Dev, Head) with { Warnings = [warning] }, PulumiConfigScope.Today);

        Assert.EndsWith("\nConfig warnings:\n  - infra:clients[2].expires: has passed (2026-11-01): the client is refused tokens.\n", OperationsReport.Render(preview, OutputFormat.Text).ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.EndsWith("**\n\n\n#### Config warnings\n\n- `infra:clients[2].expires`: has passed (2026-11-01): the client is refused tokens.\n", OperationsReport.Render(preview, OutputFormat.Markdown).ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_of_either_version_are_reported_alone_the_bases_prefixed()
    {
        var problem = new ConfigProblem("infra:apis[0].identifier", "is required.");
        var invalid = new PlanResult("infra", "dev", [problem], [], []);

        var preview = OperationsPreview.Compare(invalid, invalid, PulumiConfigScope.Today);

        Assert.Equal(["base: infra:apis[0].identifier: is required.", "infra:apis[0].identifier: is required."], preview.Problems.Select(p => p.ToString()));
        Assert.Equal(OperationsReport.InvalidConfigExitCode, OperationsReport.ExitCode(preview));
        Assert.Equal(
            "Stack infra/dev: 2 config problem(s); nothing would be deployed.\n  - base: infra:apis[0].identifier: is required.\n  - infra:apis[0].identifier: is required.\n",
            OperationsReport.Render(preview, OutputFormat.Text).ReplaceLineEndings("\n"));
        Assert.Equal(
            "### Operations preview: `infra/dev`\n\n**2 config problem(s); nothing would be deployed.**\n\n- `base: infra:apis[0].identifier`: is required.\n- `infra:apis[0].identifier`: is required.\n",
            OperationsReport.Render(preview, OutputFormat.Markdown).ReplaceLineEndings("\n"));
        Assert.Equal(["infra:apis[0].identifier: is required."], OperationsPreview.Compare(Plan(Dev, Head), invalid, PulumiConfigScope.Today).Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void An_expiry_set_to_today_has_already_passed()
    {
        var today = PulumiConfigScope.Today;
        var clients = Dev.Clients.Select((c, i) => i == 0 ? c with { Expires = today } : c).ToList();

        var preview = OperationsPreview.Compare(Plan(Dev, Head), Plan(Dev with { Clients = clients }, Head), today);

        Assert.Equal([AccessConfigValidator.ExpiryAlreadyPast("infra", 0, today, today)], preview.Problems);
    }

    [Fact]
    public void A_client_keeps_its_own_base_version_when_it_also_takes_over_another_key()
    {
        // Base: a at rotation 1, b at rotation 5. Head: a takes over b's key and rotates once. The step is a's, 1 → 2.
        var a = Dev.Clients[0] with { Rotation = 1 };
        var b = Dev.Clients[1] with { Rotation = 5 };
        var before = Dev with { Clients = [a, b] };
        var after = Dev with { Clients = [a with { Rotation = 2, PreviousKeys = [b.Key] }] };

        var preview = OperationsPreview.Compare(Plan(before, Head), Plan(after, Head), PulumiConfigScope.Today);

        Assert.Empty(preview.Problems);
    }
}
