using Infra.Tests.Support;
using Infra.Tool.Plan;
using Infra.Tool.Preview;

namespace Infra.Tests.Tools;

public class ReplacementRulesTests
{
    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public async Task Every_type_an_example_stack_registers_has_a_rule_with_its_source(string stack)
    {
        var plan = await OfflinePlan.RunAsync(StackHarness.StackFile(stack), PulumiConfigScope.Today);

        Assert.All(plan.Resources.Select(r => r.Type).Distinct(), type => Assert.NotEmpty(ReplacementRules.For(type).Source));
        // Every rule names inputs the program actually sets or the provider defines; identities are a subset of replace keys.
        Assert.All(ReplacementRules.ByType.Values, rule => Assert.Subset(rule.ReplaceOnChange.ToHashSet(), rule.Identity.ToHashSet()));
    }

    [Fact]
    public void The_table_holds_what_the_providers_force_new_at_the_pinned_versions()
    {
        Assert.Equal(["clientId", "audience", "subjectType", "defaultFor"], ReplacementRules.For("auth0:index/clientGrant:ClientGrant").ReplaceOnChange);
        Assert.Equal(["identifier"], ReplacementRules.For("auth0:index/resourceServer:ResourceServer").ReplaceOnChange);
        Assert.Equal(["clientId"], ReplacementRules.For("auth0:index/clientCredentials:ClientCredentials").ReplaceOnChange);
        Assert.Empty(ReplacementRules.For("auth0:index/action:Action").ReplaceOnChange);
        Assert.Contains("keepers", ReplacementRules.For("random:index/randomPassword:RandomPassword").ReplaceOnChange);
        Assert.Equal(["scope", "roleAssignmentName", "principalId"], ReplacementRules.For("azure-native:authorization:RoleAssignment").ReplaceOnChange);
        Assert.Equal(["resourceGroupName", "vaultName", "secretName"], ReplacementRules.For("azure-native:keyvault:Secret").ReplaceOnChange);
        Assert.Same(ResourceRule.Component, ReplacementRules.For("infra:auth0:M2MClient"));
        var unknown = Assert.Throws<NotSupportedException>(() => ReplacementRules.For("aws:s3/bucket:Bucket"));
        Assert.Equal("The operations preview has no replacement rule for aws:s3/bucket:Bucket: add one to ReplacementRules, from the provider's source.", unknown.Message);
    }

    [Fact]
    public void Every_rule_keeps_the_inputs_and_identity_read_from_its_provider_and_cites_the_pinned_release()
    {
        // The whole table: an entry edited by accident would let a preview promise an update where the engine replaces.
        Assert.Equal(
            [
                "auth0:index/action:Action: replace [] identity []",
                "auth0:index/client:Client: replace [jwtConfiguration.secretEncoded] identity []",
                "auth0:index/clientCredentials:ClientCredentials: replace [clientId] identity [clientId]",
                "auth0:index/clientGrant:ClientGrant: replace [clientId, audience, subjectType, defaultFor] identity [clientId, audience, subjectType]",
                "auth0:index/resourceServer:ResourceServer: replace [identifier] identity [identifier]",
                "auth0:index/resourceServerScopes:ResourceServerScopes: replace [resourceServerIdentifier] identity [resourceServerIdentifier]",
                "auth0:index/triggerAction:TriggerAction: replace [trigger, actionId] identity [trigger, actionId]",
                "azure-native:authorization:RoleAssignment: replace [scope, roleAssignmentName, principalId] identity [scope, roleAssignmentName]",
                "azure-native:keyvault:Secret: replace [resourceGroupName, vaultName, secretName] identity [vaultName, secretName]",
                "azure-native:keyvault:Vault: replace [resourceGroupName, vaultName] identity [vaultName]",
                "azure-native:resources:ResourceGroup: replace [resourceGroupName, location] identity [resourceGroupName]",
                "random:index/randomPassword:RandomPassword: replace [keepers, length, special, upper, lower, number, numeric, minNumeric, minUpper, minLower, minSpecial, overrideSpecial] identity []",
                "tls:index/privateKey:PrivateKey: replace [algorithm, rsaBits, ecdsaCurve] identity []",
            ],
            ReplacementRules.ByType.OrderBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => $"{r.Key}: replace [{string.Join(", ", r.Value.ReplaceOnChange)}] identity [{string.Join(", ", r.Value.Identity)}]"));

