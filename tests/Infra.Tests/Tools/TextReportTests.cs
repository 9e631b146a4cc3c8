using System.Text.Json.Nodes;
using Infra.Tests.Support;
using Infra.Tool.Plan;
using Infra.Tool.Rendering;
using Spectre.Console;
using Spectre.Console.Testing;

namespace Infra.Tests.Tools;

public class TextReportTests
{
    private static readonly HashSet<string> Placeholders = new(StringComparer.Ordinal) { "(client id of checkout-service)", "(id of Action credential-lifecycle)" };

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public async Task Every_resource_the_example_stacks_plan_is_a_component_or_has_the_inputs_that_matter_chosen(string stack)
    {
        var plan = await OfflinePlan.RunAsync(StackHarness.StackFile(stack), PulumiConfigScope.Today);

        Assert.All(plan.Resources.Where(r => r.Inputs.Count > 0), r => Assert.True(InputDisplay.Chooses(r.Type), $"{r.Type}: choose its inputs in InputDisplay.KeyInputs"));
        Assert.All(plan.Resources.Where(r => r.Inputs.Count > 0), r => Assert.NotEqual("", InputDisplay.Summary(r.Type, r.Inputs, new HashSet<string>())));
    }

    [Theory]
    [InlineData("(client id of checkout-service)", "(known after apply)")]
    [InlineData("/actions/(id of Action credential-lifecycle)/bindings", "(known after apply)")]
    [InlineData("(client id of someone-else)", "\"(client id of someone-else)\"")] // shaped like one, but no placeholder
    [InlineData("[secret]", "[secret]")]
    [InlineData("Checkout service", "Checkout service")]
    [InlineData("orders, stock", "\"orders, stock\"")]
    [InlineData("[orders]", "\"[orders]\"")] // a list's bracket in the first character
    [InlineData("(none)", "\"(none)\"")]
    [InlineData("", "\"\"")]
    [InlineData("abc\ndef", "<7 bytes, sha256 d53d6b91>")]
    public void A_value_is_shown_bare_quoted_as_known_after_apply_or_as_its_size_and_hash(string value, string shown)
    {
        Assert.Equal(shown, InputDisplay.Value(JsonValue.Create(value), Placeholders));
    }

