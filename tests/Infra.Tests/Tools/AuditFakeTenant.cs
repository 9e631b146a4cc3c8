using System.Globalization;
using System.Text.Json.Nodes;
using Infra.Tool.Audit;
using WireMock;
using WireMock.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;

namespace Infra.Tests.Tools;

/// <summary>
/// An Auth0 tenant on a WireMock.Net server, answering the token endpoint and the Management API list endpoints the
/// audit calls with the documented JSON shapes (checkpoint pages with <c>next</c>, offset pages with totals), plus
/// fields the SDK does not know. Edit <see cref="Apis"/>, <see cref="Clients"/>, <see cref="Grants"/>,
/// <see cref="ClientCredentials"/> and <see cref="Logs"/>, then <see cref="Publish"/>.
/// </summary>
internal sealed class AuditFakeTenant : IDisposable
{
    public const string Domain = "acme-dev.eu.auth0.com";
    public const string ClientId = "audit-client-id";
    public const string Secret = "AuditS3cret-never-printed-9f8e7d";
    public const string Token = "mgmt-token-abc";

    public static readonly AuditCredentials Credentials = new(ClientId, Secret);

    public WireMockServer Server { get; } = WireMockServer.Start();

    public List<JsonObject> Apis { get; } = [];

    public List<JsonObject> Clients { get; } = [];

    public List<JsonObject> Grants { get; } = [];

    /// <summary>
    /// What GET /api/v2/clients/{id}/credentials answers, by client id; a client of <see cref="Clients"/> not listed has
    /// none (<c>[]</c>), and an id no client has is Auth0's 404.
    /// </summary>
    public Dictionary<string, List<JsonObject>> ClientCredentials { get; } = new(StringComparer.Ordinal);

    /// <summary>The scopes the token response lists; null: a response without <c>scope</c>.</summary>
    public string? TokenScopes { get; set; } = string.Join(' ', AuditPermissions.AuditIdentityScopes);

    /// <summary>Log search results by the exact <c>q</c> parameter; any other query finds nothing.</summary>
    public Dictionary<string, JsonArray> Logs { get; } = new(StringComparer.Ordinal);

    public int PageSize { get; set; } = 100;

    public Uri Url => new(Server.Url! + "/");

    public IReadOnlyList<ILogEntry> Requests => [.. Server.LogEntries];

    public AuditOptions Options(double maxRps = 1000, LastUseWindow? lastUse = null) => new(StackToday, Url, Domain, maxRps, lastUse);

    public static readonly DateOnly StackToday = new(2026, 11, 28);

    /// <summary>A tenant exactly as the dev stack's config declares it.</summary>
    public static AuditFakeTenant MatchingDev()
    {
        var tenant = new AuditFakeTenant();
        tenant.Apis.Add(Api("https://api.acme.example/orders", "Orders API", 3600, "orders:read", "orders:write", "orders:cancel"));
        tenant.Apis.Add(Api("https://api.acme.example/inventory", "Inventory API", 3600, "stock:read", "stock:adjust"));
        tenant.Clients.Add(Client("cid-checkout", "Checkout service", Metadata("checkout-service", "team-checkout", "2027-02-15")));
        tenant.Clients.Add(Client("cid-reconciler", "Nightly stock reconciler", Metadata("nightly-reconciler", "team-warehouse", "2027-05-31")));
        tenant.Clients.Add(Client("cid-globex", "Globex (partner integration)", Metadata("partner-globex", "partnerships@acme.example", "2026-12-20")));
        // A client of no declared API (the audit's own, say): out of scope.
        tenant.Clients.Add(new JsonObject { ["client_id"] = ClientId, ["name"] = "Tenant audit", ["app_type"] = "non_interactive", ["grant_types"] = new JsonArray("client_credentials") });
        tenant.Grants.Add(Grant("cgr_1", "cid-checkout", "https://api.acme.example/orders", "orders:read", "orders:write"));
        tenant.Grants.Add(Grant("cgr_2", "cid-checkout", "https://api.acme.example/inventory", "stock:read"));
        tenant.Grants.Add(Grant("cgr_3", "cid-reconciler", "https://api.acme.example/inventory", "stock:read", "stock:adjust"));
        tenant.Grants.Add(Grant("cgr_4", "cid-globex", "https://api.acme.example/orders", "orders:read"));
        tenant.Grants.Add(Grant("cgr_5", ClientId, $"https://{Domain}/api/v2/", "read:clients"));
        return tenant;
    }

