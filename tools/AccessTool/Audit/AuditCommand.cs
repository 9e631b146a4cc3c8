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
        var connection = new TenantConnectionOptions();
        var command = new Command("audit", $"Compare a stack's config with its live Auth0 tenant, read-only (for a stack of an environment split into team stacks: the whole environment, the tenant read once): declared APIs and clients missing or drifted (the credentials of private_key_jwt clients included), and unmanaged clients holding grants on declared APIs; with --last-use, stale clients. Credentials from {AuditCredentials.ClientIdVariable} and {AuditCredentials.ClientSecretVariable}. Exit 2 on findings, 1 on invalid config or a failed run.")
        {
            stack, project, format, today, lastUse, staleAfter, retention, connection.MaxRps, connection.Domain, connection.TenantUrl,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetValue(project)!.FullName;
            var config = StackFiles.Load(folder, parse.GetValue(stack)!);
            // A split environment is one tenant: audited once, with the clients of all its stacks as managed.
            var environment = ProjectStacks.Load(folder).EnvironmentOf(config.Stack) is { Teams.Count: > 0 } split
                ? EnvironmentCheck.Run(split, StackFiles.ProjectDefaults(folder), today: null)
                : null;
            if (parse.GetValue(staleAfter) < 1 || parse.GetValue(retention) < 1 || !connection.TryGetTenantUrl(parse, out var url))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("--stale-after and --log-retention-days must be at least 1, --max-rps above 0, and --tenant-url an absolute URL.").ConfigureAwait(false);
                return AuditResult.InvalidConfigExitCode;
            }

            var credentials = AuditCredentials.FromEnvironment();
            var options = new AuditOptions(parse.GetValue(today), url, parse.GetValue(connection.Domain), parse.GetValue(connection.MaxRps),
                parse.GetValue(lastUse) ? new LastUseWindow(parse.GetValue(staleAfter), parse.GetValue(retention)) : null);
            try
            {
                var result = environment is null
                    ? await ProgressDisplay.RunAsync(progressConsole, $"Auditing {config.Project}/{config.Stack}", progress => TenantAudit.RunAsync(config, credentials, options, progress, cancellationToken)).ConfigureAwait(false)
                    : await ProgressDisplay.RunAsync(progressConsole, $"Auditing {config.Project}/{environment.Environment.Name} and its team stacks", progress => TenantAudit.RunAsync(environment, credentials, options, progress, cancellationToken)).ConfigureAwait(false);
                await parse.InvocationConfiguration.Output.WriteAsync(AuditReport.Render(result, parse.GetValue(format))).ConfigureAwait(false);
                return result.ExitCode;
            }
            catch (Exception e) when (TenantConnectionOptions.IsReadFailure(e))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"The audit could not read the tenant: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}

/// <summary>How a command reaches the tenant's Management API: the options the audit and the expiry report's tenant read share.</summary>
public sealed class TenantConnectionOptions
{
    /// <summary>The client-side cap on requests a second.</summary>
    public Option<double> MaxRps { get; } = new("--max-rps") { Description = "at most this many requests a second, so a deploy keeps its share of the tenant's rate limit", DefaultValueFactory = _ => AuditOptions.DefaultMaxRequestsPerSecond };

    /// <summary>The tenant's domain.</summary>
    public Option<string?> Domain { get; } = new("--domain") { Description = "the tenant's domain; default: the stack's auth0:domain, else AUTH0_DOMAIN" };

    /// <summary>Another base URL than the domain's.</summary>
    public Option<string?> TenantUrl { get; } = new("--tenant-url") { Description = "the tenant's base URL when not https://{domain}/ (a proxy, a test server)" };

    /// <summary>False when --max-rps is not above 0 or --tenant-url is not an absolute URL; <paramref name="url"/> null when it is not given.</summary>
    public bool TryGetTenantUrl(ParseResult parse, out Uri? url)
    {
        ArgumentNullException.ThrowIfNull(parse);
        url = null;
        return parse.GetValue(MaxRps) > 0 && (parse.GetValue(TenantUrl) is not { } text || Uri.TryCreate(text, UriKind.Absolute, out url));
    }

    /// <summary>
    /// A failure to read the tenant, reported as one line and exit 1: the SDK's messages carry Auth0's error text or a
    /// JSON path, never the token or the secret (none is read).
    /// </summary>
    public static bool IsReadFailure(Exception e) => e is AuditConnectionException or ApiException or HttpRequestException or TaskCanceledException or Newtonsoft.Json.JsonException;
}
