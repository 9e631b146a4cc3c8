using Auth0.ManagementApi;
using Infra.Config;

namespace Infra.Tool.Audit;

/// <summary>How an audit runs.</summary>
/// <param name="Today">The day (UTC) it runs as: the last-use window ends here.</param>
/// <param name="Tenant">The tenant's base URL; null: <c>https://{domain}/</c>. For tests and proxies.</param>
/// <param name="Domain">The tenant's domain; null: the stack's <c>auth0:domain</c> (or <c>AUTH0_DOMAIN</c>).</param>
/// <param name="MaxRequestsPerSecond">The client-side cap on requests a second.</param>
/// <param name="LastUse">When set, also reads each client's last exchanges from the logs.</param>
public sealed record AuditOptions(DateOnly Today, Uri? Tenant = null, string? Domain = null, double MaxRequestsPerSecond = AuditOptions.DefaultMaxRequestsPerSecond, LastUseWindow? LastUse = null)
{
    /// <summary>
    /// Half of the 2 requests a second of a free or non-production tenant's Management API: a deploy running at the same
    /// time keeps the other half.
    /// </summary>
    public const double DefaultMaxRequestsPerSecond = 1;

    /// <summary>How many times a 429 is waited out before the audit gives up.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The longest single wait for a 429, whatever the tenant's headers ask.</summary>
    public TimeSpan MaxRetryWait { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>Compares a stack's config with its live Auth0 tenant, read-only: the <c>audit</c> command.</summary>
public static class TenantAudit
{
    /// <summary>
    /// Parses <paramref name="config"/>; with problems, returns them and reads nothing (so an invalid config is reported
    /// without credentials). <paramref name="credentials"/> null with a valid config fails, naming the variables.
    /// </summary>
    public static async Task<AuditResult> RunAsync(StackConfig config, AuditCredentials? credentials, AuditOptions options, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        AccessConfig access;
        try
        {
            // No date checks: an expired client is still in the tenant and still audited.
            access = AccessConfigParser.Parse(RawStackConfig.FromMap(config.Project, config.Stack, config.Values, options.Domain ?? Environment.GetEnvironmentVariable("AUTH0_DOMAIN")));
        }
        catch (ConfigValidationException e)
        {
            return AuditResult.Invalid(config.Project, config.Stack, options.Today, e.Problems);
        }

        return await RunAsync(access, config.Project, config.Stack, credentials ?? throw MissingCredentials(), options, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Audits the tenant of an already valid <paramref name="access"/>.</summary>
    public static Task<AuditResult> RunAsync(AccessConfig access, string project, string stack, AuditCredentials credentials, AuditOptions options, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
        => RunAsync(access, project, stack, null, credentials, options, progress, cancellationToken);

    /// <summary>
    /// Audits an environment split into team stacks, reading its tenant once: the catalogue's APIs, and the clients of
    /// every stack counted as managed. With problems in any stack, returns them and reads nothing.
    /// </summary>
    public static async Task<AuditResult> RunAsync(Environments.EnvironmentCheckResult environment, AuditCredentials? credentials, AuditOptions options, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        var catalogue = environment.Environment.Catalogue;
        if (!environment.Valid)
        {
            return AuditResult.Invalid(catalogue.Project, environment.Environment.Name, options.Today, environment.Problems);
        }

        var owner = environment.Stacks[0].Access!;
        var teams = environment.Stacks.Skip(1).ToList();
        var access = owner with { Clients = [.. environment.Stacks.SelectMany(s => s.Access!.Clients)] };
        var teamStackOf = teams.SelectMany(t => t.Access!.Clients.Select(c => (c.Key, t.Config.Stack))).ToDictionary(c => c.Key, c => c.Stack, StringComparer.Ordinal);
        return await RunAsync(access, catalogue.Project, environment.Environment.Name, teamStackOf, credentials ?? throw MissingCredentials(), options, progress, cancellationToken).ConfigureAwait(false);
    }

    private static AuditConnectionException MissingCredentials()
        => new($"Set {AuditCredentials.ClientIdVariable} and {AuditCredentials.ClientSecretVariable}: the audit client's credentials come from the environment only (docs/audit.md).");

    private static async Task<AuditResult> RunAsync(AccessConfig access, string project, string stack, IReadOnlyDictionary<string, string>? teamStackOf, AuditCredentials credentials, AuditOptions options, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(options);
        using var session = await TenantSession.OpenAsync(access, credentials, options,
            AuditPermissions.Required(lastUse: options.LastUse is not null, keyClients: access.Clients.Any(c => c.Authentication == ClientAuthentication.PrivateKeyJwt)),
            cancellationToken).ConfigureAwait(false);
        var reader = session.Reader;
        var snapshot = await reader.ReadAsync(access, progress, cancellationToken).ConfigureAwait(false);
        // One request per client that needs it (a key client, or one whose client object lists credentials), not per client.
        var credentialReads = AuditComparison.CredentialReads(access, project, stack, snapshot);
        if (credentialReads.Count > 0)
        {
            snapshot = snapshot with { Credentials = await reader.ReadCredentialsAsync(credentialReads, progress, cancellationToken).ConfigureAwait(false) };
        }

        var (apis, clients) = AuditComparison.Compare(access, project, stack, snapshot, teamStackOf);

        if (options.LastUse is { } window)
        {
            var since = options.Today.AddDays(-window.LogRetentionDays);
            var present = clients.Where(c => c.ClientId is not null).Select(c => c.ClientId!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var used = await reader.ReadLastUseAsync(present, since, progress, cancellationToken).ConfigureAwait(false);
            var disabled = access.Clients.Where(c => c.Disabled).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
            clients = AuditComparison.Order(clients.Select(c => c.ClientId is { } id && used.TryGetValue(id, out var u)
                ? c with { LastUse = Classify(u.Success, u.Failure, c.Key is not null && disabled.Contains(c.Key), window, options.Today) }
                : c));
        }

        return new AuditResult(project, stack, session.Domain, options.Today, [], apis, clients, options.LastUse, session.Sent);
    }

    /// <summary>
    /// The credentials Auth0 accepts for each <c>private_key_jwt</c> client of <paramref name="access"/>, by client key:
    /// those <c>client_authentication_methods.private_key_jwt</c> lists, as the credentials list describes them. Reads
    /// only the client list and each key client's credentials (read:clients, read:client_credentials), and nothing at
    /// all without key clients (nor needs credentials). A key client not in the tenant is absent. <paramref name="environment"/> is the name
    /// the clients' metadata carries: the stack's, or for a team stack its environment's.
    /// </summary>
    public static async Task<TenantKeys> ReadKeysAsync(AccessConfig access, string project, string environment, AuditCredentials? credentials, AuditOptions options, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(options);
        var keyClients = access.Clients.Where(c => c.Authentication == ClientAuthentication.PrivateKeyJwt).ToList();
        if (keyClients.Count == 0)
        {
            return new TenantKeys(new Dictionary<string, KeysInAuth0>(StringComparer.Ordinal), 0);
        }

        using var session = await TenantSession.OpenAsync(access, credentials ?? throw MissingCredentials(), options, AuditPermissions.KeyReadScopes, cancellationToken).ConfigureAwait(false);
        var clients = await session.Reader.ReadClientsAsync(progress, cancellationToken).ConfigureAwait(false);
        var matched = AuditComparison.Match(access, project, environment, clients);
        var present = keyClients.Where(c => matched.ContainsKey(c.Key)).ToList();
        var held = await session.Reader.ReadCredentialsAsync([.. present.Select(c => matched[c.Key].ClientId)], progress, cancellationToken).ConfigureAwait(false);
        var keys = present.ToDictionary(
            c => c.Key,
            c =>
            {
                var live = matched[c.Key];
                return new KeysInAuth0(live.ClientId, [.. held[live.ClientId].Where(k => live.KeyCredentialIds.Contains(k.Id, StringComparer.Ordinal))]);
            },
            StringComparer.Ordinal);
        return new TenantKeys(keys, session.Sent);
    }

    /// <summary>
    /// Active, stale or not seen. Without a success in the window, a client is stale only when the window reaches back
    /// at least the stale threshold; otherwise all that is known is that it was not seen within the retention.
    /// </summary>
    public static LastUse Classify(DateTime? success, DateTime? failure, bool disabled, LastUseWindow window, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(window);
        var status = disabled ? UseStatus.Disabled
            : success is { } last ? (today.DayNumber - DateOnly.FromDateTime(last).DayNumber > window.StaleAfterDays ? UseStatus.Stale : UseStatus.Active)
            : window.CoversStaleThreshold ? UseStatus.Stale : UseStatus.NotSeen;
        return new LastUse(success, failure, status);
    }
}

/// <summary>What <see cref="TenantAudit.ReadKeysAsync"/> read: the key clients found, by client key, and the requests sent.</summary>
public sealed record TenantKeys(IReadOnlyDictionary<string, KeysInAuth0> ByClient, int Requests);

/// <summary>A key client in Auth0: its id and the credentials its <c>private_key_jwt</c> method lists.</summary>
public sealed record KeysInAuth0(string ClientId, IReadOnlyList<LiveCredential> Attached);

/// <summary>
/// A rate-limited, retrying connection to one tenant's Management API with a token whose scopes were checked: what
/// the audit and the expiry report's tenant read share.
/// </summary>
internal sealed class TenantSession : IDisposable
{
    private readonly ClientRateLimitHandler limiter;
    private readonly HttpClient http;
    private readonly HttpClientManagementConnection connection;
    private readonly ManagementApiClient api;

    private TenantSession(string domain, ClientRateLimitHandler limiter, HttpClient http, HttpClientManagementConnection connection, ManagementApiClient api, TenantReader reader)
    {
        Domain = domain;
        this.limiter = limiter;
        this.http = http;
        this.connection = connection;
        this.api = api;
        Reader = reader;
    }

    /// <summary>The tenant's domain.</summary>
    public string Domain { get; }

    /// <summary>The reader on this connection.</summary>
    public TenantReader Reader { get; }

    /// <summary>Requests sent so far, the token's and retries included.</summary>
    public int Sent => limiter.Sent;

    /// <summary>Gets a token for <paramref name="credentials"/> and fails, naming them, when it lacks any of <paramref name="requiredScopes"/>.</summary>
    public static async Task<TenantSession> OpenAsync(AccessConfig access, AuditCredentials credentials, AuditOptions options, IReadOnlyList<string> requiredScopes, CancellationToken cancellationToken)
    {
        var domain = options.Domain ?? access.Tenant.Domain;
        var tenant = options.Tenant ?? new Uri($"https://{domain}/");
        if (!tenant.AbsoluteUri.EndsWith('/'))
        {
            tenant = new Uri(tenant.AbsoluteUri + "/");
        }

        var limiter = new ClientRateLimitHandler(options.MaxRequestsPerSecond, new SocketsHttpHandler());
        var http = new HttpClient(new RetryAfterHandler(limiter, options.MaxRetries, options.MaxRetryWait), disposeHandler: false)
        {
            // The timeout spans the retries: the default 100 s would cut short a second 60 s wait for a 429.
            Timeout = (options.MaxRetries + 1) * (options.MaxRetryWait + TimeSpan.FromSeconds(30)),
        };
        try
        {
            var (token, scopes) = await ManagementToken.RequestAsync(http, tenant, domain, credentials, cancellationToken).ConfigureAwait(false);
            ManagementToken.RequireScopes(scopes, requiredScopes);

            // NumberOfHttpRetries = 0: HttpClientManagementConnection.Retry tries Math.Min(10, NumberOfHttpRetries ?? 3)
            // times, waiting 250-1,000 ms regardless of the tenant's headers; RetryAfterHandler below it waits as told.
            var connection = new HttpClientManagementConnection(http, new HttpClientManagementConnectionOptions { NumberOfHttpRetries = 0 });
            var managementApi = new Uri(tenant, "api/v2/");
            var api = new ManagementApiClient(token, managementApi, connection);
            return new TenantSession(domain, limiter, http, connection, api, new TenantReader(api, connection, managementApi, token));
        }
        catch
        {
            http.Dispose();
            limiter.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        api.Dispose();
        connection.Dispose();
        http.Dispose();
        limiter.Dispose();
    }
}
