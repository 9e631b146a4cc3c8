using System.CommandLine;
using Auth0.Core.Exceptions;
using Infra.Tool.Environments;
using Infra.Tool.Plan;
using Infra.Tool.Rendering;
using Spectre.Console;

namespace Infra.Tool.Audit;

/// <summary>The <c>audit</c> command: its options, and how it maps a run to output and an exit code.</summary>
public static class AuditCommand
{
    /// <summary>Builds the command with the options it shares with the others.</summary>
    public static Command Create(Option<DirectoryInfo> project, Option<OutputFormat> format, Option<DateOnly> today, IAnsiConsole progressConsole)
    {
        var stack = new Argument<string>("stack") { Description = "the stack name" };
        var lastUse = new Option<bool>("--last-use") { Description = "also read each client's last successful (seccft) and failed (feccft) client-credentials exchange from the tenant logs: 2 requests per client, needs read:logs" };
        var staleAfter = new Option<int>("--stale-after") { Description = "with --last-use: a client without a successful exchange for more than this many days is stale", DefaultValueFactory = _ => 90 };
        var retention = new Option<int>("--log-retention-days") { Description = "with --last-use: how many days of logs the tenant keeps (plan-dependent); the window searched", DefaultValueFactory = _ => 30 };
        var maxRps = new Option<double>("--max-rps") { Description = "at most this many requests a second, so a deploy keeps its share of the tenant's rate limit", DefaultValueFactory = _ => AuditOptions.DefaultMaxRequestsPerSecond };
        var domain = new Option<string?>("--domain") { Description = "the tenant's domain; default: the stack's auth0:domain, else AUTH0_DOMAIN" };
        var tenantUrl = new Option<string?>("--tenant-url") { Description = "the tenant's base URL when not https://{domain}/ (a proxy, a test server)" };
        var command = new Command("audit", $"Compare a stack's config with its live Auth0 tenant, read-only (for a stack of an environment split into team stacks: the whole environment, the tenant read once): declared APIs and clients missing or drifted (the credentials of private_key_jwt clients included), and unmanaged clients holding grants on declared APIs; with --last-use, stale clients. Credentials from {AuditCredentials.ClientIdVariable} and {AuditCredentials.ClientSecretVariable}. Exit 2 on findings, 1 on invalid config or a failed run.")
        {
            stack, project, format, today, lastUse, staleAfter, retention, maxRps, domain, tenantUrl,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetValue(project)!.FullName;
            var config = StackFiles.Load(folder, parse.GetValue(stack)!);
            // A split environment is one tenant: audited once, with the clients of all its stacks as managed.
            var environment = ProjectStacks.Load(folder).EnvironmentOf(config.Stack) is { Teams.Count: > 0 } split
                ? EnvironmentCheck.Run(split, StackFiles.ProjectDefaults(folder), today: null)
                : null;
            Uri? url = null;
            if (parse.GetValue(staleAfter) < 1 || parse.GetValue(retention) < 1 || parse.GetValue(maxRps) <= 0
                || (parse.GetValue(tenantUrl) is { } text && !Uri.TryCreate(text, UriKind.Absolute, out url)))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("--stale-after and --log-retention-days must be at least 1, --max-rps above 0, and --tenant-url an absolute URL.").ConfigureAwait(false);
                return AuditResult.InvalidConfigExitCode;
            }

            var credentials = AuditCredentials.FromEnvironment();
            var options = new AuditOptions(parse.GetValue(today), url, parse.GetValue(domain), parse.GetValue(maxRps),
                parse.GetValue(lastUse) ? new LastUseWindow(parse.GetValue(staleAfter), parse.GetValue(retention)) : null);
            try
            {
                var result = environment is null
                    ? await ProgressDisplay.RunAsync(progressConsole, $"Auditing {config.Project}/{config.Stack}", progress => TenantAudit.RunAsync(config, credentials, options, progress, cancellationToken)).ConfigureAwait(false)
                    : await ProgressDisplay.RunAsync(progressConsole, $"Auditing {config.Project}/{environment.Environment.Name} and its team stacks", progress => TenantAudit.RunAsync(environment, credentials, options, progress, cancellationToken)).ConfigureAwait(false);
                await parse.InvocationConfiguration.Output.WriteAsync(AuditReport.Render(result, parse.GetValue(format))).ConfigureAwait(false);
                return result.ExitCode;
            }
            catch (Exception e) when (e is AuditConnectionException or ApiException or HttpRequestException or TaskCanceledException or Newtonsoft.Json.JsonException)
            {
                // The SDK's messages carry Auth0's error text or a JSON path, never the token or the secret (none is read).
                await parse.InvocationConfiguration.Error.WriteLineAsync($"The audit could not read the tenant: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}
