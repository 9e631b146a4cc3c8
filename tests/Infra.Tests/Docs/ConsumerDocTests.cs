using System.Text.Json;
using System.Text.RegularExpressions;
using Infra.Config;
using Infra.Tests.Support;

namespace Infra.Tests.Docs;

/// <summary>The credentials document's page shows the compiled consumer example and names exactly the document's fields.</summary>
public partial class ConsumerDocTests
{
    private static readonly string Root = StackHarness.RepositoryRoot();
    private static readonly string Readme = File.ReadAllText(Path.Combine(Root, "docs", "credentials-document.md"));

    [Fact]
    public void The_pages_consumer_example_is_examples_consumer_orders_api_exactly()
    {
        var start = Readme.IndexOf("<!-- consumer-example -->\n```csharp\n", StringComparison.Ordinal);
        var end = Readme.IndexOf("```\n<!-- /consumer-example -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "the page has one ```csharp block between <!-- consumer-example --> and <!-- /consumer-example -->");

        var block = Readme[(start + "<!-- consumer-example -->\n```csharp\n".Length)..end];

        Assert.Equal(File.ReadAllText(Path.Combine(Root, "examples", "Consumer", "OrdersApi.cs")), block);
        Assert.Equal(1, Regex.Count(Readme, "<!-- consumer-example -->"));
    }

    [Fact]
    public void The_pages_field_table_lists_the_documents_keys_in_their_order()
    {
        var section = Readme[Readme.IndexOf("# Credentials in Key Vault: one document per client", StringComparison.Ordinal)..Readme.IndexOf("## Consumer library", StringComparison.Ordinal)];
        var documented = FieldRow().Matches(section).Select(m => m.Groups[1].Value).ToList();
        var written = JsonDocument.Parse(new ConsumerCredentials("c", "s", null, "https://t/oauth/token", new Dictionary<string, string>(), null, false).ToJson())
            .RootElement.EnumerateObject().Select(p => p.Name).ToList();

        Assert.Equal(written, documented);
        Assert.Equal(["clientId", "clientSecret", "fallbackClientSecret", "tokenEndpoint", "audiences", "expires", "disabled", "version"], documented);
    }

    [Fact]
    public void The_pages_sample_document_parses_as_a_credentials_document()
    {
        var sample = Regex.Match(Readme, "```json\n(\\{\"clientId\".*?)\n```", RegexOptions.Singleline).Groups[1].Value;

        var parsed = ConsumerCredentials.Parse(sample);

        Assert.Equal(("https://acme-dev.eu.auth0.com/oauth/token", 1), (parsed.TokenEndpoint, parsed.Version));
        Assert.Equal(sample, parsed.ToJson());
    }

    [GeneratedRegex(@"^\| `([a-zA-Z]+)` \|", RegexOptions.Multiline)]
    private static partial Regex FieldRow();
}
