using Infra.Config;
using Infra.Tests.Support;
using Infra.Tool.Audit;
using Infra.Tool.Plan;

namespace Infra.Tests.Tools;

/// <summary>
/// The audit report in every format, from results built by hand with one of each status, last use and note, and
/// compared line for line with committed snapshots (<c>UPDATE_SNAPSHOTS=1</c> rewrites them).
/// </summary>
public class AuditReportTests
{
    private static readonly DateOnly Today = new(2026, 11, 28);

    private static DateTime At(int month, int day) => new(2026, month, day, 7, 30, 15, DateTimeKind.Utc);

    /// <summary>Every status an API or a client can have, a difference with its fix; last use of every kind when <paramref name="window"/> is set.</summary>
    internal static AuditResult Everything(LastUseWindow? window)
    {
        LastUse? Use(DateTime? success, DateTime? failure, UseStatus status) => window is null ? null : new LastUse(success, failure, status);
        AuditedGrant[] orders = [new("orders-api", "https://api.acme.example/orders", ["orders:cancel", "orders:read"])];
        return new AuditResult("infra", "dev", "acme-dev.eu.auth0.com", Today, [],
            [
                new AuditedApi("inventory-api", "https://api.acme.example/inventory", AuditStatus.Missing, []),
                new AuditedApi("orders-api", "https://api.acme.example/orders", AuditStatus.Drifted, [new("token_lifetime", "3600", "86400"), new("scopes", "orders:read", "(empty)")]),
                new AuditedApi("billing-api", "https://api.acme.example/billing|v2", AuditStatus.Matching, []),
            ],
            [
                new AuditedClient(AuditStatus.Missing, "partner-globex", null, "Globex (partner integration)", "partnerships@acme.example", [], []),
                new AuditedClient(AuditStatus.Drifted, "checkout-service", "cid-checkout", "Checkout service", "someone-else", orders, [new("app_type", "non_interactive", "spa"), new("authentication", "client_secret_post", "private_key_jwt") { Fix = "the config declares a client | secret" }, new("client_metadata.owner", "team-checkout", "someone-else")])
                {
                    LastUse = Use(At(8, 1), At(11, 27), UseStatus.Stale),
                },
                new AuditedClient(AuditStatus.Unmanaged, null, "cid-old", "Old reporting job", "team-bi", [.. orders, new("inventory-api", "https://api.acme.example/inventory", ["stock:read"])], [], "its client_metadata says managed_by pulumi:infra, environment dev, but no config entry has its key")
                {
                    LastUse = Use(null, null, UseStatus.NotSeen),
                },
                new AuditedClient(AuditStatus.Unmanaged, null, "cid-handmade", "Quick | test app", null, orders, []),
                new AuditedClient(AuditStatus.Matching, "nightly-reconciler", "cid-reconciler", "Nightly stock reconciler", "team-warehouse", [], [])
                {
                    LastUse = Use(At(11, 26), null, UseStatus.Active),
                },
                new AuditedClient(AuditStatus.Matching, "retired-job", "cid-retired", "Retired job", "team-bi", [], [])
                {
                    LastUse = Use(null, At(10, 2), UseStatus.Disabled),
                },
            ],
            window, 17);
    }

    private static AuditResult Invalid() => AuditResult.Invalid("infra", "dev", Today,
        [new ConfigProblem("infra:clients[1].grants[0].scopes[1]", "scope 'stock:destroy' is not declared on API 'inventory-api'"), new ConfigProblem("infra:keyVault", "is required")]);

    public static TheoryData<string, OutputFormat, int> Reports => new()
    {
        { "last-use", OutputFormat.Text, 90 },
        { "last-use", OutputFormat.Markdown, 90 },
        { "last-use", OutputFormat.Json, 90 },
        { "short-retention", OutputFormat.Text, 30 },
        { "short-retention", OutputFormat.Json, 30 },
        { "no-last-use", OutputFormat.Text, 0 },
        { "no-last-use", OutputFormat.Markdown, 0 },
        { "no-last-use", OutputFormat.Json, 0 },
    };

    [Theory]
    [MemberData(nameof(Reports))]
    public void Every_status_last_use_and_note_in_the_report(string name, OutputFormat format, int retentionDays)
    {
        var result = Everything(retentionDays == 0 ? null : new LastUseWindow(StaleAfterDays: 60, LogRetentionDays: retentionDays));

        TextSnapshot.AssertMatches($"audit-{name}.{Extension(format)}.txt", AuditReport.Render(result, format));
    }

    [Theory]
    [InlineData(OutputFormat.Text)]
    [InlineData(OutputFormat.Markdown)]
    [InlineData(OutputFormat.Json)]
    public void An_invalid_config_is_its_problems_and_nothing_else(OutputFormat format)
        => TextSnapshot.AssertMatches($"audit-invalid.{Extension(format)}.txt", AuditReport.Render(Invalid(), format));

    [Fact]
    public void Exit_codes_and_findings_follow_the_statuses()
    {
        var clean = Everything(null) with { Apis = [], Clients = [] };
        AuditedClient Matching(UseStatus status) => new(AuditStatus.Matching, "k", "id", "n", "o", [], []) { LastUse = new LastUse(null, null, status) };

        Assert.Equal((false, 0), (clean.HasFindings, clean.ExitCode));
        Assert.Equal((true, 2), (Everything(null).HasFindings, Everything(null).ExitCode));
        Assert.Equal(1, Invalid().ExitCode);
        Assert.Equal(2, (clean with { Apis = [new AuditedApi("a", "i", AuditStatus.Drifted, [])] }).ExitCode);
        Assert.Equal(0, (clean with { Apis = [new AuditedApi("a", "i", AuditStatus.Matching, [])] }).ExitCode);
        Assert.Equal(2, (clean with { Clients = [Matching(UseStatus.Stale)] }).ExitCode);
        Assert.Equal(0, (clean with { Clients = [Matching(UseStatus.NotSeen), Matching(UseStatus.Disabled), Matching(UseStatus.Active)] }).ExitCode);
    }

    [Theory]
    [InlineData(60, 60, "2026-09-29", false, UseStatus.Active)]
    [InlineData(60, 60, "2026-09-28", false, UseStatus.Stale)]
    [InlineData(60, 60, null, false, UseStatus.Stale)]
    [InlineData(60, 59, null, false, UseStatus.NotSeen)]
    [InlineData(60, 59, "2026-11-27", true, UseStatus.Disabled)]
    [InlineData(60, 90, null, true, UseStatus.Disabled)]
    public void Last_use_is_stale_one_day_past_the_threshold_and_only_where_the_logs_reach_it(int staleAfter, int retention, string? lastSuccess, bool disabled, UseStatus expected)
    {
        var success = lastSuccess is null ? (DateTime?)null : DateTime.SpecifyKind(DateTime.Parse(lastSuccess, System.Globalization.CultureInfo.InvariantCulture).AddHours(23), DateTimeKind.Utc);
        var failure = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

        var use = TenantAudit.Classify(success, failure, disabled, new LastUseWindow(staleAfter, retention), Today);

        Assert.Equal(new LastUse(success, failure, expected), use);
    }

    private static string Extension(OutputFormat format) => format switch
    {
        OutputFormat.Markdown => "md",
        OutputFormat.Json => "json",
        _ => "text",
    };
}