        // Each source names the upstream release the pinned package bridges; a version bump must revisit the table.
        var packages = File.ReadAllText(Path.Combine(StackHarness.RepositoryRoot(), "Directory.Packages.props"));
        var pinned = new Dictionary<string, (string Package, string Upstream)>(StringComparer.Ordinal)
        {
            ["auth0:"] = ("Pulumi.Auth0\" Version=\"[3.49.0]", "terraform-provider-auth0 v1.53.0 "),
            ["random:"] = ("Pulumi.Random\" Version=\"[4.21.1]", "terraform-provider-random v3.9.0 "),
            ["azure-native:"] = ("Pulumi.AzureNative\" Version=\"[3.28.0]", "azure-native 3.28.0 "),
            ["tls:"] = ("Pulumi.Tls\" Version=\"[5.5.1]", "terraform-provider-tls v1.2.1-0.20260513075833-609226f53114 "),
        };
        Assert.All(ReplacementRules.ByType, rule =>
        {
            var (package, upstream) = pinned.Single(p => rule.Key.StartsWith(p.Key, StringComparison.Ordinal)).Value;
            Assert.Contains(package, packages, StringComparison.Ordinal);
            Assert.StartsWith(upstream, rule.Value.Source, StringComparison.Ordinal);
            Assert.True(rule.Value.Source.Length > upstream.Length + 10, rule.Value.Source);
        });
        Assert.Equal("component resource (no provider)", ResourceRule.Component.Source);
    }

    private static PlannedResource Resource(string type, string name, string inputs, bool protect = false, bool? deleteBeforeReplace = null, bool retainOnDelete = false)
        => new(type, name, null, protect, null, [])
        {
            Urn = $"urn:pulumi:dev::infra::{type}::{name}",
            DeleteBeforeReplace = deleteBeforeReplace,
            RetainOnDelete = retainOnDelete,
            ComparableInputs = System.Text.Json.Nodes.JsonNode.Parse(inputs)!.AsObject(),
        };

    private static OperationsPreviewResult Compare(PlannedResource before, PlannedResource after)
    {
        var config = Infra.Config.AccessConfigParser.Parse(Config.AccessConfigParserTests.Raw(StackHarness.StackConfig()));
        PlanResult Plan(PlannedResource r) => new("infra", "dev", [], [r], []) { Config = config };
        return OperationsPreview.Compare(Plan(before), Plan(after), PulumiConfigScope.Today);
    }

    [Theory]
    // Same name, another principal type: an in-place update (not a forceNewMap entry), no collision.
    [InlineData("""{"scope":"s","roleAssignmentName":"n","principalId":"p","principalType":"User"}""", false, "Update", null)]
    // principalId forces a replacement; the name (the identity) stays, so create-before-delete collides.
    [InlineData("""{"scope":"s","roleAssignmentName":"n","principalId":"q","principalType":"Group"}""", false, "Replace", "identity-collision")]
    [InlineData("""{"scope":"s","roleAssignmentName":"n","principalId":"q","principalType":"Group"}""", true, "Replace", null)]
    // A new name is a new identity: nothing collides.
    [InlineData("""{"scope":"s","roleAssignmentName":"m","principalId":"q","principalType":"Group"}""", false, "Replace", null)]
    // No option: azure-native's diff asks to delete first (every named resource), and the engine takes that answer.
    [InlineData("""{"scope":"s","roleAssignmentName":"n","principalId":"q","principalType":"Group"}""", null, "Replace", null)]
    public void A_replacement_that_keeps_the_identity_must_delete_first(string after, bool? deleteBeforeReplace, string kind, string? rule)
    {
        const string type = "azure-native:authorization:RoleAssignment";
        var before = Resource(type, "a", """{"scope":"s","roleAssignmentName":"n","principalId":"p","principalType":"Group"}""");

        var preview = Compare(before, Resource(type, "a", after, deleteBeforeReplace: deleteBeforeReplace));

        Assert.Equal(kind, Assert.Single(preview.Operations).Kind.ToString());
        Assert.Equal(rule, preview.Findings.SingleOrDefault()?.Rule);
        Assert.Equal(deleteBeforeReplace ?? true, Assert.Single(preview.Operations).DeleteBeforeReplace);
    }

    [Theory]
    // A vault in a new resource group (or region, through its group): azure-native deletes it first, and its name stays
    // soft-deleted, purge-protected, while the create asks for it again.
    [InlineData("azure-native:keyvault:Vault", """{"vaultName":"kv","resourceGroupName":"rg2"}""", false, "name-held")]
    // Another vault name is another vault: nothing is held.
    [InlineData("azure-native:keyvault:Vault", """{"vaultName":"kv2","resourceGroupName":"rg2"}""", false, null)]
    // A secret recovers what it finds soft-deleted (azure-native), but a retained one still exists: its create fails.
    [InlineData("azure-native:keyvault:Secret", """{"vaultName":"kv","resourceGroupName":"rg2","secretName":"m2m--a"}""", true, "name-held")]
    [InlineData("azure-native:keyvault:Secret", """{"vaultName":"kv","resourceGroupName":"rg2","secretName":"m2m--a"}""", false, null)]
    public void A_key_vault_name_still_taken_by_the_deleted_or_retained_object_refuses_the_replacement(string type, string after, bool retained, string? rule)
    {
        var before = type.EndsWith("Vault", StringComparison.Ordinal) ? """{"vaultName":"kv","resourceGroupName":"rg"}""" : """{"vaultName":"kv","resourceGroupName":"rg","secretName":"m2m--a"}""";

        var preview = Compare(Resource(type, "a", before, retainOnDelete: retained), Resource(type, "a", after, retainOnDelete: retained));

        var operation = Assert.Single(preview.Operations);
        Assert.Equal(OperationKind.Replace, operation.Kind);
        Assert.True(operation.DeleteBeforeReplace);
        Assert.Equal(rule, preview.Findings.SingleOrDefault()?.Rule);
        Assert.DoesNotContain(preview.Findings, f => f.Rule == "identity-collision");
        var finding = preview.Findings.SingleOrDefault();
        if (finding is not null)
        {
            Assert.Equal(
                type.EndsWith("Vault", StringComparison.Ordinal)
                    ? ("the replacement deletes the vault before creating the new one (azure-native asks for delete-before-replace), and Key Vault keeps a deleted vault's name taken while it is soft-deleted (90 days with purge protection, which nobody can purge sooner): the create under the same vaultName fails, and the stack is left without its vault and every secret in it.",
                        "keep the vault's resource group and location as they are. To move the credentials, declare a new vault under another name (infra:keyVault.name) and deploy that.")
                    : ("the replacement drops the old secret from the stack but leaves it in the vault (retainOnDelete), and azure-native creates a Key Vault secret only where none exists (its create checks first: \"cannot create already existing resource\"): the new one under the same vaultName, secretName fails.",
                        "keep the secret's vault and resource group as they are; to move the credentials, name another vault (infra:keyVault.name)."),
                (finding.Reason, finding.Fix));
        }
    }

    [Fact]
    public void A_resource_group_moved_to_another_region_is_deleted_first_as_azure_native_asks()
    {
        const string type = "azure-native:resources:ResourceGroup";

        var operation = Assert.Single(Compare(Resource(type, "rg", """{"resourceGroupName":"rg","location":"westeurope"}"""), Resource(type, "rg", """{"resourceGroupName":"rg","location":"northeurope"}""")).Operations);

        Assert.Equal((OperationKind.Replace, true), (operation.Kind, operation.DeleteBeforeReplace));
    }

    [Fact]
    public void Replacing_what_the_program_still_imports_is_refused_as_the_engine_refuses_it_in_an_update()
    {
        const string type = "auth0:index/resourceServer:ResourceServer";
        var before = Resource(type, "orders-api", """{"identifier":"https://a"}""");
        var after = Resource(type, "orders-api", """{"identifier":"https://b"}""") with { ImportId = "5e9f4a7c2b1d3e6f8a0b9c1d" };

        var imported = Compare(before, after);
        var managed = Compare(before, after with { ImportId = null });

        var finding = Assert.Single(imported.Findings);
        Assert.Equal(("imported-replace", FindingSeverity.Error), (finding.Rule, finding.Severity));
        Assert.StartsWith("the program still imports it (`import: 5e9f4a7c2b1d3e6f8a0b9c1d`)", finding.Reason, StringComparison.Ordinal);
        Assert.StartsWith("remove its `import` in a change of its own", finding.Fix, StringComparison.Ordinal);
        Assert.True(imported.Refused);
        Assert.Empty(managed.Findings);
        // An update of an imported resource is allowed (pulumi/pulumi#19339): only a replacement is refused.
        Assert.Empty(Compare(Resource(type, "orders-api", """{"identifier":"https://a","name":"A"}"""), Resource(type, "orders-api", """{"identifier":"https://a","name":"B"}""") with { ImportId = "x" }).Findings);
    }

    [Fact]
    public void A_grant_that_stops_setting_subject_type_keeps_what_the_state_has_and_is_not_replaced()
    {
        const string type = "auth0:index/clientGrant:ClientGrant";
        var before = Resource(type, "g", """{"clientId":"c","audience":"a","scopes":["x"],"subjectType":"client"}""");

        var unset = Compare(before, Resource(type, "g", """{"clientId":"c","audience":"a","scopes":["x"]}"""));
        var changed = Compare(before, Resource(type, "g", """{"clientId":"c","audience":"a","scopes":["x"],"subjectType":"user"}"""));

        Assert.Equal(OperationKind.Same, Assert.Single(unset.Operations).Kind);
        Assert.Equal(OperationKind.Replace, Assert.Single(changed.Operations).Kind);
        Assert.Equal(["subjectType"], Assert.Single(changed.Operations).ReplaceReasons);
    }

    [Fact]
    public void An_ignored_input_is_taken_from_the_state_as_the_engine_does()
    {
        const string type = "random:index/randomPassword:RandomPassword";
        var before = Resource(type, "a--adopted-secret", """{"keepers":{"secret":"live"},"length":16}""");
        var after = Resource(type, "a--adopted-secret", """{"keepers":{"secret":"not-captured"},"length":16}""");

        Assert.Equal(OperationKind.Replace, Assert.Single(Compare(before, after).Operations).Kind);
        Assert.Equal(OperationKind.Same, Assert.Single(Compare(before, after with { IgnoreChanges = ["keepers"] }).Operations).Kind);
        Assert.Equal(
            "The operations preview models ignoreChanges on top-level inputs only; urn:pulumi:dev::infra::random:index/randomPassword:RandomPassword::a--adopted-secret ignores 'keepers.secret'.",
            Assert.Throws<NotSupportedException>(() => Compare(before, after with { IgnoreChanges = ["keepers.secret"] })).Message);
        // An ignored input the state does not have stays out, whatever the program passes.
        var without = Resource(type, "a--adopted-secret", """{"length":16}""");
        Assert.Equal(OperationKind.Same, Assert.Single(Compare(without, after with { IgnoreChanges = ["keepers"] }).Operations).Kind);
    }

    [Theory]
    [InlineData(true, true, "protected-replace")]
    [InlineData(true, false, null)] // unprotecting and replacing in one run is allowed (step_generator.go:1955-1958)
    [InlineData(false, true, null)]
    public void A_protected_resource_is_not_replaced_while_old_and_new_are_protected(bool before, bool after, string? rule)
    {
        const string type = "auth0:index/resourceServer:ResourceServer";

        var preview = Compare(Resource(type, "orders-api", """{"identifier":"https://a"}""", before), Resource(type, "orders-api", """{"identifier":"https://b"}""", after));

        Assert.Equal(OperationKind.Replace, Assert.Single(preview.Operations).Kind);
        Assert.Equal(rule, preview.Findings.SingleOrDefault()?.Rule);
    }
}
