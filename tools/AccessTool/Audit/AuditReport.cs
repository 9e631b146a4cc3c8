using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Tool.Plan;

namespace Infra.Tool.Audit;

/// <summary>Writes an <see cref="AuditResult"/> as text, Markdown or JSON.</summary>
public static class AuditReport
{
    /// <summary>Renders <paramref name="result"/> in <paramref name="format"/>.</summary>
    public static string Render(AuditResult result, OutputFormat format)
    {
        ArgumentNullException.ThrowIfNull(result);
        return format switch
        {
            OutputFormat.Json => Json(result),
            _ => Lines(result, format == OutputFormat.Markdown),
        };
    }

    /// <summary>
    /// What "not seen" means for this window, said plainly: when the logs do not reach back the stale threshold, a
    /// client without a success was not seen in the retention, which is not the same as stale.
    /// </summary>
    public static string Caveat(LastUseWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return window.CoversStaleThreshold
            ? FormattableString.Invariant($"Last use from the tenant logs of the last {window.LogRetentionDays} days; stale: no successful client-credentials exchange (seccft) for more than {window.StaleAfterDays} days.")
            : FormattableString.Invariant($"The tenant keeps logs for {window.LogRetentionDays} days, fewer than --stale-after {window.StaleAfterDays}: \"not seen\" means no successful exchange in the last {window.LogRetentionDays} days, not unused for {window.StaleAfterDays}, and no client can be called stale.");
    }

    private static string Lines(AuditResult result, bool markdown)
    {
        var text = new StringBuilder();
        if (result.Problems.Count > 0)
        {
            text.AppendLine(markdown
                ? $"### Tenant audit: `{result.Stack}`\n\n**The config is invalid; the tenant was not read:**\n"
                : $"Tenant audit of stack {result.Stack}: the config is invalid; the tenant was not read:");
            foreach (var problem in result.Problems)
            {
                text.AppendLine(ReportFormat.Problem(problem, markdown));
            }

            return text.ToString();
        }

        var managed = result.Clients.Where(c => c.Key is not null).ToList();
        // Counts only: InvariantGlobalization makes them culture-free.
        var summary = $"APIs: {result.Apis.Count} declared, {Count(result.Apis, AuditStatus.Missing)} missing, {Count(result.Apis, AuditStatus.Drifted)} drifted. "
            + $"Clients: {managed.Count} declared ({managed.Count(c => c.Status == AuditStatus.Matching)} matching, {managed.Count(c => c.Status == AuditStatus.Drifted)} drifted, {managed.Count(c => c.Status == AuditStatus.Missing)} missing), "
            + $"{result.Clients.Count(c => c.Status == AuditStatus.Unmanaged)} unmanaged with grants on declared APIs"
            + (result.LastUse is null ? "" : $", {result.Clients.Count(c => c.LastUse?.Status == UseStatus.Stale)} stale")
            + $". {result.Requests} requests.";
        if (markdown)
        {
            text.AppendLine(Invariant($"### Tenant audit: `{result.Stack}` ({result.Domain}) on {Date(result.Today)}")).AppendLine().AppendLine(summary).AppendLine();
        }
        else
        {
            text.AppendLine(Invariant($"Tenant audit of stack {result.Stack} ({result.Domain}) on {Date(result.Today)}:")).AppendLine("  " + summary);
        }

        if (result.LastUse is { } window)
        {
            text.AppendLine(markdown ? $"> {Caveat(window)}\n" : $"  {Caveat(window)}");
        }

        if (markdown)
        {
            MarkdownTables(result, text);
            return text.ToString();
        }

        foreach (var api in result.Apis)
        {
            text.AppendLine($"  {Label(api.Status),-9} api {api.Key} ({api.Identifier})");
            Lines(api.Differences, text);
        }

        foreach (var client in result.Clients)
        {
            var id = client.ClientId is null ? "" : $" {client.ClientId}";
            var who = client.Key is null ? $"client{id} \"{client.Name}\"" : $"client {client.Key}{id}";
            var use = client.LastUse is null ? "" : $"  [{Use(client.LastUse)}]";
            text.AppendLine($"  {Label(client.Status),-9} {who} owner {client.Owner ?? "(none)"}{use}");
            if (client.Status == AuditStatus.Missing)
            {
                text.AppendLine("      declared in config, not in the tenant");
            }

            Lines(client.Differences, text);

            if (client.Status == AuditStatus.Unmanaged)
            {
                foreach (var g in client.Grants)
                {
                    text.AppendLine($"      grant {g.ApiKey}: {string.Join(' ', g.Scopes)}");
                }

                if (client.Note is not null)
                {
                    text.AppendLine($"      {client.Note}");
                }
            }
        }

        return text.ToString();
    }

    /// <summary>Each difference on a line, expected then actual, and its fix on the next when it has one.</summary>
    private static void Lines(IReadOnlyList<AuditDifference> differences, StringBuilder text)
    {
        foreach (var d in differences)
        {
            text.AppendLine($"      {d.Field}: expected {d.Expected}, actual {d.Actual}");
            if (d.Fix is not null)
            {
                text.AppendLine($"        fix: {d.Fix}");
            }
        }
    }

