using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Config;
using Infra.Tool.Audit;
using Infra.Tool.Plan;

namespace Infra.Tool.Expiry;

/// <summary>Where a client's credentials stand.</summary>
public enum ExpiryStatus
{
    /// <summary>Past its expiry date: the Action refuses it tokens.</summary>
    Expired,

    /// <summary>Expires within the warning window.</summary>
    Expiring,

    /// <summary>Expires later.</summary>
    Valid,

    /// <summary>Has no expiry date.</summary>
    NoExpiry,
}

/// <summary>One client's credential expiry.</summary>
/// <param name="Client">The client key.</param>
/// <param name="Owner">Who to tell.</param>
/// <param name="Expires">The first day without tokens; null when it does not expire.</param>
/// <param name="DaysLeft">Days from today to <paramref name="Expires"/>.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Disabled">Whether the client is disabled.</param>
/// <param name="Authentication">
/// A client secret, whose expiry only the Action enforces (Auth0 never expires a secret), or keys, whose every
/// credential carries the date as its <c>expires_at</c> and Auth0 itself refuses from then on.
/// </param>
/// <param name="InAuth0">For a key client when the tenant was read: the keys Auth0 accepts and their date.</param>
public sealed record CredentialExpiry(string Client, string Owner, DateOnly? Expires, int? DaysLeft, ExpiryStatus Status, bool Disabled, ClientAuthentication Authentication = ClientAuthentication.ClientSecret, KeyExpiryInAuth0? InAuth0 = null)
{
    /// <summary>
    /// Who refuses tokens from <see cref="Expires"/> on: <c>action</c>, or for keys <c>auth0</c>, which refuses the keys
    /// themselves (the Action still refuses the client from the config's date as well).
    /// </summary>
    public string EnforcedBy => Authentication == ClientAuthentication.PrivateKeyJwt ? "auth0" : "action";
}

/// <summary>What Auth0 holds for a key client, as the expiry report's tenant read found it.</summary>
/// <param name="Found">Whether the tenant has the client.</param>
/// <param name="Keys">How many credentials its <c>private_key_jwt</c> method lists: the keys Auth0 accepts.</param>
/// <param name="ExpiresAt">
/// The earliest <c>expires_at</c> of those keys, when the first of them stops working (consumers sign with the newest,
/// which may be that one); null when none of them expires or there is none.
/// </param>
/// <param name="Declared">The <c>expires_at</c> the deploy registers (<see cref="ClientKeys.Credentials"/>); null: none.</param>
public sealed record KeyExpiryInAuth0(bool Found, int Keys, string? ExpiresAt, string? Declared)
{
    /// <summary>Whether Auth0 holds keys with exactly the declared date.</summary>
    public bool MatchesConfig => Found && Keys > 0 && ExpiresAt == Declared;
}

/// <summary>The credentials of a stack by expiry, for a scheduled job: expired first, then expiring, then the rest.</summary>
public sealed record ExpiryResult(string Stack, DateOnly Today, int WithinDays, IReadOnlyList<ConfigProblem> Problems, IReadOnlyList<CredentialExpiry> Credentials)
{
    /// <summary>The requests the tenant read sent; null when the report read the config alone.</summary>
    public int? TenantRequests { get; init; }

    /// <summary>Exit code: 1 invalid config, 2 something expired or expiring, 0 otherwise.</summary>
    public int ExitCode => Problems.Count > 0 ? 1 : Credentials.Any(c => c.Status is ExpiryStatus.Expired or ExpiryStatus.Expiring) ? 2 : 0;
}

/// <summary>
/// Lists a stack's credentials by expiry: from its config, and, for key clients, from the <c>expires_at</c> Auth0 holds
/// when the tenant is read.
/// </summary>
public static class ExpiryReport
{
    /// <summary>Reads <paramref name="config"/> and classifies each client as of <paramref name="today"/>.</summary>
    public static ExpiryResult Compute(StackConfig config, DateOnly today, int withinDays)
    {
        ArgumentNullException.ThrowIfNull(config);
        var (access, invalid) = Parse(config, today, withinDays);
        return invalid ?? Compute(access!, config.Stack, today, withinDays, null);
    }

