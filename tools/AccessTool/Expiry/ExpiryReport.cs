using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Config;
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
public sealed record CredentialExpiry(string Client, string Owner, DateOnly? Expires, int? DaysLeft, ExpiryStatus Status, bool Disabled, ClientAuthentication Authentication = ClientAuthentication.ClientSecret)
{
    /// <summary>Who refuses tokens from <see cref="Expires"/> on: <c>action</c> or, for keys, <c>auth0</c>.</summary>
    public string EnforcedBy => Authentication == ClientAuthentication.PrivateKeyJwt ? "auth0" : "action";
}

/// <summary>The credentials of a stack by expiry, for a scheduled job: expired first, then expiring, then the rest.</summary>
public sealed record ExpiryResult(string Stack, DateOnly Today, int WithinDays, IReadOnlyList<ConfigProblem> Problems, IReadOnlyList<CredentialExpiry> Credentials)
{
    /// <summary>Exit code: 1 invalid config, 2 something expired or expiring, 0 otherwise.</summary>
    public int ExitCode => Problems.Count > 0 ? 1 : Credentials.Any(c => c.Status is ExpiryStatus.Expired or ExpiryStatus.Expiring) ? 2 : 0;
}

/// <summary>Lists a stack's credentials by expiry, from its config alone.</summary>
public static class ExpiryReport
{
    /// <summary>Reads <paramref name="config"/> and classifies each client as of <paramref name="today"/>.</summary>
    public static ExpiryResult Compute(StackConfig config, DateOnly today, int withinDays)
    {
        ArgumentNullException.ThrowIfNull(config);
        AccessConfig access;
        try
        {
            // No date checks here: an expired client is what this report is for, not a config error.
            access = AccessConfigParser.Parse(RawStackConfig.FromMap(config.Project, config.Stack, config.Values, "offline.invalid"));
        }
        catch (ConfigValidationException e)
        {
            return new ExpiryResult(config.Stack, today, withinDays, e.Problems, []);
        }

        var credentials = access.Clients.Select(c =>
        {
            int? days = c.Expires is { } expires ? expires.DayNumber - today.DayNumber : null;
            var status = days switch
            {
                null => ExpiryStatus.NoExpiry,
                <= 0 => ExpiryStatus.Expired,
                _ when days <= withinDays => ExpiryStatus.Expiring,
                _ => ExpiryStatus.Valid,
            };
            return new CredentialExpiry(c.Key, c.Owner, c.Expires, days, status, c.Disabled, c.Authentication);
        })
        .OrderBy(c => c.Status)
        .ThenBy(c => c.Expires ?? DateOnly.MaxValue)
        .ThenBy(c => c.Client, StringComparer.Ordinal)
        .ToList();
        return new ExpiryResult(config.Stack, today, withinDays, [], credentials);
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
                }).ToArray()),
            });
        }

        var markdown = format == OutputFormat.Markdown;
        var text = new StringBuilder();
        text.AppendLine(markdown
            ? $"### Credential expiry: `{report.Stack}` on {Date(report.Today)}\n"
            : $"Credential expiry in stack {report.Stack} on {Date(report.Today)} (warning within {report.WithinDays} days):");
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
                ? $"| {status} | `{c.Client}` | {ReportFormat.Escape(c.Owner)} | {expires} | {days} | {Enforcer(c)} |"
                : $"  {status,-13} {c.Client,-30} {expires,-10} {days,5}  {c.Owner}{(c.Authentication == ClientAuthentication.PrivateKeyJwt ? "  (keys: Auth0 enforces the date)" : "")}");
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

    private static string Enforcer(CredentialExpiry c) => c.Authentication == ClientAuthentication.PrivateKeyJwt ? "Auth0 (keys)" : "Action";

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
