using System.Globalization;
using System.Net;
using Auth0.Core.Exceptions;
using Auth0.ManagementApi;
using Auth0.ManagementApi.Models;
using Auth0.ManagementApi.Paging;
using Infra.Config;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Infra.Tool.Audit;

/// <summary>
/// Reads, with the official SDK (Auth0.ManagementApi 7.47.0), what the audit compares: list endpoints with the largest
/// page (100) and only the fields compared, never one read per object. For N clients, G grants in all and A APIs:
/// 1 + ceil(N/100) + (at most) A + ceil(G/100) requests, plus the token's, plus one per client whose credentials are read.
/// </summary>
public sealed class TenantReader(ManagementApiClient api, IManagementConnection connection, Uri managementApi, string token)
{
    /// <summary>The largest page the list endpoints serve.</summary>
    public const int PageSize = 100;

    /// <summary>
    /// How many <c>identifiers</c> GET /api/v2/resource-servers takes in one request: "may be specified multiple
    /// times (max 10)" (https://auth0.com/docs/api/management/v2/resource-servers/get-resource-servers).
    /// </summary>
    public const int IdentifiersPerRequest = 10;

    /// <summary>
    /// The client fields compared. <c>client_secret</c> is not among them, so it is never requested: the audit client
    /// lacks read:client_keys, but the read:client_credentials it holds would let Auth0 return it if asked. <c>app_type</c> must be asked for: the SDK's
    /// <c>Client.ApplicationType</c> is a non-nullable enum (src/Auth0.ManagementApi/Models/Client/Client.cs), so an
    /// absent field would read as its first value, <c>box</c>. <c>token_endpoint_auth_method</c> and
    /// <c>client_authentication_methods</c> say how the client authenticates: a secret, or the credentials (by id) each
    /// method enables (<c>Client.TokenEndpointAuthMethod</c>, <c>Client.ClientAuthenticationMethods</c>, same file).
    /// </summary>
    public const string ClientFields = "client_id,name,app_type,grant_types,client_metadata,token_endpoint_auth_method,client_authentication_methods";

    /// <summary>Reads the declared APIs, every client and every grant on a declared API.</summary>
    public async Task<TenantSnapshot> ReadAsync(AccessConfig access, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        progress?.Report(new RunProgress(0, null, "APIs"));
        var apis = await ReadApisAsync([.. access.Apis.Select(a => a.Identifier)], cancellationToken).ConfigureAwait(false);

        var clients = await ReadClientsAsync(progress, cancellationToken).ConfigureAwait(false);
        var grants = new List<LiveGrant>();
        foreach (var audience in apis.Select(a => a.Identifier))
        {
            grants.AddRange(await ReadGrantsAsync(audience, cancellationToken).ConfigureAwait(false));
            progress?.Report(new RunProgress(grants.Count, null, $"grants: {grants.Count} read"));
        }

        return new TenantSnapshot(apis, clients, grants);
    }

    /// <summary>Every client of the tenant, <see cref="ClientFields"/> only, <see cref="PageSize"/> a page.</summary>
    public async Task<List<LiveClient>> ReadClientsAsync(IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        var clients = new List<LiveClient>();
        string? from = null;
        do
        {
            // Checkpoint pagination (from/take): ClientsClient.GetAllAsync(GetClientsRequest, CheckpointPaginationInfo) in
            // src/Auth0.ManagementApi/Clients/ClientsClient.cs; the next page's cursor is the response's `next`.
            var page = await api.Clients.GetAllAsync(new GetClientsRequest { Fields = ClientFields, IncludeFields = true }, new CheckpointPaginationInfo(PageSize, from!), cancellationToken).ConfigureAwait(false);
            clients.AddRange(page.Select(ToLive));
            from = page.Paging?.Next;
            progress?.Report(new RunProgress(clients.Count, null, $"clients: {clients.Count} read"));
        }
        while (!string.IsNullOrEmpty(from));
        return clients;
    }

    /// <summary>
    /// The last successful (<c>seccft</c>) and failed (<c>feccft</c>) client-credentials exchange of each client within
    /// the log retention: two log searches per client, each asking for the newest event only (per_page=1, sort=date:-1).
    /// Cheaper than reading every seccft event and aggregating: that costs one request per 100 events, and one client
    /// asking for a token every hour leaves 720 in 30 days.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, (DateTime? Success, DateTime? Failure)>> ReadLastUseAsync(IReadOnlyList<string> clientIds, DateOnly since, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientIds);
        var result = new Dictionary<string, (DateTime?, DateTime?)>(StringComparer.Ordinal);
        foreach (var clientId in clientIds)
        {
            progress?.Report(new RunProgress(result.Count, clientIds.Count, $"last use: {result.Count} of {clientIds.Count} clients"));
            result[clientId] = (await NewestAsync("seccft", clientId, since, cancellationToken).ConfigureAwait(false), await NewestAsync("feccft", clientId, since, cancellationToken).ConfigureAwait(false));
        }

