using System.Text.Json;
using Infra.Tests.Support;
using Infra.Tool;
using Infra.Tool.Expiry;
using Infra.Tool.Plan;

namespace Infra.Tests.Tools;

public class ExpiryReportTests
{
    private static StackConfig Dev => StackHarness.StackFile();

    /// <summary>The report, today with a 30-day window, for the dev stack file as <paramref name="edit"/> changes it.</summary>
    internal static ExpiryResult ComputeEdited(Func<string, string> edit)
    {
        using var folder = new TemporaryProject();
        folder.Write("Pulumi.dev.yaml", edit(StackHarness.StackFileText()));
        return ExpiryReport.Compute(StackFiles.Load(folder.Path, "dev"), PulumiConfigScope.Today, 30);
    }

    [Fact]
    public void The_dev_stack_has_one_client_expiring_within_30_days()
    {
        var report = ExpiryReport.Compute(Dev, PulumiConfigScope.Today, 30);

        Assert.Equal(
            """
            Credential expiry in stack dev on 2026-11-28 (warning within 30 days):
              expiring      partner-globex                 2026-12-20    22  partnerships@acme.example
              ok            checkout-service               2027-02-15    79  team-checkout
              ok            nightly-reconciler             2027-05-31   184  team-warehouse

            """.ReplaceLineEndings("\n"),
            ExpiryReport.Render(report, OutputFormat.Text).ReplaceLineEndings("\n"));
        Assert.Equal(2, report.ExitCode);
        Assert.Equal(0, ExpiryReport.Compute(Dev, PulumiConfigScope.Today, 7).ExitCode);
    }

    [Fact]
    public void Expired_disabled_and_undated_clients_are_reported_for_what_they_are()
    {
        var report = ComputeEdited(file => file
            .Replace("expires: 2026-12-20", "expires: 2026-11-01\n      disabled: true", StringComparison.Ordinal)
            .Replace("      expires: 2027-05-31\n", "", StringComparison.Ordinal));

        Assert.Equal(
            ["partner-globex Expired -27 True", "checkout-service Valid 79 False", "nightly-reconciler NoExpiry  False"],
            report.Credentials.Select(c => $"{c.Client} {c.Status} {c.DaysLeft} {c.Disabled}"));
        Assert.Equal(
            """
            ### Credential expiry: `dev` on 2026-11-28

            | status | client | owner | expires | days left | enforced by |
            |---|---|---|---|---:|---|
            | EXPIRED (disabled) | `partner-globex` | partnerships@acme.example | 2026-11-01 | -27 | Action |
            | ok | `checkout-service` | team-checkout | 2027-02-15 | 79 | Action |
            | no expiry | `nightly-reconciler` | team-warehouse | never |  | Action |

            """.ReplaceLineEndings("\n"),
            ExpiryReport.Render(report, OutputFormat.Markdown).ReplaceLineEndings("\n"));
        var json = JsonDocument.Parse(ExpiryReport.Render(report, OutputFormat.Json)).RootElement;
        Assert.Equal(["stack", "today", "withinDays", "problems", "credentials", "tenantRequests"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ("dev", PulumiConfigScope.Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), 30, 0),
            (json.GetProperty("stack").GetString(), json.GetProperty("today").GetString(), json.GetProperty("withinDays").GetInt32(), json.GetProperty("problems").GetArrayLength()));
        Assert.Equal(
            """{"client":"partner-globex","owner":"partnerships@acme.example","expires":"2026-11-01","daysLeft":-27,"status":"expired","disabled":true,"authentication":"client_secret_post","enforcedBy":"action","auth0":null}""",
            JsonSerializer.Serialize(json.GetProperty("credentials")[0]));
    }

