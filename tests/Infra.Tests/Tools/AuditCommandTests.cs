using Infra.Tests.Support;
using Infra.Tool.Audit;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Infra.Tests.Tools;

/// <summary>The <c>audit</c> command in process: its option checks at their limits, and each failure as one line.</summary>
public class AuditCommandTests
{
    private static readonly Dictionary<string, string?> Credentials = new()
    {
        [AuditCredentials.ClientIdVariable] = AuditFakeTenant.ClientId,
        [AuditCredentials.ClientSecretVariable] = AuditFakeTenant.Secret,
    };

    private const string OptionsMessage = "--stale-after and --log-retention-days must be at least 1, --max-rps above 0, and --tenant-url an absolute URL.\n";

    [Theory]
    [InlineData("--stale-after", "0")]
    [InlineData("--log-retention-days", "0")]
    [InlineData("--max-rps", "0")]
    [InlineData("--tenant-url", "tenant/not-absolute")]
    public async Task An_option_out_of_range_is_refused_before_the_tenant_is_asked(string option, string value)
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Publish();
        var options = new Dictionary<string, string> { ["--max-rps"] = "1000", ["--stale-after"] = "90", ["--log-retention-days"] = "30", ["--tenant-url"] = tenant.Url.ToString() };
        options[option] = value;
        string[] args = ["audit", "dev", "--last-use", .. options.SelectMany(o => new[] { o.Key, o.Value })];

        var run = await ToolInProcess.RunAsync(Credentials, args);

        Assert.Equal((1, "", OptionsMessage), (run.ExitCode, run.Output, run.Error));
        Assert.Empty(tenant.Requests);
    }

    [Fact]
    public async Task The_smallest_accepted_values_audit_and_with_a_one_day_threshold_every_unused_client_is_stale()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Publish();

        var run = await ToolInProcess.RunAsync(Credentials, "audit", "dev", "--last-use", "--stale-after", "1", "--log-retention-days", "1", "--max-rps", "1000", "--tenant-url", tenant.Url.ToString(), "--today", "2026-11-28");

        Assert.Equal((2, ""), (run.ExitCode, run.Error));
        Assert.Contains("0 unmanaged with grants on declared APIs, 3 stale. 11 requests.\n  Last use from the tenant logs of the last 1 days; stale: no successful client-credentials exchange (seccft) for more than 1 days.\n", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_last_use_no_log_is_read()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Publish();

        var run = await ToolInProcess.RunAsync(Credentials, "audit", "dev", "--max-rps", "1000", "--tenant-url", tenant.Url.ToString(), "--today", "2026-11-28", "--format", "json");

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        Assert.Contains("\"lastUse\": null,", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(tenant.Requests, r => r.RequestMessage.Path == "/api/v2/logs");
    }

    [Fact]
    public async Task Without_credentials_a_valid_config_fails_naming_the_variables()
    {
        var run = await ToolInProcess.RunAsync(new Dictionary<string, string?> { [AuditCredentials.ClientIdVariable] = null, [AuditCredentials.ClientSecretVariable] = null }, "audit", "dev");

        Assert.Equal(
            (1, "", "The audit could not read the tenant: Set AUTH0_AUDIT_CLIENT_ID and AUTH0_AUDIT_CLIENT_SECRET: the audit client's credentials come from the environment only (docs/audit.md).\n"),
            (run.ExitCode, run.Output, run.Error));
    }

    [Fact]
    public async Task A_tenant_that_does_not_answer_fails_with_one_line()
    {
        // Nothing listens on the discard port: the connection is refused at once.
        var run = await ToolInProcess.RunAsync(Credentials, "audit", "dev", "--tenant-url", "http://127.0.0.1:9/");

        Assert.Equal((1, ""), (run.ExitCode, run.Output));
        Assert.StartsWith("The audit could not read the tenant: Connection refused (127.0.0.1:9)", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task A_management_api_error_fails_with_auth0s_message()
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Publish();
        tenant.Server.Given(Request.Create().WithPath("/api/v2/clients").UsingGet()).AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(403).WithHeader("Content-Type", "application/json")
                .WithBody("""{"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: read:clients","errorCode":"insufficient_scope"}"""));

        var run = await ToolInProcess.RunAsync(Credentials, "audit", "dev", "--max-rps", "1000", "--tenant-url", tenant.Url.ToString());

        Assert.Equal((1, "", "The audit could not read the tenant: Insufficient scope, expected any of: read:clients\n"), (run.ExitCode, run.Output, run.Error));
    }
}
