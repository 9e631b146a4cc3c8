using System.Text.RegularExpressions;
using Infra.Components;
using Infra.Tests.Support;

namespace Infra.Tests.Docs;

/// <summary>The Auth0 Management API scopes the README tells an operator to grant are exactly those the code needs.</summary>
public partial class PermissionsDocTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(StackHarness.RepositoryRoot(), "docs", "identities.md"));

    [Fact]
    public void The_readme_lists_exactly_the_deploy_identitys_scopes()
    {
        var documented = ScopesBetween(Readme, "deploy-scopes");

        Assert.Equal(DeployPermissions.DeployIdentityScopes.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
        Assert.Contains("update:client_keys", documented);
        Assert.Contains("update:triggers", documented);
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
