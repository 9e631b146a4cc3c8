using System.Text.Json;
using Infra.Tests.Support;
using Infra.Tool;
using Infra.Tool.Diff;
using Infra.Tool.Plan;

namespace Infra.Tests.Tools;

public sealed class AccessDiffTests : IDisposable
{
    private static readonly string DevFile = StackHarness.StackFileText();
    private readonly TemporaryProject _base = new();
    private readonly TemporaryProject _head = new();

    public AccessDiffTests() => _base.Write("Pulumi.dev.yaml", DevFile);

    public void Dispose()
    {
        _base.Dispose();
        _head.Dispose();
    }

    private static readonly string ProjectFile = File.ReadAllText(Path.Combine(StackHarness.RepositoryRoot(), "Pulumi.yaml"));

    private static string Edit(string text, string from, string to)
    {
        Assert.Contains(from, text, StringComparison.Ordinal);
        return text.Replace(from, to, StringComparison.Ordinal);
    }

    private AccessDiffResult Diff(string headFile, string? headProject = null)
    {
        _head.Write("Pulumi.dev.yaml", headFile);
        if (headProject is not null)
        {
            _head.Write("Pulumi.yaml", headProject);
        }

        return AccessDiff.Compare(StackFiles.Load(_base.Path, "dev"), StackFiles.Load(_head.Path, "dev"));
    }

    /// <summary>The pull request of the issue: adds a scope, removes a client, changes an owner.</summary>
    private static string AddScopeRemoveClientChangeOwner()
    {
        var head = DevFile
            .Replace("          scopes: [orders:read, orders:write]", "          scopes: [orders:read, orders:write, orders:cancel]", StringComparison.Ordinal)
            .Replace("owner: team-checkout", "owner: team-payments", StringComparison.Ordinal);
        return head[..head.IndexOf("    - key: partner-globex", StringComparison.Ordinal)];
    }

    [Fact]
    public void Adding_a_scope_removing_a_client_and_changing_an_owner_are_reported_privilege_increase_first()
    {
        var diff = Diff(AddScopeRemoveClientChangeOwner());

        Assert.Empty(diff.Problems);
        Assert.Equal(
            [
                "ScopesAdded True checkout-service orders-api [orders:cancel] →",
                "OwnerChanged False checkout-service  [] team-checkout→team-payments",
                "ClientRemoved False partner-globex  [orders-api: orders:read] partnerships@acme.example→",
            ],
            diff.Changes.Select(Line));
        Assert.Equal(AccessDiffReport.PrivilegeIncreaseExitCode, AccessDiffReport.ExitCode(diff));
    }

    [Fact]
    public void Moving_a_client_to_keys_is_reported_and_is_not_an_increase()
    {
        var diff = Diff(DevFile.Replace("    - key: nightly-reconciler\n", "    - key: nightly-reconciler\n      authentication: private_key_jwt\n      rotation: 1\n      keysSinceRotation: 1\n", StringComparison.Ordinal));

        Assert.Equal(["AuthenticationChanged False nightly-reconciler  [] client_secret_post→private_key_jwt"], diff.Changes.Select(Line));
        Assert.False(diff.PrivilegeIncrease);
        Assert.Equal(
            "nightly-reconciler authenticates with private_key_jwt instead of client_secret_post: its consumer needs a library that reads the new document",
            AccessDiffReport.Describe(diff.Changes[0], markdown: false));
    }

    [Fact]
    public void A_removed_clients_grants_are_listed_by_api_key_whatever_their_order_in_config()
    {
        // checkout-service declares orders-api before inventory-api.
        var head = Edit(DevFile, DevFile[DevFile.IndexOf("    - key: checkout-service\n", StringComparison.Ordinal)..DevFile.IndexOf("    - key: nightly-reconciler\n", StringComparison.Ordinal)], "");

        var removed = Assert.Single(Diff(head).Changes);

        Assert.Equal("ClientRemoved False checkout-service  [inventory-api: stock:read, orders-api: orders:read orders:write] team-checkout→", Line(removed));
    }

    [Fact]
    public void Setting_an_expiry_where_there_was_none_is_a_decrease_from_never()
    {
        _base.Write("Pulumi.dev.yaml", Edit(DevFile, "      expires: 2027-05-31\n", ""));

        var expiry = Assert.Single(Diff(DevFile).Changes);

        Assert.Equal("ExpiryChanged False nightly-reconciler  [] never→2027-05-31", Line(expiry));
        Assert.Equal("`nightly-reconciler`'s credentials expire on 2027-05-31 instead of never", AccessDiffReport.Describe(expiry, markdown: true));
    }