    /// <summary>The staging tenant as its three stacks declare it.</summary>
    public static AuditFakeTenant MatchingStaging()
    {
        var tenant = new AuditFakeTenant();
        tenant.Apis.Add(Api("https://api.acme.example/orders", "Orders API", 1800, "orders:read", "orders:write", "orders:cancel"));
        tenant.Apis.Add(Api("https://api.acme.example/inventory", "Inventory API", 1800, "stock:read", "stock:adjust"));
        tenant.Clients.Add(Client("cid-loadtest", "Load-test runner", Metadata("load-test-runner", "team-performance", null, "staging")));
        var checkout = Metadata("checkout-service", "team-checkout", null, "staging");
        checkout["stack"] = "staging.checkout";
        tenant.Clients.Add(Client("cid-checkout", "Checkout service (staging)", checkout));
        var reconciler = Metadata("nightly-reconciler", "team-warehouse", null, "staging");
        reconciler["stack"] = "staging.warehouse";
        tenant.Clients.Add(Client("cid-reconciler", "Nightly stock reconciler (staging)", reconciler));
        tenant.Grants.Add(Grant("cgr_1", "cid-loadtest", "https://api.acme.example/orders", "orders:read", "orders:write", "orders:cancel"));
        tenant.Grants.Add(Grant("cgr_2", "cid-loadtest", "https://api.acme.example/inventory", "stock:read"));
        tenant.Grants.Add(Grant("cgr_3", "cid-checkout", "https://api.acme.example/orders", "orders:read", "orders:write"));
        tenant.Grants.Add(Grant("cgr_4", "cid-checkout", "https://api.acme.example/inventory", "stock:read"));
        tenant.Grants.Add(Grant("cgr_5", "cid-reconciler", "https://api.acme.example/inventory", "stock:read", "stock:adjust"));
        return tenant;
    }

    public static JsonObject Api(string identifier, string name, int lifetime, params string[] scopes) => new()
    {
        ["id"] = "rs_" + name.Replace(' ', '_'),
        ["name"] = name,
        ["identifier"] = identifier,
        ["scopes"] = new JsonArray([.. scopes.Select(s => (JsonNode)new JsonObject { ["value"] = s, ["description"] = s })]),
        ["signing_alg"] = "RS256",
        ["token_lifetime"] = lifetime,
        ["token_lifetime_for_web"] = Math.Min(lifetime, 7200),
        ["allow_offline_access"] = false,
        ["skip_consent_for_verifiable_first_party_clients"] = true,
        ["is_system"] = false,
        ["a_field_added_next_year"] = new JsonObject { ["x"] = 1 },
    };

    /// <summary>A client secret client as the deploy leaves it: token_endpoint_auth_method client_secret_post.</summary>
    public static JsonObject Client(string id, string name, JsonObject metadata) => new()
    {
        ["client_id"] = id,
        ["name"] = name,
        ["app_type"] = "non_interactive",
        ["grant_types"] = new JsonArray("client_credentials"),
        ["client_metadata"] = metadata,
        ["token_endpoint_auth_method"] = "client_secret_post",
        ["a_field_added_next_year"] = "ignored",
    };

    /// <summary>
    /// Makes <paramref name="client"/> authenticate with the credentials <paramref name="credentialIds"/>, as Auth0 returns
    /// a private_key_jwt client: <c>client_authentication_methods.private_key_jwt.credentials</c> lists their ids and
    /// <c>token_endpoint_auth_method</c> is absent (terraform-provider-auth0 v1.53.0
    /// test/data/recordings/TestAccClientCredentialsPrivateKeyJWTFullRotation.yaml, the GET /api/v2/clients/{id} of
    /// interaction 7).
    /// </summary>
    public static JsonObject UseKeys(JsonObject client, params string[] credentialIds)
    {
        client.Remove("token_endpoint_auth_method");
        client["client_authentication_methods"] = new JsonObject
        {
            ["private_key_jwt"] = new JsonObject { ["credentials"] = new JsonArray([.. credentialIds.Select(id => (JsonNode)new JsonObject { ["id"] = id })]) },
        };
        return client;
    }

