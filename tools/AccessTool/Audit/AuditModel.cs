using Infra.Config;

namespace Infra.Tool.Audit;

/// <summary>How a declared or live object compares with the stack's config.</summary>
public enum AuditStatus
{
    /// <summary>Declared, but not in the tenant.</summary>
    Missing,

    /// <summary>Declared and in the tenant, with differences.</summary>
    Drifted,

    /// <summary>In the tenant with a grant on a declared API, but declared by no config entry.</summary>
    Unmanaged,

    /// <summary>Declared and in the tenant as declared.</summary>
    Matching,
}

/// <summary>Whether a client exchanged its credentials lately, from the tenant's logs.</summary>
public enum UseStatus
{
    /// <summary>A successful exchange within the stale threshold.</summary>
    Active,

    /// <summary>No successful exchange for more than the stale threshold, which the log retention covers.</summary>
    Stale,

    /// <summary>No successful exchange within the log retention, which is shorter than the stale threshold: unknown before it.</summary>
    NotSeen,

    /// <summary>Disabled in config: it gets no tokens, so not using them is expected.</summary>
    Disabled,
}

/// <summary>One field that differs between config and tenant.</summary>
/// <param name="Field">What differs, such as <c>client_metadata.owner</c> or <c>grant orders-api scopes</c>.</param>
/// <param name="Expected">The value the config gives, or <c>(none)</c>.</param>
/// <param name="Actual">The value in the tenant, or <c>(none)</c>.</param>
public sealed record AuditDifference(string Field, string Expected, string Actual)
{
    /// <summary>What to do about it, when the difference alone does not say (the credentials' findings).</summary>
    public string? Fix { get; init; }
}

/// <summary>A client grant in the tenant on one declared API.</summary>
/// <param name="ApiKey">The API's key in config.</param>
/// <param name="Audience">The API's identifier.</param>
/// <param name="Scopes">The granted scopes, sorted.</param>
public sealed record AuditedGrant(string ApiKey, string Audience, IReadOnlyList<string> Scopes);

/// <summary>The last client-credentials exchanges of a client within the log retention.</summary>
/// <param name="LastSuccess">The last <c>seccft</c> event, if any in the window.</param>
/// <param name="LastFailure">The last <c>feccft</c> event, if any in the window.</param>
/// <param name="Status">What that says about its use.</param>
public sealed record LastUse(DateTime? LastSuccess, DateTime? LastFailure, UseStatus Status);

/// <summary>A declared API and how the tenant's resource server compares.</summary>
public sealed record AuditedApi(string Key, string Identifier, AuditStatus Status, IReadOnlyList<AuditDifference> Differences);

/// <summary>
/// A client in scope: declared in config (<see cref="Key"/> set), or holding a grant on a declared API without a
/// config entry (<see cref="AuditStatus.Unmanaged"/>).
/// </summary>
/// <param name="Status">How it compares.</param>
/// <param name="Key">Its config key; null when unmanaged.</param>
/// <param name="ClientId">The Auth0 client id; null when missing.</param>
/// <param name="Name">Its display name in the tenant (or in config when missing).</param>
/// <param name="Owner">The <c>client_metadata.owner</c> in the tenant (or the config's when missing).</param>
/// <param name="Grants">Its grants on declared APIs in the tenant, by API key.</param>
/// <param name="Differences">What differs from config, for a drifted client.</param>
/// <param name="Note">Why an unmanaged client is so, when it claims to be managed.</param>
public sealed record AuditedClient(
    AuditStatus Status,
    string? Key,
    string? ClientId,
    string Name,
    string? Owner,
    IReadOnlyList<AuditedGrant> Grants,
    IReadOnlyList<AuditDifference> Differences,
    string? Note = null)
{
    /// <summary>Its last use, when the audit read the logs.</summary>
    public LastUse? LastUse { get; init; }
}

/// <summary>The window the last-use part looked at.</summary>
/// <param name="StaleAfterDays">Days without a successful exchange after which a client is stale.</param>
/// <param name="LogRetentionDays">Days of logs the tenant keeps (plan-dependent): the window searched.</param>
public sealed record LastUseWindow(int StaleAfterDays, int LogRetentionDays)
{
    /// <summary>Whether the logs reach far enough back to call a client stale.</summary>
    public bool CoversStaleThreshold => LogRetentionDays >= StaleAfterDays;
}