    private static void MarkdownTables(AuditResult result, StringBuilder text)
    {
        text.AppendLine("| status | API | identifier | differences |").AppendLine("|---|---|---|---|");
        foreach (var api in result.Apis)
        {
            text.AppendLine($"| {Label(api.Status)} | `{api.Key}` | {ReportFormat.Escape(api.Identifier)} | {Differences(api.Differences)} |");
        }

        text.AppendLine();
        var lastUse = result.LastUse is not null;
        text.AppendLine("| status | client | client id | owner | grants | differences |" + (lastUse ? " last use |" : ""))
            .AppendLine("|---|---|---|---|---|---|" + (lastUse ? "---|" : ""));
        foreach (var c in result.Clients)
        {
            var who = c.Key is null ? ReportFormat.Escape(c.Name) : $"`{c.Key}`";
            var grants = string.Join("<br>", c.Grants.Select(g => $"`{g.ApiKey}`: {string.Join(' ', g.Scopes)}"));
            var differences = c.Status == AuditStatus.Missing ? "not in the tenant" : Differences(c.Differences) + (c.Note is null ? "" : ReportFormat.Escape(c.Note));
            text.AppendLine($"| {Label(c.Status)} | {who} | {c.ClientId} | {ReportFormat.Escape(c.Owner ?? "")} | {grants} | {differences} |" + (lastUse ? $" {(c.LastUse is null ? "" : Use(c.LastUse))} |" : ""));
        }
    }

    private static string Differences(IReadOnlyList<AuditDifference> differences)
        => string.Join("<br>", differences.Select(d => ReportFormat.Escape($"{d.Field}: expected {d.Expected}, actual {d.Actual}" + (d.Fix is null ? "" : $" (fix: {d.Fix})"))));

    private static string Json(AuditResult result)
    {
        static JsonArray Diffs(IReadOnlyList<AuditDifference> differences) => new([.. differences.Select(d => (JsonNode)new JsonObject { ["field"] = d.Field, ["expected"] = d.Expected, ["actual"] = d.Actual, ["fix"] = d.Fix })]);
        return ReportFormat.Write(new JsonObject
        {
            ["project"] = result.Project,
            ["stack"] = result.Stack,
            ["domain"] = result.Domain,
            ["today"] = Date(result.Today),
            ["valid"] = result.Problems.Count == 0,
            ["findings"] = result.HasFindings,
            ["problems"] = ReportFormat.Problems(result.Problems),
            ["requests"] = result.Requests,
            ["lastUse"] = result.LastUse is { } w ? new JsonObject { ["staleAfterDays"] = w.StaleAfterDays, ["logRetentionDays"] = w.LogRetentionDays, ["coversStaleThreshold"] = w.CoversStaleThreshold, ["caveat"] = Caveat(w) } : null,
            ["apis"] = new JsonArray([.. result.Apis.Select(a => (JsonNode)new JsonObject
            {
                ["status"] = Camel(a.Status),
                ["key"] = a.Key,
                ["identifier"] = a.Identifier,
                ["differences"] = Diffs(a.Differences),
            })]),
            ["clients"] = new JsonArray([.. result.Clients.Select(c => (JsonNode)new JsonObject
            {
                ["status"] = Camel(c.Status),
                ["key"] = c.Key,
                ["clientId"] = c.ClientId,
                ["name"] = c.Name,
                ["owner"] = c.Owner,
                ["grants"] = new JsonArray([.. c.Grants.Select(g => (JsonNode)new JsonObject { ["api"] = g.ApiKey, ["audience"] = g.Audience, ["scopes"] = new JsonArray([.. g.Scopes.Select(s => (JsonNode)s!)]) })]),
                ["differences"] = Diffs(c.Differences),
                ["note"] = c.Note,
                ["lastUse"] = c.LastUse is { } u ? new JsonObject { ["lastSuccess"] = Instant(u.LastSuccess), ["lastFailure"] = Instant(u.LastFailure), ["status"] = JsonNamingPolicy.CamelCase.ConvertName(u.Status.ToString()) } : null,
            })]),
        });
    }

    private static string Use(LastUse use) => use.Status switch
    {
        UseStatus.Stale => $"STALE, last success {Day(use.LastSuccess)}",
        UseStatus.NotSeen => "not seen in the log retention",
        UseStatus.Disabled => $"disabled, last success {Day(use.LastSuccess)}",
        _ => $"last success {Day(use.LastSuccess)}",
    } + (use.LastFailure is { } f ? $", last failure {Day(f)}" : "");

    private static string Day(DateTime? instant) => instant is { } i ? i.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "none";

    private static string? Instant(DateTime? instant) => instant?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string Label(AuditStatus status) => status switch
    {
        AuditStatus.Missing => "MISSING",
        AuditStatus.Drifted => "DRIFTED",
        AuditStatus.Unmanaged => "UNMANAGED",
        _ => "ok",
    };

    private static string Camel(AuditStatus status) => JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    private static int Count(IEnumerable<AuditedApi> apis, AuditStatus status) => apis.Count(a => a.Status == status);

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