    [Theory]
    [InlineData("      expires: 2027-05-31\n", "      expires: 2030-05-31\n", true, "2027-05-31→2030-05-31", "`nightly-reconciler`'s credentials expire on 2030-05-31 instead of 2027-05-31")]
    [InlineData("      expires: 2027-05-31\n", "", true, "2027-05-31→never", "`nightly-reconciler`'s credentials expire never instead of 2027-05-31")]
    [InlineData("      expires: 2027-05-31\n", "      expires: 2027-01-31\n", false, "2027-05-31→2027-01-31", "`nightly-reconciler`'s credentials expire on 2027-01-31 instead of 2027-05-31")]
    public void Moving_an_expiry_later_or_removing_it_is_an_increase_and_earlier_a_decrease(string from, string to, bool increase, string change, string sentence)
    {
        var diff = Diff(DevFile.Replace(from, to, StringComparison.Ordinal));

        var expiry = Assert.Single(diff.Changes);
        Assert.Equal($"ExpiryChanged {increase} nightly-reconciler  [] {change}", Line(expiry));
        Assert.Equal(increase ? AccessDiffReport.PrivilegeIncreaseExitCode : 0, AccessDiffReport.ExitCode(diff));
        Assert.Equal(sentence, AccessDiffReport.Describe(expiry, markdown: true));
    }

