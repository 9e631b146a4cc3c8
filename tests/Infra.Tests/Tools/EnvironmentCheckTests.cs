using System.Text.Json.Nodes;
using Infra.Tests.Support;
using Infra.Tool;
using Infra.Tool.Environments;
using Infra.Tool.Plan;

namespace Infra.Tests.Tools;

/// <summary>
/// The checks across the stacks of one environment, on the split staging example and edits of it: each rule with
/// its exact message, every problem at once, and the grouping of stack files into environments.
/// </summary>
public class EnvironmentCheckTests
{
    private static readonly StackConfig Defaults = StackFiles.ProjectDefaults(StackHarness.RepositoryRoot());

    private static StackConfig Staging => StackHarness.StackFile("staging");

    private static StackConfig Checkout => StackHarness.StackFile("staging.checkout");

    private static StackConfig Warehouse => StackHarness.StackFile("staging.warehouse");

    private static StackConfig With(StackConfig stack, Func<IReadOnlyDictionary<string, string>, Dictionary<string, string>> edit) => stack with { Values = edit(stack.Values) };

    private static List<string> Problems(params StackConfig[] stacks)
    {
        var layout = ProjectStacks.Group(stacks);
        return [.. layout.Problems.Concat(layout.Environments.SelectMany(e => EnvironmentCheck.Run(e, Defaults, PulumiConfigScope.Today).Problems)).Select(p => p.ToString())];
    }

    [Fact]
    public void The_example_project_groups_staging_with_its_two_team_stacks_and_every_environment_is_valid()
    {
        var result = EnvironmentsResult.Run(StackHarness.RepositoryRoot(), null, PulumiConfigScope.Today);

        Assert.Equal(
            ["dev: dev", "prod: prod", "staging: staging, staging.checkout, staging.warehouse"],
            result.Layout.Environments.Select(e => $"{e.Name}: {string.Join(", ", e.Stacks.Select(s => s.Stack))}"));
        Assert.Empty(result.Problems);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("staging", result.Layout.EnvironmentOf("staging.warehouse")!.Name);
        Assert.Null(result.Layout.EnvironmentOf("qa"));
    }

