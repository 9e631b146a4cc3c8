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
        var domain = options.Domain ?? access.Tenant.Domain;
        var tenant = options.Tenant ?? new Uri($"https://{domain}/");
        if (!tenant.AbsoluteUri.EndsWith('/'))
        {
            tenant = new Uri(tenant.AbsoluteUri + "/");
        }

        using var limiter = new ClientRateLimitHandler(options.MaxRequestsPerSecond, new SocketsHttpHandler());
        using var http = new HttpClient(new RetryAfterHandler(limiter, options.MaxRetries, options.MaxRetryWait), disposeHandler: false)
        {
            // The timeout spans the retries: the default 100 s would cut short a second 60 s wait for a 429.
            Timeout = (options.MaxRetries + 1) * (options.MaxRetryWait + TimeSpan.FromSeconds(30)),
        };
        var (token, scopes) = await ManagementToken.RequestAsync(http, tenant, domain, credentials, cancellationToken).ConfigureAwait(false);
        ManagementToken.RequireScopes(scopes, AuditPermissions.Required(lastUse: options.LastUse is not null, keyClients: access.Clients.Any(c => c.Authentication == ClientAuthentication.PrivateKeyJwt)));

        // NumberOfHttpRetries = 0: HttpClientManagementConnection.Retry tries Math.Min(10, NumberOfHttpRetries ?? 3)
        // times, waiting 250-1,000 ms regardless of the tenant's headers; RetryAfterHandler below it waits as told.
        using var connection = new HttpClientManagementConnection(http, new HttpClientManagementConnectionOptions { NumberOfHttpRetries = 0 });
        var managementApi = new Uri(tenant, "api/v2/");
        using var api = new ManagementApiClient(token, managementApi, connection);
        var reader = new TenantReader(api, connection, managementApi, token);
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

        return new AuditResult(project, stack, domain, options.Today, [], apis, clients, options.LastUse, limiter.Sent);
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