/// <summary>A stack's tenant audit: its APIs, the clients on them, and what differs from config.</summary>
/// <param name="Project">The Pulumi project.</param>
/// <param name="Stack">The stack.</param>
/// <param name="Domain">The tenant audited.</param>
/// <param name="Today">The day (UTC) the audit ran as.</param>
/// <param name="Problems">Config problems; when any, nothing was read from the tenant.</param>
/// <param name="Apis">The declared APIs, by key.</param>
/// <param name="Clients">The clients in scope, findings first, then by key, name and client id.</param>
/// <param name="LastUse">The last-use window; null when last use was not read.</param>
/// <param name="Requests">HTTP requests the audit sent (token, Management API, retries included).</param>
public sealed record AuditResult(
    string Project,
    string Stack,
    string Domain,
    DateOnly Today,
    IReadOnlyList<ConfigProblem> Problems,
    IReadOnlyList<AuditedApi> Apis,
    IReadOnlyList<AuditedClient> Clients,
    LastUseWindow? LastUse,
    int Requests)
{
    /// <summary>Exit code of an audit whose config is invalid.</summary>
    public const int InvalidConfigExitCode = 1;

    /// <summary>Exit code of an audit with findings.</summary>
    public const int FindingsExitCode = 2;

    /// <summary>Whether anything needs a look: an API or client missing, drifted or unmanaged, or a stale client.</summary>
    public bool HasFindings => Apis.Any(a => a.Status != AuditStatus.Matching)
        || Clients.Any(c => c.Status != AuditStatus.Matching || c.LastUse?.Status == UseStatus.Stale);

    /// <summary>1 invalid config, 2 findings, 0 clean.</summary>
    public int ExitCode => Problems.Count > 0 ? InvalidConfigExitCode : HasFindings ? FindingsExitCode : 0;

    /// <summary>A result for an invalid config: its problems and nothing else.</summary>
    public static AuditResult Invalid(string project, string stack, DateOnly today, IReadOnlyList<ConfigProblem> problems)
        => new(project, stack, "", today, problems, [], [], null, 0);
}

/// <summary>What the audit read from the tenant: only the fields it compares.</summary>
/// <param name="Apis">The resource servers whose identifiers the stack declares.</param>
/// <param name="Clients">Every client of the tenant.</param>
/// <param name="Grants">Every client grant on a declared API.</param>
public sealed record TenantSnapshot(IReadOnlyList<LiveApi> Apis, IReadOnlyList<LiveClient> Clients, IReadOnlyList<LiveGrant> Grants)
{
    /// <summary>
    /// The credentials of the clients whose credentials were read (<see cref="AuditComparison.CredentialReads"/>), by
    /// client id: every credential Auth0 holds for the client, attached to a method or not.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LiveCredential>> Credentials { get; init; } = new Dictionary<string, IReadOnlyList<LiveCredential>>(StringComparer.Ordinal);
}

/// <summary>A resource server as read.</summary>
public sealed record LiveApi(string Identifier, string? Name, int? TokenLifetime, int? TokenLifetimeForWeb, string? SigningAlgorithm, IReadOnlyList<string> Scopes);

/// <summary>A client as read (never its secret: the audit asks for fields without it).</summary>
public sealed record LiveClient(string ClientId, string Name, string? AppType, IReadOnlyList<string> GrantTypes, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>
    /// <c>token_endpoint_auth_method</c>; null when it is absent or <c>none</c>, which the SDK's non-nullable
    /// enum reads alike. Auth0 leaves it out of a client that authenticates with <c>client_authentication_methods</c>.
    /// </summary>
    public string? TokenEndpointAuthMethod { get; init; }

    /// <summary>
    /// The methods under <c>client_authentication_methods</c> (<c>private_key_jwt</c>, <c>tls_client_auth</c>,
    /// <c>self_signed_tls_client_auth</c>), each with the ids of the credentials it enables; empty when the client has none.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> CredentialMethods { get; init; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>The ids of the credentials its <c>private_key_jwt</c> method lists: the keys Auth0 accepts from it.</summary>
    public IReadOnlyList<string> KeyCredentialIds => CredentialMethods.GetValueOrDefault("private_key_jwt") ?? [];
}

/// <summary>
/// A credential as GET /api/v2/clients/{id}/credentials returns it: its metadata only. Auth0 never returns a credential's
/// key (the PEM), so the audit holds no key material.
/// </summary>
/// <param name="Id">Its id (<c>cred_…</c>).</param>
/// <param name="Name">Its name; null when it has none.</param>
/// <param name="CredentialType">Such as <c>public_key</c>.</param>
/// <param name="Algorithm">Its <c>alg</c>, such as <c>RS256</c>; null for a certificate credential.</param>
/// <param name="ExpiresAt">Its <c>expires_at</c> in <see cref="Infra.Config.ClientKeys.ExpiresAt"/>'s form; null: it does not expire.</param>
public sealed record LiveCredential(string Id, string? Name, string? CredentialType, string? Algorithm, string? ExpiresAt);

/// <summary>A client grant as read.</summary>
public sealed record LiveGrant(string Id, string ClientId, string Audience, IReadOnlyList<string> Scopes);