    [Fact]
    public void A_key_a_name_and_an_import_used_in_two_stacks_are_each_named_with_both_places()
    {
        var checkout = With(Checkout, c => c.Edit("infra:clients", clients =>
        {
            clients[0]!["key"] = "nightly-reconciler";
            clients[0]!["name"] = "load-test RUNNER";
            clients[0]!["import"] = "AbCdEfGhIjKlMnOpQrStUvWxYz012345";
        }));
        var warehouse = With(Warehouse, c => c.Edit("infra:clients", clients => clients[0]!["import"] = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"));

        Assert.Equal(
            [
                "Pulumi.staging.checkout.yaml infra:clients[0].name: 'load-test RUNNER' is also the name of Pulumi.staging.yaml infra:clients[0]: the Auth0 dashboard, its logs and the audit show applications by name. Give each its own, such as the team's name in it.",
                "Pulumi.staging.warehouse.yaml infra:clients[0].key: 'nightly-reconciler' is also the key of Pulumi.staging.checkout.yaml infra:clients[0]: a key names the client's Key Vault secret and its record in the tenant, so it is used once per environment. Give one of them another key.",
                "Pulumi.staging.warehouse.yaml infra:clients[0].import: adopts AbCdEfGhIjKlMnOpQrStUvWxYz012345, which Pulumi.staging.checkout.yaml infra:clients[0].import adopts too: two stacks would both manage one Auth0 object, and each deploy would undo the other's. Keep the import in one of them.",
            ],
            Problems(Staging, checkout, warehouse));
    }

    [Fact]
    public void The_same_key_in_two_vaults_is_one_problem_and_the_same_secret_under_another_prefix_is_none()
    {
        var otherVault = With(Warehouse, c => c
            .Edit("infra:keyVault", v => v["name"] = "kv-acme-warehouse")
            .Edit("infra:clients", clients => clients[0]!["key"] = "checkout-service"));
        var otherPrefix = With(Warehouse, c => c.Edit("infra:keyVault", v => v["secretPrefix"] = "wh"));

        Assert.Equal(
            ["Pulumi.staging.warehouse.yaml infra:clients[0].key: 'checkout-service' is also the key of Pulumi.staging.checkout.yaml infra:clients[0]: a key names the client's Key Vault secret and its record in the tenant, so it is used once per environment. Give one of them another key."],
            Problems(Staging, Checkout, otherVault));
        Assert.Empty(Problems(Staging, Checkout, otherPrefix));
    }

    [Fact]
    public void A_team_stack_in_another_tenant_or_less_strict_than_its_catalogue_is_refused_with_the_catalogues_value()
    {
        var prodLike = With(Staging, c => c.Set("infra:production", "true").Set("infra:protect", "true").Set("infra:maxCredentialLifetimeDays", "90")
            .Edit("infra:clients", clients => clients[0]!["expires"] = "2027-01-31"));
        var team = With(Checkout, c => c.Set("auth0:domain", "acme-other.eu.auth0.com").Set("infra:maxCredentialLifetimeDays", "365")
            .Edit("infra:clients", clients => clients[0]!["expires"] = "2027-06-30"));
        var stricter = With(Warehouse, c => c.Set("infra:production", "true").Set("infra:protect", "true").Set("infra:maxCredentialLifetimeDays", "30")
            .Edit("infra:clients", clients => clients[0]!["expires"] = "2026-12-20"));

        Assert.Equal(
            [
                "Pulumi.staging.checkout.yaml auth0:domain: is 'acme-other.eu.auth0.com', but the catalogue stack 'staging' deploys into 'acme-staging.eu.auth0.com': every stack of an environment deploys into its tenant, where the APIs and the Action are. Set auth0:domain: acme-staging.eu.auth0.com.",
                "Pulumi.staging.checkout.yaml infra:production: is false, but the catalogue stack 'staging' sets true: a team stack is as much production as its environment. Set infra:production: true.",
                "Pulumi.staging.checkout.yaml infra:protect: must be true: the catalogue stack 'staging' protects its resources, and a team stack's clients, credentials and grants are as live as its.",
                "Pulumi.staging.checkout.yaml infra:maxCredentialLifetimeDays: must be between 1 and 90 days: the catalogue stack 'staging' caps every credential of the environment at 90 days, and a team stack may be stricter, not looser.",
            ],
            Problems(prodLike, team, stricter));
    }

    [Fact]
    public void Apis_set_in_a_team_stack_or_in_the_catalogue_stack_of_a_split_environment_are_refused()
    {
        var apis = Defaults.Values["infra:apis"];
        var ownApis = With(Checkout, c => c.Edit("infra:apis", list => list[0]!["name"] = "Orders (checkout's copy)"));
        var catalogueOwnApis = With(Staging, c => c.Edit("infra:apis", list => list.AsArray().RemoveAt(1)));

        Assert.Equal(
            ["Pulumi.staging.checkout.yaml infra:apis: is set in a team stack, which owns no API: remove it from Pulumi.staging.checkout.yaml. The stack grants on Pulumi.yaml's infra:apis, which its catalogue stack 'staging' deploys; add an API or a scope there."],
            Problems(Staging, ownApis, Warehouse));
        // The same value written out again is no override: what the stacks see is what they compare.
        Assert.Empty(Problems(Staging, With(Checkout, c => c.Set("infra:apis", apis)), Warehouse));
        var problems = Problems(catalogueOwnApis, Checkout, Warehouse);
        Assert.Contains(
            "Pulumi.staging.yaml infra:apis: is set in the catalogue stack of an environment with team stacks (staging.checkout, staging.warehouse), which grant on Pulumi.yaml's infra:apis: move this catalogue into Pulumi.yaml, so that every stack of the environment sees the APIs that are deployed.",
            problems);
        Assert.Equal(2, problems.Count);
        // Its own validation also finds the grant on the API it no longer declares.
        Assert.Contains(problems, p => p.StartsWith("Pulumi.staging.yaml infra:clients[0].grants[1].api:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_scope_removed_from_the_catalogue_is_refused_in_every_team_stack_that_still_grants_it()
    {
        // The catalogue lives in Pulumi.yaml, so every stack reads the same edit.
        StackConfig Without(StackConfig stack) => With(stack, c => c.Edit("infra:apis", list => list[1]!["scopes"]!.AsArray().RemoveAt(1)));
        var defaults = Without(Defaults);
        var layout = ProjectStacks.Group([Without(Staging), Without(Checkout), Without(Warehouse)]);

        var problems = EnvironmentCheck.Run(layout.Environments.Single(), defaults, PulumiConfigScope.Today).Problems.Select(p => p.ToString()).ToList();

        Assert.Equal(
            ["Pulumi.staging.warehouse.yaml infra:clients[0].grants[0].scopes[1]: scope 'stock:adjust' is not declared on API 'inventory-api'; declare it under infra:apis[1].scopes or use one of: stock:read."],
            problems);
    }

    [Fact]
    public void The_role_assignments_of_every_stack_in_one_subscription_count_against_the_catalogues_budget()
    {
        var budget = With(Staging, c => c.Set("infra:roleAssignmentBudget", "2"));
        var elsewhere = With(Warehouse, c => c.Set(EnvironmentCheck.SubscriptionKey, "3f2504e0-4f89-11d3-9a0c-0305e82c3301"));

        Assert.Equal(
            ["Pulumi.staging.yaml infra:roleAssignmentBudget: the stacks in the deploying identity's subscription declare 3 Azure role assignments together (staging 1, staging.checkout 1, staging.warehouse 1), over the environment's budget of 2 (infra:roleAssignmentBudget of 'staging'); Azure allows 4,000 per subscription, shared with everything else in it. Ways out: let one group read several clients' secrets, remove readers that are no longer needed, or deploy a team stack into another subscription (azure-native:subscriptionId in its file)."],
            Problems(budget, Checkout, Warehouse));
        // The team stack in a subscription of its own counts there, alone, against its own budget.
        Assert.Empty(Problems(budget, Checkout, elsewhere));
    }

    [Fact]
    public void Two_stacks_over_the_budget_in_a_subscription_they_name_are_counted_there()
    {
        const string Shared = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
        var budget = With(Staging, c => c.Set("infra:roleAssignmentBudget", "1").Set(EnvironmentCheck.SubscriptionKey, Shared));
        var checkout = With(Checkout, c => c.Set(EnvironmentCheck.SubscriptionKey, Shared.ToUpperInvariant()));
        var elsewhere = With(Warehouse, c => c.Set(EnvironmentCheck.SubscriptionKey, "9b2c4e6f-1a3d-4c5e-8f7a-0b1c2d3e4f5a"));

        Assert.Equal(
            [$"Pulumi.staging.yaml infra:roleAssignmentBudget: the stacks in subscription {Shared} declare 2 Azure role assignments together (staging 1, staging.checkout 1), over the environment's budget of 1 (infra:roleAssignmentBudget of 'staging'); Azure allows 4,000 per subscription, shared with everything else in it. Ways out: let one group read several clients' secrets, remove readers that are no longer needed, or deploy a team stack into another subscription (azure-native:subscriptionId in its file)."],
            Problems(budget, checkout, elsewhere));
    }

    [Fact]
    public void Team_stacks_sharing_a_subscription_without_their_catalogue_are_held_to_azures_limit()
    {
        const string Theirs = "9b2c4e6f-1a3d-4c5e-8f7a-0b1c2d3e4f5a";
        // 2,001 readers each: within each stack's own budget of 4,000, over Azure's limit together.
        StackConfig Readers(StackConfig team, string prefix) => With(team, c => c.Set(EnvironmentCheck.SubscriptionKey, Theirs).Edit("infra:clients", clients =>
            clients[0]!["readers"] = new JsonArray([.. Enumerable.Range(0, 2001).Select(i => (JsonNode)new JsonObject
            {
                ["objectId"] = $"{i:x8}-{prefix}-4000-8000-000000000000",
                ["principalType"] = "ServicePrincipal",
            })])));

        var problems = Problems(Staging, Readers(Checkout, "0000"), Readers(Warehouse, "1111"));

        Assert.Equal(
            [$"Pulumi.staging.checkout.yaml azure-native:subscriptionId: the stacks in subscription {Theirs} declare 4,002 Azure role assignments together (staging.checkout 2,001, staging.warehouse 2,001), over Azure's 4,000 per subscription; Azure allows 4,000 per subscription, shared with everything else in it. Ways out: let one group read several clients' secrets, remove readers that are no longer needed, or deploy a team stack into another subscription (azure-native:subscriptionId in its file)."],
            problems);
    }

    [Fact]
    public void A_team_stack_that_leaves_the_lifetime_cap_unset_is_refused_under_a_catalogue_that_caps_it()
    {
        var capped = With(Staging, c => c.Set("infra:maxCredentialLifetimeDays", "90").Edit("infra:clients", clients => clients[0]!["expires"] = "2027-01-31"));
        var within = With(Warehouse, c => c.Set("infra:maxCredentialLifetimeDays", "90").Edit("infra:clients", clients => clients[0]!["expires"] = "2027-01-31"));

        Assert.Equal(
            ["Pulumi.staging.checkout.yaml infra:maxCredentialLifetimeDays: must be between 1 and 90 days: the catalogue stack 'staging' caps every credential of the environment at 90 days, and a team stack may be stricter, not looser."],
            Problems(capped, Checkout, within));
    }

    [Fact]
    public void A_stack_without_team_stacks_may_keep_its_own_apis()
    {
        var ownApis = With(Staging, c => c.Edit("infra:apis", list => list[0]!["name"] = "Orders (staging's own)"));

        Assert.Empty(Problems(ownApis));
        Assert.NotEmpty(Problems(ownApis, Checkout));
    }

    [Fact]
    public void A_grant_adopted_by_two_stacks_is_named_at_each_grants_import()
    {
        const string Grant = "cgr_AbCdEfGh01234567";
        var staging = With(Staging, c => c.Edit("infra:clients", clients => clients[0]!["grants"]![1]!["import"] = Grant));
        var checkout = With(Checkout, c => c.Edit("infra:clients", clients => clients[0]!["grants"]![1]!["import"] = Grant));

        Assert.Equal(
            [$"Pulumi.staging.checkout.yaml infra:clients[0].grants[1].import: adopts {Grant}, which Pulumi.staging.yaml infra:clients[0].grants[1].import adopts too: two stacks would both manage one Auth0 object, and each deploy would undo the other's. Keep the import in one of them."],
            Problems(staging, checkout, Warehouse));
    }

    [Fact]
    public void Team_stacks_of_another_project_would_not_be_enforced_by_the_catalogues_action()
    {
        var foreign = Checkout with { Project = "billing", Values = Checkout.Values.ToDictionary(kv => kv.Key.Replace("infra:", "billing:", StringComparison.Ordinal), kv => kv.Value, StringComparer.Ordinal) };

        Assert.Equal(
            ["Pulumi.staging.checkout.yaml billing:clients: are marked managed_by 'pulumi:billing', but the Action of the catalogue stack 'staging' enforces expiry and disabling only for 'pulumi:infra': deploy the team stack from the catalogue's project, infra."],
            EnvironmentCheck.Run(new StackEnvironment("staging", Staging, [foreign]), Defaults, PulumiConfigScope.Today).Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Stack_files_that_name_a_missing_catalogue_a_team_stack_or_look_like_a_team_stack_are_refused()
    {
        var orphan = Checkout with { Stack = "qa.checkout", Values = Checkout.Values.Set("infra:catalogueStack", "qa") };
        var nested = Warehouse with { Stack = "staging.checkout.night", Values = Warehouse.Values.Set("infra:catalogueStack", "staging.checkout") };
        var undeclared = Warehouse with { Stack = "staging.search", Values = Warehouse.Values.Without("infra:catalogueStack") };

        var layout = ProjectStacks.Group([Staging, Checkout, orphan, nested, undeclared]);

        Assert.Equal(
            [
                "Pulumi.qa.checkout.yaml infra:catalogueStack: names the catalogue stack 'qa', but this project has no Pulumi.qa.yaml: name the stack that deploys this environment's APIs (one of: staging, staging.search).",
                "Pulumi.staging.checkout.night.yaml infra:catalogueStack: names 'staging.checkout', which is itself a team stack (of 'staging'): name the catalogue stack, 'staging'.",
                "Pulumi.staging.search.yaml infra:catalogueStack: is not set, but the stack is named as a team stack of 'staging': set infra:catalogueStack: staging, or name the stack without a dot.",
            ],
            layout.Problems.Select(p => p.ToString()));
        Assert.Equal(["staging", "staging.search"], layout.Environments.Select(e => e.Name));
        Assert.Equal(["staging.checkout"], layout.Environments[0].Teams.Select(t => t.Stack));
    }

    [Fact]
    public void Each_stacks_own_problems_are_listed_under_its_file_with_those_across_stacks()
    {
        var broken = With(Warehouse, c => c.Edit("infra:clients", clients => clients[0]!.AsObject().Remove("owner")));
        var clash = With(Checkout, c => c.Edit("infra:clients", clients => clients[0]!["key"] = "load-test-runner"));

        Assert.Equal(
            [
                "Pulumi.staging.warehouse.yaml infra:clients[0].owner: is required: set the accountable team or person.",
                "Pulumi.staging.checkout.yaml infra:clients[0].key: 'load-test-runner' is also the key of Pulumi.staging.yaml infra:clients[0]: a key names the client's Key Vault secret and its record in the tenant, so it is used once per environment. Give one of them another key.",
            ],
            Problems(Staging, clash, broken));
    }

    [Fact]
    public async Task The_command_exits_1_with_every_problem_and_0_when_the_stacks_agree()
    {
        using var project = new TemporaryProject();
        foreach (var stack in new[] { "staging", "staging.checkout", "staging.warehouse" })
        {
            project.Write($"Pulumi.{stack}.yaml", StackHarness.StackFileText(stack));
        }

        var valid = await ToolInProcess.RunAsync("environments", "--project", project.Path, "--today", "2026-11-28");
        project.Write("Pulumi.staging.warehouse.yaml", StackHarness.StackFileText("staging.warehouse").Replace("key: nightly-reconciler", "key: checkout-service", StringComparison.Ordinal));
        var clash = await ToolInProcess.RunAsync("environments", "--project", project.Path, "--today", "2026-11-28", "--format", "markdown");

        Assert.Equal((0, "Environment staging: catalogue stack staging, team stacks: staging.checkout, staging.warehouse; valid.\n", ""), (valid.ExitCode, valid.Output, valid.Error));
        Assert.Equal(1, clash.ExitCode);
        Assert.Equal(
            "| environment | catalogue stack | team stacks | |\n|---|---|---|---|\n| staging | staging | staging.checkout, staging.warehouse | 1 problem(s) |\n\n**1 problem(s) across the stacks; none of them would deploy.**\n\n"
            + "- `Pulumi.staging.warehouse.yaml infra:clients[0].key`: 'checkout-service' is also the key of Pulumi.staging.checkout.yaml infra:clients[0]: a key names the client's Key Vault secret and its record in the tenant, so it is used once per environment. Give one of them another key.\n",
            clash.Output);
    }

    [Fact]
    public void The_json_report_lists_every_stack_with_its_environment_for_a_workflows_matrix()
    {
        var result = EnvironmentsResult.Run(StackHarness.RepositoryRoot(), null, PulumiConfigScope.Today);

        var json = JsonNode.Parse(EnvironmentsReport.Render(result, OutputFormat.Json))!;

        Assert.Equal(
            """[{"stack":"dev","environment":"dev"},{"stack":"prod","environment":"prod"},{"stack":"staging","environment":"staging"},{"stack":"staging.checkout","environment":"staging"},{"stack":"staging.warehouse","environment":"staging"}]""",
            json["stacks"]!.ToJsonString());
        Assert.Equal("""["staging.checkout","staging.warehouse"]""", json["environments"]![2]!["teams"]!.ToJsonString());
        Assert.Null(json["affected"]);
        Assert.Equal("[]", json["problems"]!.ToJsonString());
    }
}