        return result;
    }

    /// <summary>
    /// Every credential of each client in <paramref name="clientIds"/>, attached to a method or not: one request a client
    /// (GET /api/v2/clients/{id}/credentials, which answers the whole list at once). A 403 ends the audit with what to grant.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<LiveCredential>>> ReadCredentialsAsync(IReadOnlyList<string> clientIds, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientIds);
        var result = new Dictionary<string, IReadOnlyList<LiveCredential>>(StringComparer.Ordinal);
        foreach (var clientId in clientIds)
        {
            progress?.Report(new RunProgress(result.Count, clientIds.Count, $"credentials: {result.Count} of {clientIds.Count} clients"));
            IList<Credential> credentials;
            try
            {
                // ClientsClient.GetAllCredentialsAsync (src/Auth0.ManagementApi/Clients/ClientsClient.cs:172-175) into the
                // SDK's Credential (Models/Credential.cs: id, name, kid, alg, credential_type, created_at, updated_at,
                // expires_at as a nullable DateTime).
                credentials = await api.Clients.GetAllCredentialsAsync(clientId, cancellationToken).ConfigureAwait(false);
            }
            catch (ErrorApiException e) when (e.StatusCode == HttpStatusCode.Forbidden)
            {
                throw new AuditConnectionException(
                    $"The tenant refused GET /api/v2/clients/{clientId}/credentials (403{(e.ApiError?.ErrorCode is { } code ? " " + code : "")}: {e.ApiError?.Message ?? "Forbidden"}). "
                    + $"The audit client needs {AuditPermissions.ClientCredentialsScope} to read the credentials of clients that use private_key_jwt: grant it to the audit client on the Auth0 Management API "
                    + "(Applications > APIs > Auth0 Management API > Machine To Machine Applications; docs/identities.md lists every scope the audit needs), then run the audit again.");
            }

            result[clientId] = [.. (credentials ?? []).Select(c => new LiveCredential(c.Id, string.IsNullOrEmpty(c.Name) ? null : c.Name, c.CredentialType, c.Algorithm, c.ExpiresAt is { } at ? Instant(at) : null))];
        }

        return result;
    }

    /// <summary>An instant in the form Auth0 writes it and <see cref="ClientKeys.ExpiresAt"/> declares it, in UTC to the millisecond.</summary>
    internal static string Instant(DateTime at)
        => (at.Kind == DateTimeKind.Local ? at.ToUniversalTime() : at).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>The Lucene query of one client's newest event of one type since a day (the logs search syntax).</summary>
    public static string LogQuery(string type, string clientId, DateOnly since)
        => FormattableString.Invariant($"type:{type} AND client_id:\"{clientId}\" AND date:[{since:yyyy-MM-dd} TO *]");

    private async Task<DateTime?> NewestAsync(string type, string clientId, DateOnly since, CancellationToken cancellationToken)
    {
        // LogsClient.GetAllAsync (src/Auth0.ManagementApi/Clients/LogsClient.cs) sends q, sort and fields as given, and
        // page/per_page from PaginationInfo.
        var logs = await api.Logs.GetAllAsync(new GetLogsRequest { Query = LogQuery(type, clientId, since), Sort = "date:-1", Fields = "date,type,client_id", IncludeFields = true }, new PaginationInfo(0, 1, false), cancellationToken).ConfigureAwait(false);
        return logs.Count == 0 ? null : DateTime.SpecifyKind(logs.Max(l => l.Date), DateTimeKind.Utc);
    }

    private async Task<List<LiveApi>> ReadApisAsync(IReadOnlyList<string> identifiers, CancellationToken cancellationToken)
    {
        var apis = new List<LiveApi>();
        foreach (var batch in identifiers.Chunk(IdentifiersPerRequest))
        {
            // Only the declared identifiers (ResourceServerGetRequest.Identifiers, repeated `identifiers` parameters),
            // at most 10 a request. Identifiers are unique in a tenant, so a batch is one page.
            var page = await api.ResourceServers.GetAllAsync(new ResourceServerGetRequest { Identifiers = batch }, new PaginationInfo(0, IdentifiersPerRequest, false), cancellationToken).ConfigureAwait(false);
            apis.AddRange(page.Select(r => new LiveApi(
                r.Identifier,
                r.Name,
                r.TokenLifetime,
                r.TokenLifetimeForWeb,
                r.SigningAlgorithm is { } alg ? alg.ToString() : null,
                [.. (r.Scopes ?? []).Select(s => s.Value)])));
        }

        return apis;
    }

    /// <summary>
    /// One API's grants with checkpoint pagination. The SDK's ClientGrantsClient.GetAllAsync offers page/per_page only
    /// (src/Auth0.ManagementApi/Clients/ClientGrantsClient.cs), and offset pagination stops at 1,000 records where the
    /// API caps it; GET /api/v2/client-grants takes from/take and answers {client_grants, next}. So the documented request
    /// goes through the SDK's own connection (its headers, deserialisation and error mapping) into the SDK's ClientGrant.
    /// </summary>
    private async Task<List<LiveGrant>> ReadGrantsAsync(string audience, CancellationToken cancellationToken)
    {
        var grants = new List<LiveGrant>();
        string? from = null;
        do
        {
            var query = $"audience={Uri.EscapeDataString(audience)}&take={PageSize.ToString(CultureInfo.InvariantCulture)}" + (from is null ? "" : $"&from={Uri.EscapeDataString(from)}");
            var page = await connection.GetAsync<ClientGrantPage>(new Uri(managementApi, $"client-grants?{query}"), Headers, cancellationToken: cancellationToken).ConfigureAwait(false);
            grants.AddRange((page.ClientGrants ?? []).Where(g => g.Audience == audience).Select(g => new LiveGrant(g.Id, g.ClientId, g.Audience, [.. g.Scope ?? []])));
            from = page.Next;
        }
        while (!string.IsNullOrEmpty(from));
        return grants;
    }

    private Dictionary<string, string> Headers => new(StringComparer.Ordinal) { ["Authorization"] = $"Bearer {token}" };

    private static LiveClient ToLive(Client client)
    {
        // client_metadata is `dynamic` in the SDK (ClientBase.ClientMetaData): a JObject of string values.
        object? raw = client.ClientMetaData;
        var metadata = raw is JObject json
            ? json.Properties().Where(p => p.Value.Type == JTokenType.String).ToDictionary(p => p.Name, p => p.Value.Value<string>() ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        var methods = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        void Method(string name, IList<CredentialId>? credentials)
        {
            if (credentials is not null)
            {
                methods[name] = [.. credentials.Select(c => c.Id)];
            }
        }

        // Models/Client/ClientAuthenticationMethods.cs: each method a list of {id}, null when the method is not set.
        Method("private_key_jwt", client.ClientAuthenticationMethods?.PrivateKeyJwt?.Credentials);
        Method("tls_client_auth", client.ClientAuthenticationMethods?.TlsClientAuth?.Credentials);
        Method("self_signed_tls_client_auth", client.ClientAuthenticationMethods?.SelfSignedTlsClientAuth?.Credentials);
        return new LiveClient(client.ClientId, client.Name ?? "", WireValue(client.ApplicationType), [.. client.GrantTypes ?? []], metadata)
        {
            // A non-nullable enum (Models/Client/Client.cs) whose default is None: absent and "none" both read so.
            TokenEndpointAuthMethod = client.TokenEndpointAuthMethod == TokenEndpointAuthMethod.None ? null : WireValue(client.TokenEndpointAuthMethod),
            CredentialMethods = methods,
        };
    }

    // The wire value (non_interactive, client_secret_post), not the SDK's enum name (NonInteractive, ClientSecretPost).
    private static string WireValue<T>(T value)
        where T : struct, Enum
        => typeof(T).GetField(value.ToString())?.GetCustomAttributes(typeof(System.Runtime.Serialization.EnumMemberAttribute), false)
            .OfType<System.Runtime.Serialization.EnumMemberAttribute>().FirstOrDefault()?.Value ?? value.ToString();

    /// <summary>A checkpoint page of GET /api/v2/client-grants; unknown fields are ignored (Newtonsoft's default).</summary>
    internal sealed class ClientGrantPage
    {
        [JsonProperty("client_grants")]
        public List<ClientGrant>? ClientGrants { get; set; }

        [JsonProperty("next")]
        public string? Next { get; set; }
    }
}