    [Fact]
    public void The_markdown_comment_lists_privilege_increases_first()
    {
        var markdown = AccessDiffReport.Render(Diff(AddScopeRemoveClientChangeOwner()), OutputFormat.Markdown);

        Assert.Equal(
            """
            ### Access changes: `dev`

            **Privilege increases (1), needing an owner's approval:**
            - ⚠️ `checkout-service` gains on `orders-api`: `orders:cancel`

            **Other changes (2):**
            - `checkout-service` changes owner from team-checkout to team-payments
            - client `partner-globex` (owner partnerships@acme.example) removed, with its grants `orders-api: orders:read`

            """.ReplaceLineEndings("\n"),
            markdown.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_json_report_has_a_flag_for_pipelines_and_one_entry_per_change()
    {
        var json = JsonDocument.Parse(AccessDiffReport.Render(Diff(AddScopeRemoveClientChangeOwner()), OutputFormat.Json)).RootElement;

        Assert.Equal(["stack", "valid", "privilegeIncrease", "problems", "changes"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("dev", true, 0), (json.GetProperty("stack").GetString(), json.GetProperty("valid").GetBoolean(), json.GetProperty("problems").GetArrayLength()));
        Assert.True(json.GetProperty("privilegeIncrease").GetBoolean());
        Assert.Equal(
            """{"kind":"scopesAdded","privilegeIncrease":true,"client":"checkout-service","api":"orders-api","items":["orders:cancel"],"from":null,"to":null,"summary":"checkout-service gains on orders-api: orders:cancel"}""",
            JsonSerializer.Serialize(json.GetProperty("changes")[0]));
        Assert.Equal(["scopesAdded", "ownerChanged", "clientRemoved"], json.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("kind").GetString()));
    }

    [Fact]
    public void Removing_access_only_needs_no_extra_approval()
    {
        var head = DevFile.Replace("          scopes: [stock:read, stock:adjust]", "          scopes: [stock:read]", StringComparison.Ordinal);

        var diff = Diff(head);

        Assert.Equal(["ScopesRemoved nightly-reconciler inventory-api stock:adjust"], diff.Changes.Select(c => $"{c.Kind} {c.Client} {c.Api} {string.Join(',', c.Items)}"));
        Assert.Equal(0, AccessDiffReport.ExitCode(diff));
    }

    [Fact]
    public void An_unchanged_stack_reports_no_change()
    {
        var diff = Diff(DevFile);

        Assert.Empty(diff.Changes);
        Assert.Equal(0, AccessDiffReport.ExitCode(diff));
        Assert.Equal("Access changes in stack dev:\n  no change of access\n", AccessDiffReport.Render(diff, OutputFormat.Text).ReplaceLineEndings("\n"));
        var markdown = AccessDiffReport.Render(diff, OutputFormat.Markdown).ReplaceLineEndings("\n");
        Assert.EndsWith("\nNo change of access.\n", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("**", markdown.Split('\n').Last(l => l.Length > 0), StringComparison.Ordinal);
    }

    [Fact]
    public void A_longer_token_lifetime_a_new_grant_and_a_new_reader_are_privilege_increases()
    {
        var head = DevFile
            .Replace("infra:tokenLifetime: 3600", "infra:tokenLifetime: 7200", StringComparison.Ordinal)
            .Replace(
                "        - api: inventory-api\n          scopes: [stock:read, stock:adjust]",
                "        - api: inventory-api\n          scopes: [stock:read, stock:adjust]\n        - api: orders-api\n          scopes: [orders:read]",
                StringComparison.Ordinal)
            .Replace(
                "          principalType: ServicePrincipal\n      grants:\n        - api: inventory-api",
                "          principalType: ServicePrincipal\n        - objectId: 6b8d0f2a-4c6e-4a8c-9e0b-2d4f6a8c0e2b\n          principalType: Group\n      grants:\n        - api: inventory-api",
                StringComparison.Ordinal);

        var diff = Diff(head);

        Assert.Equal(
            [
                "TokenLifetimeChanged True  inventory-api [] 3600s→7200s",
                "TokenLifetimeChanged True  orders-api [] 3600s→7200s",
                "ReadersAdded True nightly-reconciler  [6b8d0f2a-4c6e-4a8c-9e0b-2d4f6a8c0e2b] →",
                "GrantAdded True nightly-reconciler orders-api [orders:read] →",
            ],
            diff.Changes.Select(Line));
    }

    [Fact]
    public void Disabling_a_client_is_a_reduction_and_enabling_it_again_a_privilege_increase()
    {
        var disabled = DevFile.Replace("      owner: partnerships@acme.example\n", "      owner: partnerships@acme.example\n      disabled: true\n", StringComparison.Ordinal);
        Assert.NotEqual(DevFile, disabled);

        var disabling = Diff(disabled);
        _base.Write("Pulumi.dev.yaml", disabled);
        var enabling = Diff(DevFile);

        Assert.Equal(["ClientDisabled False partner-globex  [orders-api: orders:read] →"], disabling.Changes.Select(Line));
        Assert.Equal(0, AccessDiffReport.ExitCode(disabling));
        Assert.Equal(["ClientEnabled True partner-globex  [orders-api: orders:read] →"], enabling.Changes.Select(Line));
        Assert.Equal(AccessDiffReport.PrivilegeIncreaseExitCode, AccessDiffReport.ExitCode(enabling));
        Assert.Equal(
            "Access changes in stack dev:\n  PRIVILEGE INCREASES (1):\n    + client partner-globex enabled again: tokens for orders-api: orders:read, its secret readable by its readers\n",
            AccessDiffReport.Render(enabling, OutputFormat.Text).ReplaceLineEndings("\n"));
        Assert.Equal(
            "Access changes in stack dev:\n  other changes (1):\n    - client partner-globex disabled: no tokens for orders-api: orders:read, its secret unreadable\n",
            AccessDiffReport.Render(disabling, OutputFormat.Text).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_key_change_recorded_as_a_previous_key_is_not_a_new_client()
    {
        var head = DevFile.Replace("    - key: nightly-reconciler\n", "    - key: stock-reconciler\n      previousKeys: [nightly-reconciler]\n", StringComparison.Ordinal);

        Assert.Empty(Diff(head).Changes);
    }

    [Fact]
    public void A_stack_new_in_the_pull_request_grants_everything_anew_and_an_invalid_head_fails()
    {
        var fresh = AccessDiff.Compare(null, StackHarness.StackFile("staging"));
        // A team stack grants on its catalogue's APIs and adds none: their changes are the catalogue stack's diff.
        var team = AccessDiff.Compare(null, StackHarness.StackFile("staging.checkout"));
        var invalid = Diff(DevFile.Replace("owner: team-warehouse", "ownr: team-warehouse", StringComparison.Ordinal));

        Assert.Equal(["load-test-runner"], fresh.Changes.Where(c => c.Kind == ChangeKind.ClientAdded && c.PrivilegeIncrease).Select(c => c.Client));
        Assert.Equal(2, fresh.Changes.Count(c => c.Kind == ChangeKind.ApiAdded));
        Assert.Equal([(ChangeKind.ClientAdded, "checkout-service")], team.Changes.Select(c => (c.Kind, c.Client)));
        Assert.Equal(AccessDiffReport.InvalidConfigExitCode, AccessDiffReport.ExitCode(invalid));
        Assert.Equal(
            ["head: infra:clients[1].owner: is required: set the accountable team or person.", "head: infra:clients[1].ownr: unknown key; did you mean 'owner'?"],
            invalid.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_removed_grant_a_removed_reader_and_a_shorter_token_lifetime_are_reductions()
    {
        var head = Edit(DevFile, "infra:tokenLifetime: 3600", "infra:tokenLifetime: 900");
        head = Edit(head, "        - api: inventory-api\n          scopes: [stock:read]\n    - key: nightly-reconciler", "    - key: nightly-reconciler");
        head = Edit(head, "        - objectId: c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f   # the partnerships on-call group\n          principalType: Group\n", "");

        var diff = Diff(head);

        Assert.Empty(diff.Problems);
        Assert.Equal(
            [
                "TokenLifetimeChanged False  inventory-api [] 3600s→900s",
                "TokenLifetimeChanged False  orders-api [] 3600s→900s",
                "GrantRemoved False checkout-service inventory-api [stock:read] →",
                "ReadersRemoved False partner-globex  [c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f] →",
            ],
            diff.Changes.Select(Line));
        Assert.Equal(0, AccessDiffReport.ExitCode(diff));
    }

    [Fact]
    public void An_api_renamed_with_its_previous_key_is_no_change_an_added_one_is_listed_and_a_removed_one_takes_its_grants()
    {
        // The catalogue in Pulumi.yaml: orders-api renamed, inventory-api removed, billing-api added.
        var project = Edit(ProjectFile, "      - key: orders-api\n", "      - key: sales-orders-api\n        previousKeys: [orders-api]\n");
        project = Edit(project, "      - key: inventory-api\n        name: Inventory API\n        identifier: https://api.acme.example/inventory\n", "      - key: billing-api\n        name: Billing API\n        identifier: https://api.acme.example/billing\n");
        project = Edit(project, "          - value: stock:read\n            description: Read stock levels per warehouse\n          - value: stock:adjust\n            description: Record stock adjustments\n", "          - value: invoices:read\n            description: Read invoices\n");
        var head = Edit(DevFile, "        - api: inventory-api\n          scopes: [stock:read]\n    - key: nightly-reconciler", "    - key: nightly-reconciler");
        head = Edit(head, "        - api: inventory-api\n          scopes: [stock:read, stock:adjust]", "        - api: billing-api\n          scopes: [invoices:read]");
        head = head.Replace("        - api: orders-api\n", "        - api: sales-orders-api\n", StringComparison.Ordinal);

        var diff = Diff(head, project);

        Assert.Empty(diff.Problems);
        Assert.Equal(
            [
                "GrantAdded True nightly-reconciler billing-api [invoices:read] →",
                "ApiAdded False  billing-api [invoices:read] →",
                "ApiRemoved False  inventory-api [] →",
                "GrantRemoved False checkout-service inventory-api [stock:read] →",
                "GrantRemoved False nightly-reconciler inventory-api [stock:adjust, stock:read] →",
            ],
            diff.Changes.Select(Line));
        Assert.DoesNotContain(diff.Changes, c => c.Api is "orders-api" or "sales-orders-api");
    }

    [Fact]
    public void Reductions_alone_are_listed_in_markdown_without_an_increase_section_and_one_clients_changes_in_kind_order()
    {
        // An earlier expiry and a new owner: two reductions of one client, ordered by kind, then an API-wide one before it.
        var head = Edit(DevFile, "      expires: 2027-05-31", "      expires: 2027-01-31");
        head = Edit(head, "owner: team-warehouse", "owner: team-inventory");
        head = Edit(head, "infra:tokenLifetime: 3600", "infra:tokenLifetime: 900");

        var diff = Diff(head);

        Assert.Equal(
            """
            ### Access changes: `dev`

            **Other changes (4):**
            - `inventory-api` token lifetime (the revocation delay) 3600s → 900s
            - `orders-api` token lifetime (the revocation delay) 3600s → 900s
            - `nightly-reconciler`'s credentials expire on 2027-01-31 instead of 2027-05-31
            - `nightly-reconciler` changes owner from team-warehouse to team-inventory

            """.ReplaceLineEndings("\n"),
            AccessDiffReport.Render(diff, OutputFormat.Markdown).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Stack_wide_changes_come_before_every_clients_even_one_whose_key_starts_with_a_digit()
    {
        // "" (no client) sorts before any key; a placeholder for it must not sort after a key such as 2-nightly-...
        var digitKeys = Edit(DevFile, "key: nightly-reconciler", "key: 2-nightly-reconciler");
        _base.Write("Pulumi.dev.yaml", digitKeys);
        var head = Edit(digitKeys, "          scopes: [stock:read, stock:adjust]", "          scopes: [stock:read]");
        head = Edit(head, "infra:tokenLifetime: 3600", "infra:tokenLifetime: 900");

        var diff = Diff(head);

        Assert.Equal(
            [
                "TokenLifetimeChanged False  inventory-api [] 3600s→900s",
                "TokenLifetimeChanged False  orders-api [] 3600s→900s",
                "ScopesRemoved False 2-nightly-reconciler inventory-api [stock:adjust] →",
            ],
            diff.Changes.Select(Line));
    }

    [Fact]
    public void A_stack_file_that_leaves_the_domain_to_AUTH0_DOMAIN_is_compared_like_any_other()
    {
        // Pipelines set the tenant in the environment; an offline comparison must not call its absence a problem.
        var withoutDomain = StackHarness.WithoutDomain(DevFile);
        _base.Write("Pulumi.dev.yaml", withoutDomain);

        var diff = Diff(Edit(withoutDomain, "          scopes: [stock:read, stock:adjust]", "          scopes: [stock:read]"));

        Assert.Empty(diff.Problems);
        Assert.Equal(["ScopesRemoved False nightly-reconciler inventory-api [stock:adjust] →"], diff.Changes.Select(Line));
    }

    [Fact]
    public void An_invalid_base_is_reported_as_the_bases_problems_alone_and_compares_nothing()
    {
        _base.Write("Pulumi.dev.yaml", Edit(DevFile, "owner: team-warehouse", "ownr: team-warehouse"));

        var diff = Diff(DevFile);

        Assert.Equal(AccessDiffReport.InvalidConfigExitCode, AccessDiffReport.ExitCode(diff));
        Assert.Equal(
            ["base: infra:clients[1].owner: is required: set the accountable team or person.", "base: infra:clients[1].ownr: unknown key; did you mean 'owner'?"],
            diff.Problems.Select(p => p.ToString()));
        Assert.Empty(diff.Changes);
        // The problems alone, in text and markdown: nothing is compared.
        Assert.Equal(
            """
            Access changes in stack dev:
            The config is invalid:
              - base: infra:clients[1].owner: is required: set the accountable team or person.
              - base: infra:clients[1].ownr: unknown key; did you mean 'owner'?

            """.ReplaceLineEndings("\n"),
            AccessDiffReport.Render(diff, OutputFormat.Text).ReplaceLineEndings("\n"));
        Assert.Equal(
            """
            ### Access changes: `dev`

            **The config is invalid:**
            - `base: infra:clients[1].owner`: is required: set the accountable team or person.
            - `base: infra:clients[1].ownr`: unknown key; did you mean 'owner'?

            """.ReplaceLineEndings("\n"),
            AccessDiffReport.Render(diff, OutputFormat.Markdown).ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task The_command_line_runs_from_the_repository_root_and_exits_2_on_a_privilege_increase()
    {
        _head.Write("Pulumi.dev.yaml", AddScopeRemoveClientChangeOwner());

        var (diffExit, diffOut) = await RunToolAsync("diff", "dev", "--base", _base.Path, "--head", _head.Path, "--format", "markdown");
        var (planExit, planOut) = await RunToolAsync("plan", "prod", "--format", "json", "--today", "2026-11-28");
        var (badExit, badOut) = await RunToolAsync("diff", "dev", "--base", _base.Path, "--head", _head.Path, "--format", "yaml");

        Assert.Equal(2, diffExit);
        Assert.StartsWith("### Access changes: `dev`", diffOut, StringComparison.Ordinal);
        Assert.Equal(0, planExit);
        Assert.True(JsonDocument.Parse(planOut).RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(1, badExit);
        Assert.Contains("yaml", badOut, StringComparison.Ordinal);
    }

    private static string Line(AccessChange c) => $"{c.Kind} {c.PrivilegeIncrease} {c.Client} {c.Api} [{string.Join(", ", c.Items)}] {c.From}→{c.To}";

    private static async Task<(int ExitCode, string Output)> RunToolAsync(params string[] args)
    {
        var run = await ToolInProcess.RunAsync(args);
        return (run.ExitCode, run.Output + run.Error);
    }
}
