using System.Text.Json.Nodes;
using Infra.Tests.Support;
using Infra.Tool;
using Infra.Tool.Plan;
using Infra.Tool.Preview;

namespace Infra.Tests.Tools;

public sealed class OperationsPreviewTests : IDisposable
{
    private readonly TemporaryProject _base = new();
    private readonly TemporaryProject _head = new();

    public void Dispose()
    {
        _base.Dispose();
        _head.Dispose();
    }

    private async Task<OperationsPreviewResult> Preview(string stack, Func<string, string> change)
    {
        _base.Write($"Pulumi.{stack}.yaml", StackHarness.StackFileText(stack));
        _head.Write($"Pulumi.{stack}.yaml", change(StackHarness.StackFileText(stack)));
        return await OperationsPreview.RunAsync(StackFiles.Load(_base.Path, stack), StackFiles.Load(_head.Path, stack), PulumiConfigScope.Today);
    }

    /// <summary>Every operation that does something: kind, type, name, and the inputs that change or force the replacement.</summary>
    private static List<string> Operations(OperationsPreviewResult preview) => preview.Operations
        .Where(o => o.Kind != OperationKind.Same)
        .Select(o => $"{o.Kind} {o.Type} {o.Name} [{string.Join(",", o.Kind == OperationKind.Replace ? o.ReplaceReasons : o.ChangedInputs)}]")
        .ToList();

    private static List<string> Findings(OperationsPreviewResult preview)
        => preview.Findings.Select(f => $"{f.Severity} {f.Rule} {f.Urn[(f.Urn.LastIndexOf("::", StringComparison.Ordinal) + 2)..]}").ToList();

    private static string Replace(string text, string from, string to)
    {
        Assert.Contains(from, text, StringComparison.Ordinal);
        return text.Replace(from, to, StringComparison.Ordinal);
    }

    private static string AddAfterKey(string text, string key, string lines) => Replace(text, $"    - key: {key}\n", $"    - key: {key}\n{lines}");

    /// <summary>
    /// A new secret drawn in the slot that was not in force (created, when the client never rotated and so had no
    /// such slot), the document rewritten, then Auth0 switched.
    /// </summary>
    private static string[] NewSecret(string client, int slot, bool firstInSlot) =>
    [
        firstInSlot ? $"Create random:index/randomPassword:RandomPassword {client}--slot{slot} []" : $"Replace random:index/randomPassword:RandomPassword {client}--slot{slot} [keepers]",
        $"Update azure-native:keyvault:Secret m2m--{client} [properties]",
        $"Update auth0:index/clientCredentials:ClientCredentials {client} [clientSecret]",
    ];

    [Theory]
    [InlineData("dev", "      rotation: 2\n", "      rotation: 3\n", 1, false)]
    [InlineData("prod", "      expires: 2027-02-20\n", "      expires: 2027-02-20\n      rotation: 1\n", 1, true)]
    public async Task Rotating_a_secret_draws_one_password_and_updates_the_rest_in_place_even_when_protected(string stack, string from, string to, int slot, bool first)
    {
        var preview = await Preview(stack, f => Replace(f, from, to));

        Assert.Equal(NewSecret("checkout-service", slot, first), Operations(preview));
        Assert.Empty(preview.Findings);
        Assert.Equal(0, OperationsReport.ExitCode(preview));
        Assert.Equal(
            first ? $"1 to create, 2 to update, 0 to replace, 0 to delete, {preview.Operations.Count - 3} unchanged" : $"0 to create, 2 to update, 1 to replace, 0 to delete, {preview.Operations.Count - 3} unchanged",
            OperationsReport.Summary(preview));
    }

