using System.Text.Json.Nodes;
using Infra.Config;
using Infra.Tests.Components;
using Infra.Tests.Support;
using Infra.Tool.Schema;
using Json.Schema;

namespace Infra.Tests.Config;

/// <summary>The committed JSON Schema of the credentials document: current, and true of what the program writes and nothing else.</summary>
public class CredentialsDocumentSchemaTests
{
    private static readonly string Root = StackHarness.RepositoryRoot();

    private static readonly Lazy<JsonSchema> Committed = new(() => JsonSchema.FromText(File.ReadAllText(Path.Combine(Root, CredentialsDocumentSchema.RelativePath))));

    private static bool Valid(string json) => Committed.Value.Evaluate(System.Text.Json.JsonDocument.Parse(json).RootElement, new EvaluationOptions { RequireFormatValidation = true }).IsValid;

    [Fact]
    public void The_committed_schema_is_the_one_the_record_generates()
    {
        Assert.True(
            File.ReadAllText(Path.Combine(Root, CredentialsDocumentSchema.RelativePath)).ReplaceLineEndings("\n") == CredentialsDocumentSchema.Generate(),
            $"{CredentialsDocumentSchema.RelativePath} is stale: the credentials document changed. Run `{StackConfigSchema.Command}` and commit the file.");
    }

    [Fact]
    public async Task Every_document_the_program_writes_fits_it_a_disabled_clients_too()
    {
        var run = await StackHarness.RunAsync(StackHarness.StackConfig("dev").Edit("infra:clients", c => c[2]!["disabled"] = true));
        var documents = run.OfType(ResourceTypes.Secret).Select(s => M2MClientTests.Value(run, s.Name)).ToList();

        Assert.Equal(3, documents.Count);
        Assert.All(documents, d => Assert.True(Valid(d), d));
        Assert.Contains(documents, d => d.Contains("\"disabled\":true", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("version", "2")]
    [InlineData("version", "\"1\"")]
    [InlineData("expires", "\"31 March 2027\"")]
    [InlineData("tokenEndpoint", "\"not a url\"")]
    [InlineData("audiences", "{\"orders-api\":7}")]
    [InlineData("clientId", "null")]
    [InlineData("privateKey", "\"-----BEGIN PRIVATE KEY-----\"")]
    public void A_document_the_program_would_not_write_does_not_fit(string key, string value)
    {
        var document = JsonNode.Parse(new ConsumerCredentials("cid", "s", null, "https://acme-dev.eu.auth0.com/oauth/token", new Dictionary<string, string> { ["orders-api"] = "https://api.acme.example/orders" }, "2027-03-31", false).ToJson())!.AsObject();
        Assert.True(Valid(document.ToJsonString()));

        document[key] = JsonNode.Parse(value);

        Assert.False(Valid(document.ToJsonString()), document.ToJsonString());
    }

    [Fact]
    public async Task Every_document_of_prod_fits_it_its_key_clients_too_and_each_fits_one_kind_only()
    {
        var run = await StackHarness.RunAsync(StackHarness.StackConfig("prod"), "prod");
        var documents = run.OfType(ResourceTypes.Secret).Select(s => M2MClientTests.Value(run, s.Name)).ToList();

        Assert.Equal(3, documents.Count);
        Assert.All(documents, d => Assert.True(Valid(d), d.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var keyDocument = Assert.Single(documents, ConsumerKeyCredentials.IsKeyDocument);
        Assert.Equal("nightly-reconciler", ConsumerKeyCredentials.Parse(keyDocument).ClientId["cid_".Length..]);
        Assert.Equal(
            ["#/$defs/clientSecret", "#/$defs/privateKeyJwt"],
            JsonNode.Parse(File.ReadAllText(Path.Combine(Root, CredentialsDocumentSchema.RelativePath)))!["oneOf"]!.AsArray().Select(r => r!["$ref"]!.GetValue<string>()));
    }

    private static JsonObject KeyDocument() => JsonNode.Parse(new ConsumerKeyCredentials(
        "cid", "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", "RS256", "-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----\n", "https://acme-dev.eu.auth0.com/",
        "https://acme-dev.eu.auth0.com/oauth/token", new Dictionary<string, string> { ["orders-api"] = "https://api.acme.example/orders" }, "2027-03-31", false, null).ToJson())!.AsObject();

    [Theory]
    [InlineData("version", "1")]
    [InlineData("authentication", "\"client_secret_post\"")]
    [InlineData("assertionAudience", "\"acme-dev\"")]
    [InlineData("privateKey", "7")]
    [InlineData("clientSecret", "\"s\"")]
    public void A_key_document_the_program_would_not_write_does_not_fit(string key, string value)
    {
        var document = KeyDocument();
        Assert.True(Valid(document.ToJsonString()));

        document[key] = JsonNode.Parse(value);

        Assert.False(Valid(document.ToJsonString()), document.ToJsonString());
    }

    [Fact]
    public void A_key_document_without_authentication_fits_neither_kind_and_the_reader_refuses_it()
    {
        var document = KeyDocument();
        document.Remove("authentication");

        Assert.False(Valid(document.ToJsonString()));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => ConsumerKeyCredentials.Parse(document.ToJsonString()));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => ConsumerCredentials.Parse(KeyDocument().ToJsonString()));
    }

    [Fact]
    public void A_document_without_a_field_does_not_fit_as_the_reader_refuses_it()
    {
        var document = JsonNode.Parse(new ConsumerCredentials("cid", null, null, "https://acme-dev.eu.auth0.com/oauth/token", new Dictionary<string, string>(), null, true).ToJson())!.AsObject();
        document.Remove("fallbackClientSecret");

        Assert.False(Valid(document.ToJsonString()));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => ConsumerCredentials.Parse(document.ToJsonString()));
    }
}