    /// <summary>
    /// As <see cref="Compute(StackConfig, DateOnly, int)"/>, with each key client's keys as Auth0 holds them, as
    /// <paramref name="readKeys"/> reads them (called only for a valid config). A date Auth0 holds other than the
    /// config's is shown beside it; the status follows the earlier of the two, since Auth0 enforces the one and the
    /// Action the other. <paramref name="domain"/> is
    /// the tenant when the stack file names none (as the audit's: --domain, else AUTH0_DOMAIN).
    /// </summary>
    public static async Task<ExpiryResult> ComputeAsync(StackConfig config, DateOnly today, int withinDays, string? domain, Func<AccessConfig, Task<TenantKeys>> readKeys)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(readKeys);
        var (access, invalid) = Parse(config, today, withinDays, domain);
        if (invalid is not null)
        {
            return invalid;
        }

        var keys = await readKeys(access!).ConfigureAwait(false);
        return Compute(access!, config.Stack, today, withinDays, keys) with { TenantRequests = keys.Requests };
    }

    /// <summary>The config's model, or the report of its problems.</summary>
    private static (AccessConfig? Access, ExpiryResult? Invalid) Parse(StackConfig config, DateOnly today, int withinDays, string? domain = "offline.invalid")
    {
        try
        {
            // No date checks here: an expired client is what this report is for, not a config error.
            return (AccessConfigParser.Parse(RawStackConfig.FromMap(config.Project, config.Stack, config.Values, domain)), null);
        }
        catch (ConfigValidationException e)
        {
            return (null, new ExpiryResult(config.Stack, today, withinDays, e.Problems, []));
        }
    }

    private static ExpiryResult Compute(AccessConfig access, string stack, DateOnly today, int withinDays, TenantKeys? tenant)
    {
        var credentials = access.Clients.Select(c =>
        {
            var inAuth0 = tenant is not null && c.Authentication == ClientAuthentication.PrivateKeyJwt ? InAuth0(c, tenant) : null;
            // Auth0 refuses a key from its expires_at on, and the Action refuses every managed client from the
            // config's date (infra/Actions/credentials-exchange.js): a key client stops at the earlier of the two. A
            // disabled client's key is one no consumer holds, so its own date stays the one to report.
            var keysExpire = inAuth0 is { Found: true, ExpiresAt: { } at } && !c.Disabled
                ? DateOnly.FromDateTime(DateTime.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal))
                : (DateOnly?)null;
            var enforced = (c.Expires, keysExpire) switch
            {
                ({ } config, { } keys) => config < keys ? config : keys,
                (var config, var keys) => config ?? keys,
            };
            int? days = enforced is { } expires ? expires.DayNumber - today.DayNumber : null;
            var status = days switch
            {
                null => ExpiryStatus.NoExpiry,
                <= 0 => ExpiryStatus.Expired,
                _ when days <= withinDays => ExpiryStatus.Expiring,
                _ => ExpiryStatus.Valid,
            };
            return new CredentialExpiry(c.Key, c.Owner, enforced, days, status, c.Disabled, c.Authentication, inAuth0);
        })
        .OrderBy(c => c.Status)
        .ThenBy(c => c.Expires ?? DateOnly.MaxValue)
        .ThenBy(c => c.Client, StringComparer.Ordinal)
        .ToList();
        return new ExpiryResult(stack, today, withinDays, [], credentials);
    }

    private static KeyExpiryInAuth0 InAuth0(M2MClientDefinition client, TenantKeys tenant)
    {
        var declared = ClientKeys.Credentials(client).Select(k => k.ExpiresAt).FirstOrDefault();
        if (!tenant.ByClient.TryGetValue(client.Key, out var keys))
        {
            return new KeyExpiryInAuth0(false, 0, null, declared);
        }

        // The instants are all in one form (TenantReader.Instant), so the ordinal order is the time order.
        var earliest = keys.Attached.Select(k => k.ExpiresAt).OfType<string>().Order(StringComparer.Ordinal).FirstOrDefault();
        return new KeyExpiryInAuth0(true, keys.Attached.Count, earliest, declared);
    }

    /// <summary>Renders the report in <paramref name="format"/>.</summary>
    public static string Render(ExpiryResult report, OutputFormat format)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (format == OutputFormat.Json)
        {
            return ReportFormat.Write(new JsonObject
            {
                ["stack"] = report.Stack,
                ["today"] = Date(report.Today),
                ["withinDays"] = report.WithinDays,
                ["problems"] = ReportFormat.Problems(report.Problems),
                ["credentials"] = new JsonArray(report.Credentials.Select(c => (JsonNode)new JsonObject
                {
                    ["client"] = c.Client,
                    ["owner"] = c.Owner,
                    ["expires"] = c.Expires is { } d ? Date(d) : null,
                    ["daysLeft"] = c.DaysLeft,
                    ["status"] = JsonNamingPolicy.CamelCase.ConvertName(c.Status.ToString()),
                    ["disabled"] = c.Disabled,
                    ["authentication"] = AccessConfigParser.MethodName(c.Authentication),
                    ["enforcedBy"] = c.EnforcedBy,
                    ["auth0"] = c.InAuth0 is { } k
                        ? new JsonObject { ["found"] = k.Found, ["keys"] = k.Keys, ["expiresAt"] = k.ExpiresAt, ["declared"] = k.Declared, ["matchesConfig"] = k.MatchesConfig }
                        : null,
                }).ToArray()),
                ["tenantRequests"] = report.TenantRequests,
            });
        }

        var markdown = format == OutputFormat.Markdown;
        var text = new StringBuilder();
        text.AppendLine(markdown
            ? $"### Credential expiry: `{report.Stack}` on {Date(report.Today)}\n"
            : $"Credential expiry in stack {report.Stack} on {Date(report.Today)} (warning within {report.WithinDays} days):");
        if (report.TenantRequests is { } requests)
        {
            text.AppendLine(FormattableString.Invariant($"{(markdown ? "" : "  ")}Key clients' dates as Auth0 holds them ({requests} requests).{(markdown ? "\n" : "")}"));
        }

        foreach (var problem in report.Problems)
        {
            text.AppendLine(ReportFormat.Problem(problem, markdown));
        }

        if (markdown && report.Credentials.Count > 0)
        {
            text.AppendLine("| status | client | owner | expires | days left | enforced by |").AppendLine("|---|---|---|---|---:|---|");
        }

        foreach (var c in report.Credentials)
        {
            var status = Status(c);
            var expires = c.Expires is { } d ? Date(d) : "never";
            var days = c.DaysLeft?.ToString(CultureInfo.InvariantCulture) ?? "";
            text.AppendLine(markdown
                ? $"| {status} | `{c.Client}` | {ReportFormat.Escape(c.Owner)} | {expires} | {days} | {Enforcer(c)}{(c.InAuth0 is null ? "" : "<br>" + ReportFormat.Escape(KeyNote(c)!))} |"
                : $"  {status,-13} {c.Client,-30} {expires,-10} {days,5}  {c.Owner}{(KeyNote(c) is { } note ? $"  ({note})" : "")}");
        }

        return text.ToString();
    }

    private static string Status(CredentialExpiry c) => (c.Status switch
    {
        ExpiryStatus.Expired => "EXPIRED",
        ExpiryStatus.Expiring => "expiring",
        ExpiryStatus.Valid => "ok",
        _ => "no expiry",
    }) + (c.Disabled ? " (disabled)" : "");

    /// <summary>For a key client: who enforces its date and, when the tenant was read, what Auth0 holds.</summary>
    private static string? KeyNote(CredentialExpiry c) => c.Authentication != ClientAuthentication.PrivateKeyJwt ? null : c.InAuth0 switch
    {
        null => "keys: Auth0 enforces the date",
        { Found: false } => "keys: the client is not in Auth0: deploy it, or check the domain",
        { Keys: 0 } => "keys: Auth0 accepts none of its keys (its private_key_jwt method lists none): run pulumi up",
        var k => FormattableString.Invariant($"keys: Auth0 holds expires_at {k.ExpiresAt ?? "none"} on {k.Keys} {(k.Keys == 1 ? "key" : "keys")}")
            + (k.MatchesConfig ? "" : k.Declared is null
                ? ", the config none: Auth0 cannot clear an expiry, so set the date in config or raise rotation"
                : $", the config {k.Declared}: run pulumi up"),
    };

    private static string Enforcer(CredentialExpiry c) => c.Authentication == ClientAuthentication.PrivateKeyJwt ? "Auth0 (keys)" : "Action";

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