    [Fact]
    public void A_long_value_is_its_size_and_a_sha256_prefix_and_lists_and_maps_are_inline()
    {
        Assert.Equal("<3 bytes, sha256 ba7816bf>", InputDisplay.Digest("abc"));
        Assert.Equal("<2,000 bytes, sha256 " + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(new byte[2000].Select(_ => (byte)'x').ToArray()))[..8] + ">", InputDisplay.Value(JsonValue.Create(new string('x', 2000)), Placeholders));
        Assert.Equal(new string('x', InputDisplay.LongValueLength), InputDisplay.Value(JsonValue.Create(new string('x', InputDisplay.LongValueLength)), Placeholders));
        Assert.Equal("{holds: 2, scopes: [orders:read, (known after apply)], n: 64, on: true, gone: (none)}", InputDisplay.Value(new JsonObject { ["holds"] = "2", ["scopes"] = new JsonArray("orders:read", "(client id of checkout-service)"), ["n"] = 64, ["on"] = true, ["gone"] = null }, Placeholders));
    }

    [Fact]
    public void The_inputs_that_matter_are_on_one_line_and_details_has_every_input_on_its_own()
    {
        var secret = new JsonObject
        {
            ["properties"] = new JsonObject { ["attributes"] = new JsonObject { ["enabled"] = true, ["expires"] = 1802649600 }, ["contentType"] = "application/json", ["value"] = "[secret]" },
            ["secretName"] = "m2m--checkout-service",
            ["tags"] = new JsonObject { ["owner"] = "team-checkout" },
        };

        Assert.Equal("secretName: m2m--checkout-service, contentType: application/json, expires: 2027-02-15, value: [secret]", InputDisplay.Summary("azure-native:keyvault:Secret", secret, Placeholders));
        Assert.Equal(
            ["properties.attributes.enabled: true", "properties.attributes.expires: 1802649600", "properties.contentType: application/json", "properties.value: [secret]", "secretName: m2m--checkout-service", "tags.owner: team-checkout"],
            InputDisplay.Details(secret, Placeholders));
        Assert.Empty(InputDisplay.Details([], Placeholders));
    }

    [Fact]
    public void Details_keep_an_empty_map_or_list_and_a_list_not_all_of_objects_on_one_line()
    {
        var inputs = new JsonObject
        {
            ["tags"] = new JsonObject(),
            ["scopes"] = new JsonArray(),
            ["mixed"] = new JsonArray(new JsonObject { ["name"] = "orders:read" }, "stock:read"),
            ["grants"] = new JsonArray(new JsonObject { ["audience"] = "https://api.acme.test/orders" }),
        };

        Assert.Equal(
            ["tags: {}", "scopes: []", "mixed: [{name: orders:read}, stock:read]", "grants[0].audience: https://api.acme.test/orders"],
            InputDisplay.Details(inputs, Placeholders));
    }

    [Theory]
    [InlineData("azure-native:resources:ResourceGroup", """{"resourceGroupName":"rg-m2m-dev","location":"westeurope","tags":{"environment":"dev"}}""", "resourceGroupName: rg-m2m-dev, location: westeurope")]
    [InlineData("azure-native:keyvault:Vault", """{"vaultName":"kv-m2m-dev","location":"westeurope","properties":{"publicNetworkAccess":"Disabled","tenantId":"t"}}""", "vaultName: kv-m2m-dev, location: westeurope, publicNetworkAccess: Disabled")]
    [InlineData("azure-native:authorization:RoleAssignment", """{"principalId":"p-1","principalType":"ServicePrincipal","roleDefinitionId":"/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/b86a8fe4-44ce-4948-aee5-eccb2c155cd7"}""", "principalId: p-1, principalType: ServicePrincipal, role: Key Vault Secrets Officer")]
    [InlineData("azure-native:authorization:RoleAssignment", """{"principalId":"p-2","principalType":"Group","roleDefinitionId":"/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6"}""", "principalId: p-2, principalType: Group, role: Key Vault Secrets User")]
    [InlineData("azure-native:authorization:RoleAssignment", """{"principalId":"p-3","roleDefinitionId":"/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/acdd72a7"}""", "principalId: p-3, role: /subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/acdd72a7")]
    [InlineData("infra:auth0:CredentialExchangePolicy", """{"anything":"x"}""", "")]
    public void The_inputs_that_matter_of_the_vault_a_stack_creates_and_of_role_assignments_name_the_role(string type, string inputs, string summary)
    {
        Assert.Equal(summary, InputDisplay.Summary(type, JsonNode.Parse(inputs)!.AsObject(), Placeholders));
    }

    [Fact]
    public async Task On_a_colour_terminal_the_tree_has_line_guides_and_colour_and_elsewhere_neither()
    {
        var plan = await OfflinePlan.RunAsync(StackHarness.StackFile(), PulumiConfigScope.Today);
        using var terminal = new TestConsole().Width(300).SupportsUnicode(true).Colors(ColorSystem.Standard).EmitAnsiSequences();

        PlanReport.Write(terminal, plan);

        Assert.Contains("├── \u001b[32m+ create   \u001b[0minfra:auth0:CredentialExchangePolicy \u001b[1mcredential-lifecycle\u001b[0m", terminal.Output, StringComparison.Ordinal);
        Assert.Contains("Access (client → API: scopes):", terminal.Output, StringComparison.Ordinal);
        var plain = PlanReport.Render(plan, OutputFormat.Text);
        Assert.Contains("|-- + create   infra:auth0:CredentialExchangePolicy credential-lifecycle\n", plain, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', plain);
    }

    [Fact]
    public void A_console_on_anything_but_a_terminal_is_plain_ascii_wide_and_without_colour()
    {
        using var file = new StringWriter();

        var console = ReportConsole.Detect(file);

        Assert.False(console.Profile.Out.IsTerminal);
        Assert.Equal((false, false, ColorSystem.NoColors, ReportConsole.PlainWidth), (console.Profile.Capabilities.Ansi, console.Profile.Capabilities.Unicode, console.Profile.Capabilities.ColorSystem, console.Profile.Width));
    }

    [Theory]
    [InlineData(true, "\u001b[38;5;2mok\u001b[0m")]
    [InlineData(false, "ok")]
    public void A_console_draws_in_the_colours_term_names_only_on_a_terminal(bool isTerminal, string drawn)
    {
        using var environment = new EnvironmentScope(new Dictionary<string, string?> { ["TERM"] = "xterm-256color", ["COLORTERM"] = null, ["NO_COLOR"] = null });
        using var writer = new StringWriter();

        var console = ReportConsole.Detect(writer, isTerminal);
        console.Markup("[green]ok[/]");

        Assert.Same(writer, console.Profile.Out.Writer);
        Assert.Equal(
            isTerminal ? (true, ColorSystem.EightBit, 80) : (false, ColorSystem.NoColors, ReportConsole.PlainWidth),
            (console.Profile.Capabilities.Ansi, console.Profile.Capabilities.ColorSystem, console.Profile.Width));
        Assert.Equal(drawn, writer.ToString());
    }
}