    [Fact]
    public void A_key_client_is_reported_as_one_whose_date_auth0_itself_enforces()
    {
        // Its keys carry the date as their expires_at (ClientKeys.ExpiresAt): Auth0 refuses them, not only the Action.
        var report = ComputeEdited(file => file.Replace("      expires: 2027-05-31\n", "      expires: 2027-05-31\n      authentication: private_key_jwt\n", StringComparison.Ordinal));

        Assert.Equal(
            ["partner-globex ClientSecret action", "checkout-service ClientSecret action", "nightly-reconciler PrivateKeyJwt auth0"],
            report.Credentials.Select(c => $"{c.Client} {c.Authentication} {c.EnforcedBy}"));
        Assert.Contains("| ok | `nightly-reconciler` | team-warehouse | 2027-05-31 | 184 | Auth0 (keys) |", ExpiryReport.Render(report, OutputFormat.Markdown), StringComparison.Ordinal);
        Assert.EndsWith("team-warehouse  (keys: Auth0 enforces the date)", ExpiryReport.Render(report, OutputFormat.Text).ReplaceLineEndings("\n").TrimEnd('\n'), StringComparison.Ordinal);
        var json = JsonDocument.Parse(ExpiryReport.Render(report, OutputFormat.Json)).RootElement.GetProperty("credentials")[2];
        Assert.Equal(("private_key_jwt", "auth0"), (json.GetProperty("authentication").GetString(), json.GetProperty("enforcedBy").GetString()));
    }
}

public class ExpiryBoundaryTests
{
    private static StackConfig Dev => StackHarness.StackFile();

    [Theory]
    // partner-globex expires 2026-12-20: on that day it is expired (the first day without tokens), the day before not.
    [InlineData("2026-12-20", 30, ExpiryStatus.Expired, 0)]
    [InlineData("2026-12-19", 30, ExpiryStatus.Expiring, 1)]
    // Exactly --within days ahead is expiring; one day more is fine.
    [InlineData("2026-11-20", 30, ExpiryStatus.Expiring, 30)]
    [InlineData("2026-11-19", 30, ExpiryStatus.Valid, 31)]
    [InlineData("2026-11-28", 0, ExpiryStatus.Valid, 22)]
    public void Expiring_today_is_expired_and_exactly_within_days_ahead_is_expiring(string today, int within, ExpiryStatus status, int daysLeft)
    {
        var report = ExpiryReport.Compute(Dev, DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture), within);

        var globex = report.Credentials.Single(c => c.Client == "partner-globex");
        Assert.Equal((status, daysLeft), (globex.Status, globex.DaysLeft));
        Assert.Equal(status == ExpiryStatus.Valid ? 0 : 2, report.ExitCode);
    }

    [Fact]
    public void A_stack_file_without_a_domain_is_reported_all_the_same_the_tenant_plays_no_part()
    {
        using var environment = new EnvironmentScope(new Dictionary<string, string?> { ["AUTH0_DOMAIN"] = null });

        var report = ExpiryReportTests.ComputeEdited(StackHarness.WithoutDomain);

        Assert.Empty(report.Problems);
        Assert.Equal(["partner-globex", "checkout-service", "nightly-reconciler"], report.Credentials.Select(c => c.Client));
    }

    [Fact]
    public void An_invalid_stack_file_is_exit_code_1_with_its_problems_and_no_credentials()
    {
        var report = ExpiryReportTests.ComputeEdited(file => file.Replace("owner: team-checkout", "owner: \"\"", StringComparison.Ordinal));

        Assert.Equal(1, report.ExitCode);
        Assert.Empty(report.Credentials);
        Assert.Equal("infra:clients[0].owner", Assert.Single(report.Problems).Path);
        Assert.Equal(
            """
            Credential expiry in stack dev on 2026-11-28 (warning within 30 days):
              - infra:clients[0].owner: must not be blank: set the accountable team or person.

            """.ReplaceLineEndings("\n"),
            ExpiryReport.Render(report, OutputFormat.Text).ReplaceLineEndings("\n"));
        // No table header over no rows.
        Assert.Equal(
            """
            ### Credential expiry: `dev` on 2026-11-28

            - `infra:clients[0].owner`: must not be blank: set the accountable team or person.

            """.ReplaceLineEndings("\n"),
            ExpiryReport.Render(report, OutputFormat.Markdown).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Clients_of_one_status_are_listed_by_expiry_date_then_by_key()
    {
        var report = ExpiryReportTests.ComputeEdited(file => file
            .Replace("expires: 2027-02-15", "expires: 2027-06-30", StringComparison.Ordinal)
            .Replace("expires: 2026-12-20", "expires: 2027-05-31", StringComparison.Ordinal));

        Assert.Equal(
            ["nightly-reconciler 2027-05-31", "partner-globex 2027-05-31", "checkout-service 2027-06-30"],
            report.Credentials.Select(c => $"{c.Client} {c.Expires:yyyy-MM-dd}"));
    }
}