    /// <summary>
    /// A credential as GET /api/v2/clients/{id}/credentials lists it, field for field as in terraform-provider-auth0
    /// v1.53.0 test/data/recordings/TestAccClientCredentialsPrivateKeyJWTFullRotation.yaml (interaction 19):
    /// <c>[{"id":"cred_…","credential_type":"public_key","kid":"…","alg":"RS256","name":"…","created_at":"…","updated_at":"…","expires_at":"2033-05-13T11:29:08.000Z"}]</c>.
    /// One without a name or an expiry has neither field (TestAccClientCredentialsImport.yaml, interaction 10, a GET of one
    /// credential of the same shape). Auth0 returns no key.
    /// </summary>
    public static JsonObject Credential(string id, string? name, string? expiresAt, string? alg = "RS256", string type = "public_key")
    {
        var credential = new JsonObject
        {
            ["id"] = id,
            ["credential_type"] = type,
            // Any key id: what Auth0 derives it from (the key's RFC 7638 thumbprint) is not compared.
            ["kid"] = "kid-" + id,
            ["alg"] = alg,
            ["name"] = name,
            ["created_at"] = "2026-07-01T12:29:31.850Z",
            ["updated_at"] = "2026-07-01T12:29:31.850Z",
            ["expires_at"] = expiresAt,
        };
        foreach (var absent in credential.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            credential.Remove(absent);
        }

        return credential;
    }

    public static JsonObject Metadata(string key, string owner, string? expires, string stack = "dev")
    {
        var metadata = new JsonObject { ["key"] = key, ["owner"] = owner, ["environment"] = stack, ["managed_by"] = "pulumi:infra" };
        if (expires is not null)
        {
            metadata["expires_at"] = expires;
        }

        return metadata;
    }

    public static JsonObject Grant(string id, string clientId, string audience, params string[] scopes) => new()
    {
        ["id"] = id,
        ["client_id"] = clientId,
        ["audience"] = audience,
        ["scope"] = new JsonArray([.. scopes.Select(s => (JsonNode)s)]),
        ["subject_type"] = "client",
        ["is_system"] = false,
    };

    public static JsonObject LogEvent(string type, string clientId, DateTime at) => new()
    {
        ["date"] = at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        ["type"] = type,
        ["client_id"] = clientId,
    };

    /// <summary>Answers the log search the audit makes for <paramref name="type"/> events of <paramref name="clientId"/> since <paramref name="since"/> with one event at <paramref name="at"/>.</summary>
    public void LastEvent(string type, string clientId, DateOnly since, DateTime at)
        => Logs[TenantReader.LogQuery(type, clientId, since)] = [LogEvent(type, clientId, at)];

    public JsonObject ClientById(string id) => Clients.Single(c => (string?)c["client_id"] == id);

    /// <summary>Registers every answer; call again after an edit.</summary>
    public void Publish()
    {
        Server.Reset();
        // Auth0's response holds the scopes granted (docs: get-management-api-access-tokens-for-production).
        var token = new JsonObject { ["access_token"] = Token, ["token_type"] = "Bearer", ["expires_in"] = 86400 };
        if (TokenScopes is not null)
        {
            token["scope"] = TokenScopes;
        }

        Server.Given(Request.Create().WithPath("/oauth/token").UsingPost()).RespondWith(Json(token));

        // GET /api/v2/resource-servers: filtered by the `identifiers` given (at most 10, as Auth0 documents), offset
        // pages (page from 0, per_page), as an array or, with include_totals=true, {resource_servers, start, limit, total}.
        Server.Given(Request.Create().WithPath("/api/v2/resource-servers").UsingGet()).RespondWith(Response.Create().WithCallback(ResourceServers));

        // client_authentication_methods "can only be retrieved with the read:client_keys or read:client_credentials
        // scope" (go-auth0 v2.14.0 management/clients/client/client.go:67-70): without either, Auth0 leaves it out.
        var methodsVisible = TokenScopes is null || TokenScopes.Split(' ').Intersect(["read:client_keys", AuditPermissions.ClientCredentialsScope], StringComparer.Ordinal).Any();
        Pages("/api/v2/clients", "clients", methodsVisible ? Clients : [.. Clients.Select(WithoutMethods)], null);
        Server.Given(Request.Create().WithPath(new RegexMatcher("^/api/v2/clients/[^/]+/credentials$")).UsingGet()).RespondWith(Response.Create().WithCallback(CredentialsOf));
        // An API nobody is granted: an empty page.
        Server.Given(Request.Create().WithPath("/api/v2/client-grants").UsingGet()).AtPriority(100).RespondWith(Json(new JsonObject { ["client_grants"] = new JsonArray() }));
        foreach (var audience in Grants.Select(g => (string)g["audience"]!).Distinct(StringComparer.Ordinal))
        {
            Pages("/api/v2/client-grants", "client_grants", [.. Grants.Where(g => (string?)g["audience"] == audience)], audience);
        }

        // A query with no stub finds nothing; the stubs below take precedence.
        Server.Given(Request.Create().WithPath("/api/v2/logs").UsingGet()).AtPriority(100).RespondWith(Json(new JsonArray()));
        foreach (var (query, events) in Logs)
        {
            Server.Given(Request.Create().WithPath("/api/v2/logs").UsingGet().WithParam("q", query)).AtPriority(1).RespondWith(Json(events.DeepClone()));
        }
    }

