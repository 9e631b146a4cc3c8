using System.Text.RegularExpressions;
using Infra.Components;
using Infra.Tests.Support;

namespace Infra.Tests.Docs;

/// <summary>The Auth0 Management API scopes the README tells an operator to grant are exactly those the code needs.</summary>
public partial class PermissionsDocTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(StackHarness.RepositoryRoot(), "docs", "identities.md"));

    [Fact]
    public void Removing_a_client_can_list_its_credentials_which_the_provider_does_before_deleting_them()
    {
        // terraform-provider-auth0 v1.53.0 deleteClientCredentials calls GET /api/v2/clients/{id}/credentials first.
        Assert.Contains("read:client_credentials", DeployPermissions.DeployScopes["auth0:index/clientCredentials:ClientCredentials"]);
        Assert.Contains("read:client_credentials", DeployPermissions.DeployIdentityScopes);
        Assert.Contains("read:client_credentials", ScopesBetween(Readme, "deploy-scopes"));
        // Only a credential-based client has credentials to delete; this program's clients use client secrets.
        Assert.DoesNotContain("delete:client_credentials", DeployPermissions.DeployIdentityScopes);
    }

    [Fact]
    public void The_readme_lists_exactly_the_deploy_identitys_scopes()
    {
        var documented = ScopesBetween(Readme, "deploy-scopes");

        Assert.Equal(DeployPermissions.DeployIdentityScopes.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
        Assert.Contains("update:client_keys", documented);
        Assert.Contains("update:triggers", documented);
    }

    [Fact]
    public async Task The_scope_table_has_one_entry_per_auth0_type_the_program_declares_and_no_other()
    {
        // The dev stack declares every Auth0 type the program has (Action and trigger binding included): a new type
        // without an entry would deploy with scopes nobody granted, and an entry under a wrong token documents nothing.
        var run = await StackHarness.RunAsync(StackHarness.StackConfig());

        var declared = run.Registered.Select(r => r.Type).Where(t => t.StartsWith("auth0:", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(declared, DeployPermissions.DeployScopes.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_identities_scope_lists_are_sorted_without_duplicates()
    {
        Assert.Equal(DeployPermissions.DeployIdentityScopes.Distinct().Order(StringComparer.Ordinal), DeployPermissions.DeployIdentityScopes);
        Assert.Equal(DeployPermissions.PreviewIdentityScopes.Distinct().Order(StringComparer.Ordinal), DeployPermissions.PreviewIdentityScopes);
    }

    [Fact]
    public void The_readme_lists_exactly_the_preview_identitys_scopes()
    {
        var documented = ScopesBetween(Readme, "preview-scopes");

        Assert.Equal(DeployPermissions.PreviewIdentityScopes.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
        Assert.Contains("read:client_keys", documented);
        Assert.DoesNotContain(documented, s => !s.StartsWith("read:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("<!-- deploy-scopes -->\n`read:clients create:clients`\n<!-- /deploy-scopes -->", new[] { "read:clients", "create:clients" })]
    [InlineData("x <!-- deploy-scopes -->`a:b`<!-- /deploy-scopes --> `c:d`", new[] { "a:b" })]
    public void The_extraction_reads_only_the_backticked_line_between_the_markers(string text, string[] expected)
    {
        Assert.Equal(expected, ScopesBetween(text, "deploy-scopes"));
    }

    [Theory]
    [InlineData("`read:clients`")]
    [InlineData("<!-- deploy-scopes -->\n`read:clients`\n`create:clients`\n<!-- /deploy-scopes -->")]
    [InlineData("<!-- deploy-scopes -->\n`read:clients read:clients`\n<!-- /deploy-scopes -->")]
    public void A_missing_marker_a_second_list_or_a_repeated_scope_fails(string text)
    {
        Assert.ThrowsAny<Exception>(() => ScopesBetween(text, "deploy-scopes"));
    }

    /// <summary>The one backticked, space-separated list between <c>&lt;!-- name --&gt;</c> and <c>&lt;!-- /name --&gt;</c>.</summary>
    private static List<string> ScopesBetween(string text, string name)
    {
        var section = Regex.Match(text, $@"<!-- {Regex.Escape(name)} -->(.*?)<!-- /{Regex.Escape(name)} -->", RegexOptions.Singleline);
        Assert.True(section.Success, $"no <!-- {name} --> section");
        var spans = Backticked().Matches(section.Groups[1].Value);
        var scopes = Assert.Single(spans).Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.Equal(scopes.Count, scopes.Distinct(StringComparer.Ordinal).Count());
        return scopes;
    }

    [GeneratedRegex("`([^`]*)`")]
    private static partial Regex Backticked();
}