    [Theory]
    [InlineData("      rotation: 4\n", "goes from 2 to 4 in one change: raise it by exactly one per deploy (to 3)")]
    [InlineData("      rotation: 1\n", "goes from 2 to 1 in one change: raise it by exactly one per deploy (to 3)")]
    public async Task A_rotation_other_than_one_step_up_is_rejected_as_it_would_lock_the_consumer_out(string to, string message)
    {
        var preview = await Preview("dev", f => Replace(f, "      rotation: 2\n", to));

        Assert.Equal(OperationsReport.InvalidConfigExitCode, OperationsReport.ExitCode(preview));
        Assert.StartsWith($"infra:clients[0].rotation: {message}", Assert.Single(preview.Problems).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dev", "nightly-reconciler", "7a2c9e14-5d3b-4f81-8e6a-1b9c0d2e3f47")]
    [InlineData("prod", "checkout-service", "5b7e2c1a-9d4f-4a6b-8c3e-1f0a2b3c4d5e")]
    public async Task Disabling_a_client_replaces_its_auth0_secret_empties_its_document_and_removes_its_readers(string stack, string client, string reader)
    {
        var preview = await Preview(stack, f => AddAfterKey(f, client, "      disabled: true\n"));

        Assert.Equal(
            [
                $"Update auth0:index/client:Client {client} [clientMetadata]",
                .. NewSecret(client, 1, firstInSlot: true),
                $"Delete azure-native:authorization:RoleAssignment m2m--{client}--{reader} []",
            ],
            Operations(preview));
        Assert.Empty(preview.Findings);
        // On prod the client's resources lose their protection, so that removing it is the next step.
        Assert.All(preview.Operations.Where(o => o.ParentUrn?.EndsWith($"::{client}", StringComparison.Ordinal) == true), o => Assert.False(o.Protect));
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public async Task Adding_a_reader_creates_one_assignment_on_that_clients_secret_only(string stack)
    {
        const string reader = "        - objectId: 3f2e1d0c-9b8a-4f7e-8d6c-5b4a3f2e1d0c\n          principalType: Group\n";
        var existing = stack == "dev" ? "7a2c9e14" : "8c1d3e5f"; // nightly-reconciler's reader
        var preview = await Preview(stack, f => Replace(f, $"      readers:\n        - objectId: {existing}", $"      readers:\n{reader}        - objectId: {existing}"));

        Assert.Equal(["Create azure-native:authorization:RoleAssignment m2m--nightly-reconciler--3f2e1d0c-9b8a-4f7e-8d6c-5b4a3f2e1d0c []"], Operations(preview));
        Assert.Empty(preview.Findings);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public async Task Adding_a_scope_to_a_grant_updates_the_grant_in_place(string stack)
    {
        var preview = await Preview(stack, f => Replace(f, "          scopes: [orders:read, orders:write]\n", "          scopes: [orders:read, orders:write, orders:cancel]\n"));

        Assert.Equal(["Update auth0:index/clientGrant:ClientGrant checkout-service--orders-api [scopes]"], Operations(preview));
        Assert.Empty(preview.Findings);
    }

    private static string RenameReconciler(string file)
        => Replace(file, "    - key: nightly-reconciler\n", "    - key: stock-reconciler\n      previousKeys: [nightly-reconciler]\n");

    [Theory]
    [InlineData("dev", "soft-deleted-secret")]
    public async Task Renaming_a_key_with_previous_keys_keeps_the_client_and_moves_only_its_secret(string stack, string secretRule)
    {
        var preview = await Preview(stack, RenameReconciler);

        // The client, its passwords, credentials and grant are found through the aliases; in Auth0 only the key
        // recorded in the client's metadata changes, in place.
        var reader = stack == "dev" ? "7a2c9e14-5d3b-4f81-8e6a-1b9c0d2e3f47" : "8c1d3e5f-7a9b-4c2d-9e4f-6a8b0c2d4e6f";
        Assert.Equal(
            [
                "Update auth0:index/client:Client stock-reconciler [clientMetadata]",
                "Create azure-native:keyvault:Secret m2m--stock-reconciler []",
                $"Create azure-native:authorization:RoleAssignment m2m--stock-reconciler--{reader} []",
                $"Delete azure-native:authorization:RoleAssignment m2m--nightly-reconciler--{reader} []",
                "Delete azure-native:keyvault:Secret m2m--nightly-reconciler []",
            ],
            Operations(preview));
        Assert.Equal(
            ["urn:pulumi:STACK::infra::infra:auth0:M2MClient::nightly-reconciler", "urn:pulumi:STACK::infra::infra:auth0:M2MClient$auth0:index/client:Client::nightly-reconciler", "urn:pulumi:STACK::infra::infra:auth0:M2MClient$auth0:index/clientGrant:ClientGrant::nightly-reconciler--inventory-api"],
            preview.Operations.Where(o => o.PreviousUrn is not null && o.Type is "infra:auth0:M2MClient" or "auth0:index/client:Client" or "auth0:index/clientGrant:ClientGrant").Select(o => o.PreviousUrn!.Replace($":{stack}::", ":STACK::", StringComparison.Ordinal)));
        Assert.Equal([$"Warning {secretRule} m2m--nightly-reconciler"], Findings(preview));
        Assert.Equal(0, OperationsReport.ExitCode(preview));
    }

    [Fact]
    public async Task Renaming_a_key_on_a_vault_that_retains_removed_secrets_must_rotate_in_the_same_change()
    {
        static string RenameCheckout(string f) => Replace(f, "    - key: checkout-service\n", "    - key: checkout-api\n      previousKeys: [checkout-service]\n");
        var rename = await Preview("prod", RenameCheckout);
        var renameAndRotate = await Preview("prod", f => Replace(RenameCheckout(f), "      expires: 2027-02-20\n", "      expires: 2027-02-20\n      rotation: 1\n"));

        var problem = Assert.Single(rename.Problems);
        Assert.Equal("infra:clients[0].key", problem.Path);
        Assert.Equal(
            "renames client 'checkout-service' to 'checkout-api' on a vault the pipeline cannot delete secrets from (infra:keyVault.create.publicNetworkAccess is Disabled): its old secret `m2m--checkout-service` is retained in the vault and would still hold the secret Auth0 accepts. Raise `rotation` to 1 in the same change: the client then moves to a new secret, and the retained one holds only secrets Auth0 no longer accepts.",
            problem.Message);
        Assert.Equal(OperationsReport.InvalidConfigExitCode, OperationsReport.ExitCode(rename));

        // With the rotation, Auth0 switches to a secret only the new document holds; the old one is retained, dead.
        Assert.True(renameAndRotate.Valid);
        Assert.Equal(["Warning retained-secret m2m--checkout-service"], Findings(renameAndRotate));
        Assert.Contains("Update auth0:index/clientCredentials:ClientCredentials checkout-api [clientSecret]", Operations(renameAndRotate));
        Assert.Equal(0, OperationsReport.ExitCode(renameAndRotate));
    }

    [Theory]
    // Moving without a rotation of its own, or with the rotation but not keysSinceRotation (then the keys' first rotation is 0).
    [InlineData("      authentication: private_key_jwt\n")]
    [InlineData("      authentication: private_key_jwt\n      rotation: 1\n")]
    [InlineData("      authentication: private_key_jwt\n      rotation: 2\n      keysSinceRotation: 2\n")]
    public async Task Moving_to_keys_other_than_in_the_next_rotation_is_refused_with_the_steps(string lines)
    {
        var preview = await Preview("prod", f => AddAfterKey(f, "checkout-service", lines));

        Assert.Equal(
            "infra:clients[0].authentication: moves client 'checkout-service' from its client secret to keys: that takes a rotation of its own, whose document hands out the new key together with the secret Auth0 still takes until it switches. In the same change raise rotation to 1 and set keysSinceRotation: 1 (docs/credential-lifecycle.md).",
            Assert.Single(preview.Problems, p => p.Path.EndsWith(".authentication", StringComparison.Ordinal)).ToString());
        Assert.Equal(OperationsReport.InvalidConfigExitCode, OperationsReport.ExitCode(preview));
    }

    [Fact]
    public async Task Moving_a_disabled_client_to_keys_is_refused_until_it_is_enabled()
    {
        var disabled = AddAfterKey(StackHarness.StackFileText("prod"), "checkout-service", "      disabled: true\n");
        _base.Write("Pulumi.prod.yaml", disabled);
        _head.Write("Pulumi.prod.yaml", AddAfterKey(StackHarness.StackFileText("prod"), "checkout-service", "      authentication: private_key_jwt\n      rotation: 1\n      keysSinceRotation: 1\n"));
        var preview = await OperationsPreview.RunAsync(StackFiles.Load(_base.Path, "prod"), StackFiles.Load(_head.Path, "prod"), PulumiConfigScope.Today);

        Assert.Equal(
            "infra:clients[0].authentication: moves client 'checkout-service' to keys while it is disabled: re-enable it with its client secret first, then move it in a change of its own.",
            Assert.Single(preview.Problems).ToString());
    }

    [Fact]
    public async Task A_key_client_does_not_move_back_to_a_secret_nor_change_when_it_moved()
    {
        var back = await Preview("prod", f => Replace(f, "      authentication: private_key_jwt\n", ""));
        var problem = Assert.Single(back.Problems);
        Assert.Equal("infra:clients[1].authentication", problem.Path);
        Assert.StartsWith("moves client 'nightly-reconciler' from keys back to a client secret, which this program does not do", problem.Message, StringComparison.Ordinal);
        Assert.EndsWith("Keep private_key_jwt, or give the consumer a new client with a client secret and remove this one once it has moved.", problem.Message, StringComparison.Ordinal);

        var since = await Preview("prod", f => Replace(f, "      authentication: private_key_jwt\n", "      authentication: private_key_jwt\n      rotation: 1\n      keysSinceRotation: 1\n"));
        Assert.Equal(
            ["infra:clients[1].keysSinceRotation: changes from (none) to 1: it records the rotation at which client 'nightly-reconciler' moved to keys, which decides which keys exist. Put back (none)."],
            since.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public async Task Removing_a_key_clients_expiry_is_refused_since_auth0_cannot_clear_a_keys_expiry_unless_it_is_disabled()
    {
        // Key client against key client: dev as committed holds it with a secret.
        var keys = AddAfterKey(StackHarness.StackFileText("dev"), "nightly-reconciler", "      authentication: private_key_jwt\n");
        var message = "infra:clients[1].expires: is removed from key client 'nightly-reconciler', but Auth0 cannot clear a key's expiry (terraform-provider-auth0 v1.53.0 leaves it as it is, and the key it keeps through a rotation would show a change on every run): its keys would still stop working on 2027-05-31. Set a later date instead.";
        async Task<OperationsPreviewResult> From(string from, string to)
        {
            _base.Write("Pulumi.dev.yaml", from);
            _head.Write("Pulumi.dev.yaml", to);
            return await OperationsPreview.RunAsync(StackFiles.Load(_base.Path, "dev"), StackFiles.Load(_head.Path, "dev"), PulumiConfigScope.Today);
        }

        var removed = Replace(keys, "      expires: 2027-05-31\n", "");
        Assert.Equal([message], (await From(keys, removed)).Problems.Select(p => p.ToString()));
        // Rotating at the same time does not help: the key Auth0 keeps would keep its date.
        var rotated = Replace(removed, "      authentication: private_key_jwt\n", "      authentication: private_key_jwt\n      rotation: 1\n");
        Assert.Equal([message], (await From(keys, rotated)).Problems.Select(p => p.ToString()));
        // While disabled its keys are not in Auth0, and re-enabling registers them with what config says then.
        var disabled = AddAfterKey(keys, "nightly-reconciler", "      disabled: true\n");
        Assert.True((await From(disabled, Replace(disabled, "      expires: 2027-05-31\n", ""))).Valid);
        Assert.True((await From(keys, Replace(keys, "      expires: 2027-05-31\n", "      expires: 2027-05-30\n"))).Valid);
    }

    [Fact]
    public async Task Renaming_a_key_client_on_that_vault_must_rotate_twice_as_auth0_keeps_the_previous_key()
    {
        var rename = await Preview("prod", RenameReconciler);
        var renameAndRotate = await Preview("prod", f => Replace(RenameReconciler(f), "      expires: 2027-02-10\n", "      expires: 2027-02-10\n      rotation: 1\n"));

        var problem = Assert.Single(rename.Problems);
        Assert.Equal("infra:clients[1].key", problem.Path);
        Assert.Equal(
            "renames client 'nightly-reconciler' to 'stock-reconciler' on a vault the pipeline cannot delete secrets from (infra:keyVault.create.publicNetworkAccess is Disabled): its old secret `m2m--nightly-reconciler` is retained in the vault and would still hold a key Auth0 accepts. Raise `rotation` to 1 in the same change and to 2 in the next one: Auth0 keeps the previous rotation's key, so the retained key stops working at the second.",
            problem.Message);
        Assert.True(renameAndRotate.Valid);
        Assert.Contains("Update auth0:index/clientCredentials:ClientCredentials stock-reconciler [privateKeyJwt]", Operations(renameAndRotate));
    }

    [Fact]
    public async Task Removing_a_client_from_dev_deletes_it_and_warns_of_its_soft_deleted_secrets()
    {
        var preview = await Preview("dev", f => f[..f.IndexOf("    - key: partner-globex", StringComparison.Ordinal)]);

        Assert.Equal(1 + 4 + 1 + 2, preview.Count(OperationKind.Delete)); // component; client, its one password, credentials, grant; secret; 2 readers
        Assert.Equal(preview.Operations.Count(o => o.Kind == OperationKind.Delete), Operations(preview).Count);
        Assert.Equal(["Warning soft-deleted-secret m2m--partner-globex"], Findings(preview));
        Assert.False(preview.Refused);
    }

    [Fact]
    public async Task Removing_a_client_from_protected_prod_is_refused_with_the_two_step_fix()
    {
        var preview = await Preview("prod", f => f[..f.IndexOf("    - key: partner-globex", StringComparison.Ordinal)]);

        Assert.Equal(
            [
                "Error protected-delete partner-globex",
                "Error protected-delete partner-globex",
                "Error protected-delete partner-globex--orders-api",
                "Warning retained-secret m2m--partner-globex",
            ],
            Findings(preview).Order(StringComparer.Ordinal));
        Assert.Equal(
            // Dependents first, the reverse of registration: the credentials, then the grant, then the client.
            ["auth0:index/clientCredentials:ClientCredentials", "auth0:index/clientGrant:ClientGrant", "auth0:index/client:Client"],
            preview.Findings.Where(f => f.Rule == "protected-delete").Select(f => f.Urn.Split("::")[2].Split('$')[^1]));
        var refusal = preview.Findings.First(f => f.Rule == "protected-delete");
        Assert.Equal("set `disabled: true` on the client and deploy that first (a disabled client is no longer protected), then remove it.", refusal.Fix);
        Assert.Equal(OperationsReport.RefusedExitCode, OperationsReport.ExitCode(preview));
    }

    [Fact]
    public async Task Removing_a_client_disabled_in_the_base_from_prod_goes_through()
    {
        var disabled = AddAfterKey(StackHarness.StackFileText("prod"), "partner-globex", "      disabled: true\n");
        _base.Write("Pulumi.prod.yaml", disabled);
        _head.Write("Pulumi.prod.yaml", disabled[..disabled.IndexOf("    - key: partner-globex", StringComparison.Ordinal)]);

        var preview = await OperationsPreview.RunAsync(StackFiles.Load(_base.Path, "prod"), StackFiles.Load(_head.Path, "prod"), PulumiConfigScope.Today);

        Assert.Equal(1 + 5 + 1, preview.Count(OperationKind.Delete)); // a disabled client has no readers left
        Assert.False(preview.Refused);
        Assert.All(preview.Findings, f => Assert.Equal("retained-secret", f.Rule));
    }

    [Fact]
    public async Task Setting_an_expiry_date_already_past_is_rejected_but_a_lapsed_one_left_alone_is_only_a_warning()
    {
        var lapsed = Replace(StackHarness.StackFileText("dev"), "      expires: 2026-12-20\n", "      expires: 2026-11-01\n");
        var set = await Preview("dev", _ => lapsed);
        Assert.Equal(["infra:clients[2].expires: is changed to 2026-11-01, which has already passed (today is 2026-11-28 UTC): set a date ahead."], set.Problems.Select(p => p.ToString()));
        Assert.Equal(OperationsReport.InvalidConfigExitCode, OperationsReport.ExitCode(set));

        _base.Write("Pulumi.dev.yaml", lapsed);
        _head.Write("Pulumi.dev.yaml", AddAfterKey(lapsed, "nightly-reconciler", "      disabled: true\n"));
        var emergency = await OperationsPreview.RunAsync(StackFiles.Load(_base.Path, "dev"), StackFiles.Load(_head.Path, "dev"), PulumiConfigScope.Today);
        Assert.True(emergency.Valid);
        Assert.Equal(0, OperationsReport.ExitCode(emergency));
        Assert.Equal(["infra:clients[2].expires"], emergency.Warnings.Select(w => w.Path));
    }

    [Fact]
    public async Task Text_is_a_tree_with_a_summary_and_markdown_and_json_carry_the_same_operations()
    {
        var preview = await Preview("prod", f => f[..f.IndexOf("    - key: partner-globex", StringComparison.Ordinal)]);

        var text = OperationsReport.Render(preview, OutputFormat.Text);
        Assert.StartsWith(
            """
            Operations preview of infra/prod (what `pulumi up` would do):
            `-- - delete   infra:auth0:M2MClient partner-globex
                |-- - delete   azure-native:authorization:RoleAssignment m2m--partner-globex--2d4f6a8c-0e1b-4d3f-a5c7-9e1b3d5f7a9c
                |              principalId: 2d4f6a8c-0e1b-4d3f-a5c7-9e1b3d5f7a9c, principalType: ServicePrincipal, role: Key Vault Secrets User
                |-- - delete   auth0:index/clientCredentials:ClientCredentials partner-globex [protected]
                |              authenticationMethod: client_secret_post, clientSecret: [secret]
                |-- - delete   azure-native:keyvault:Secret m2m--partner-globex [retained: dropped from the state, left in place]
                |              secretName: m2m--partner-globex, contentType: application/json, expires: 2027-01-31, value: [secret]

            """.ReplaceLineEndings("\n"),
            text,
            StringComparison.Ordinal);
        Assert.Contains("Summary: 0 to create, 0 to update, 0 to replace, 7 to delete, 28 unchanged\n", text, StringComparison.Ordinal);
        Assert.Contains("Errors (the real engine would refuse or break this):\n  - protected-delete urn:pulumi:prod::infra::infra:auth0:M2MClient$auth0:index/clientCredentials:ClientCredentials::partner-globex: deleting it is refused", text, StringComparison.Ordinal);

        var markdown = OperationsReport.Render(preview, OutputFormat.Markdown);
        Assert.StartsWith("### Operations preview: `infra/prod`\n\n**0 to create, 0 to update, 0 to replace, 7 to delete, 28 unchanged**\n\n> [!CAUTION]\n", markdown, StringComparison.Ordinal);
        Assert.Contains("| `-` delete | `auth0:index/client:Client` | `partner-globex` | [protected] |", markdown, StringComparison.Ordinal);

        var json = JsonNode.Parse(OperationsReport.Render(preview, OutputFormat.Json))!;
        Assert.Equal(["project", "stack", "valid", "refused", "problems", "summary", "operations", "findings", "warnings"], json.AsObject().Select(p => p.Key));
        Assert.Equal("""{"create":0,"update":0,"replace":0,"delete":7,"same":28}""", json["summary"]!.ToJsonString());
        Assert.Equal(preview.Operations.Count, json["operations"]!.AsArray().Count);
        Assert.True(json["refused"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_stack_the_base_lacks_is_all_creates()
    {
        var preview = await OperationsPreview.RunAsync(null, StackHarness.StackFile(), PulumiConfigScope.Today);

        Assert.Equal(preview.Operations.Count, preview.Count(OperationKind.Create));
        Assert.Empty(preview.Findings);
    }

    /// <summary>A stack going from without partner-globex to with it again, compared with <paramref name="earlier"/> as its history.</summary>
    private async Task<OperationsPreviewResult> ReAdd(string stack, params EarlierClient[] earlier)
    {
        var file = StackHarness.StackFileText(stack);
        _base.Write($"Pulumi.{stack}.yaml", file[..file.IndexOf("    - key: partner-globex\n", StringComparison.Ordinal)]);
        _head.Write($"Pulumi.{stack}.yaml", file);
        return await OperationsPreview.RunAsync(StackFiles.Load(_base.Path, stack), StackFiles.Load(_head.Path, stack), PulumiConfigScope.Today, earlier);
    }

    [Fact]
    public async Task A_key_whose_secret_a_closed_vault_still_holds_is_refused_by_the_latest_removal_and_only_in_that_vault()
    {
        var retained = new EarlierClient("partner-globex", "kv-acme-m2m-prod", "m2m--partner-globex", true, "aaaaaaaaaaaa", new DateOnly(2026, 1, 5));
        var softDeleted = retained with { Retained = false, RemovedIn = "bbbbbbbbbbbb", RemovedOn = new DateOnly(2026, 6, 1) };

        // A soft-deleted secret in a vault whose data plane the pipeline cannot reach cannot be recovered either.
        var closed = Assert.Single((await ReAdd("prod", retained, softDeleted)).Problems);
        Assert.Equal("infra:clients[2].key", closed.Path);
        Assert.StartsWith("'partner-globex' was the key of a client removed from this stack in commit bbbbbbbbbbbb (2026-06-01): its Key Vault secret `m2m--partner-globex` is soft-deleted, and the pipeline cannot reach the vault's data plane to recover it.", closed.Message, StringComparison.Ordinal);
        Assert.StartsWith("'partner-globex' was the key of a client removed from this stack in commit aaaaaaaaaaaa (2026-01-05): its Key Vault secret `m2m--partner-globex` is still in the vault", Assert.Single((await ReAdd("prod", retained)).Problems).Message, StringComparison.Ordinal);

        // Another vault's secret, a secret of the base's own, or a soft-deleted one that azure-native recovers: nothing.
        Assert.True((await ReAdd("prod", retained with { VaultName = "kv-other" })).Valid);
        Assert.True((await ReAdd("prod", retained with { SecretName = "m2m--checkout-service", Key = "checkout-service" })).Valid);
        Assert.True((await ReAdd("dev", softDeleted with { VaultName = "kv-acme-m2m-dev" })).Valid);
        Assert.False((await ReAdd("dev", softDeleted with { VaultName = "kv-acme-m2m-dev", Retained = true })).Valid);
    }
}