    private ResponseMessage ResourceServers(IRequestMessage request)
    {
        var query = request.Query ?? new Dictionary<string, WireMockList<string>>();
        var identifiers = query.TryGetValue("identifiers", out var wanted) ? wanted.ToHashSet(StringComparer.Ordinal) : null;
        if (identifiers?.Count > TenantReader.IdentifiersPerRequest)
        {
            return Answer(400, new JsonObject { ["statusCode"] = 400, ["error"] = "Bad Request", ["message"] = $"Payload validation error: 'Too many items ({identifiers.Count}), maximum {TenantReader.IdentifiersPerRequest}' on property identifiers.", ["errorCode"] = "invalid_query_string" });
        }

        var matching = Apis.Where(a => identifiers is null || identifiers.Contains((string)a["identifier"]!)).ToList();
        var page = query.TryGetValue("page", out var p) ? int.Parse(p.Single(), CultureInfo.InvariantCulture) : 0;
        var perPage = query.TryGetValue("per_page", out var pp) ? int.Parse(pp.Single(), CultureInfo.InvariantCulture) : 50;
        var items = new JsonArray([.. matching.Skip(page * perPage).Take(perPage).Select(a => a.DeepClone())]);
        return query.TryGetValue("include_totals", out var totals) && totals.Single() == "true"
            ? Answer(200, new JsonObject { ["resource_servers"] = items, ["start"] = page * perPage, ["limit"] = perPage, ["total"] = matching.Count })
            : Answer(200, items);
    }

    /// <summary>A plain array, whatever the query (the recording's request asked include_totals=true and still got one).</summary>
    private ResponseMessage CredentialsOf(IRequestMessage request)
    {
        var clientId = Uri.UnescapeDataString(request.Path.Split('/')[4]);
        return ClientCredentials.TryGetValue(clientId, out var credentials)
            ? Answer(200, new JsonArray([.. credentials.Select(c => c.DeepClone())]))
            : Clients.Any(c => (string?)c["client_id"] == clientId)
                ? Answer(200, new JsonArray())
                : Answer(404, new JsonObject { ["statusCode"] = 404, ["error"] = "Not Found", ["message"] = "The client does not exist", ["errorCode"] = "inexistent_client" });
    }

    private static JsonObject WithoutMethods(JsonObject client)
    {
        var copy = client.DeepClone().AsObject();
        copy.Remove("client_authentication_methods");
        return copy;
    }

    private static ResponseMessage Answer(int status, JsonNode body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new WireMock.Util.BodyData { BodyAsString = body.ToJsonString(), DetectedBodyType = WireMock.Types.BodyType.String },
    };

    /// <summary>Checkpoint pages: the first without <c>from</c>, each next one at the cursor the previous one gave.</summary>
    private void Pages(string path, string field, List<JsonObject> items, string? audience)
    {
        var pages = items.Chunk(PageSize).ToList();
        if (pages.Count == 0)
        {
            pages.Add([]);
        }

        for (var i = 0; i < pages.Count; i++)
        {
            var body = new JsonObject { [field] = new JsonArray([.. pages[i].Select(x => x.DeepClone())]) };
            if (i + 1 < pages.Count)
            {
                body["next"] = $"{field}-{audience?.GetHashCode(StringComparison.Ordinal) ?? 0}-page{i + 1}";
            }

            var request = Request.Create().WithPath(path).UsingGet();
            if (audience is not null)
            {
                request = request.WithParam("audience", audience);
            }

            if (i == 0)
            {
                Server.Given(request).AtPriority(10).RespondWith(Json(body));
            }
            else
            {
                Server.Given(request.WithParam("from", $"{field}-{audience?.GetHashCode(StringComparison.Ordinal) ?? 0}-page{i}")).AtPriority(1).RespondWith(Json(body));
            }
        }
    }

    public static IResponseBuilder Json(JsonNode body) => Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body.ToJsonString());

    public void Dispose() => Server.Stop();
}
