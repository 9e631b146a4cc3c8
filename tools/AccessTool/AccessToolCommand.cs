using System.CommandLine;
using Infra.Config;
using Infra.Tool.Audit;
using Infra.Tool.Deploy;
using Infra.Tool.Diff;
using Infra.Tool.Environments;
using Infra.Tool.Expiry;
using Infra.Tool.Plan;
using Infra.Tool.Preview;
using Infra.Tool.Rendering;
using Infra.Tool.Schema;
using Infra.Tool.Verify;
using Spectre.Console;

namespace Infra.Tool;

/// <summary>
/// The access-tool's command line. Program.cs only invokes it, so tests run every command in process, with their own
/// output, error and project folder.
/// </summary>
public static class AccessToolCommand
{
    /// <summary>
    /// The root command. Reports go to the invocation's output and messages to its error writer; <c>--project</c>
    /// and <c>--head</c> default to <paramref name="currentDirectory"/>; live progress goes to
    /// <paramref name="progressConsole"/>; <c>verify</c> reaches the vault and the tenant through
    /// <paramref name="verifyConnections"/>.
    /// </summary>
    public static RootCommand Create(string currentDirectory, IAnsiConsole progressConsole, VerifyConnections verifyConnections)
    {
        ArgumentNullException.ThrowIfNull(currentDirectory);
        ArgumentNullException.ThrowIfNull(progressConsole);
        ArgumentNullException.ThrowIfNull(verifyConnections);
        var shared = new SharedOptions(currentDirectory);
        return new RootCommand("Tools for the Auth0 machine-to-machine access stacks: offline plan, access diff, operations preview and expiry report; verify and audit against a deployed stack; the stack files' JSON Schema.")
        {
            Plan(shared, progressConsole),
            Environments(shared),
            Diff(shared),
            Preview(shared),
            DeployGateCommand(shared),
            Expiry(shared),
            Verify(shared, progressConsole, verifyConnections),
            AuditCommand.Create(shared.Project, shared.Format, shared.Today, progressConsole),
            Review.ReviewGateCommand.Create(shared.Head, shared.Format),
            Review.GrantsCommand.Create(shared.Project, shared.Format),
            Schema(shared),
        };
    }

    private static Command Plan(SharedOptions shared, IAnsiConsole progressConsole)
    {
        // dev by default: a first `plan` on a fresh clone shows the program at work without any argument or credentials.
        var stack = new Argument<string>("stack") { Description = "the stack name, as in Pulumi.<stack>.yaml", DefaultValueFactory = _ => "dev" };
        var command = new Command("plan", "Run the program offline under Pulumi's mock engine with a stack's config and print its resources and access matrix.")
        {
            stack, shared.Project, shared.Format, shared.Today, shared.Details,
        };
        command.SetAction(async (parse, _) =>
        {
            var config = StackFiles.Load(parse.GetValue(shared.Project)!.FullName, parse.GetValue(stack)!);
            var result = await ProgressDisplay.RunAsync(progressConsole, $"Planning {config.Project}/{config.Stack} offline", progress => OfflinePlan.RunAsync(config, parse.GetValue(shared.Today), progress)).ConfigureAwait(false);
            var details = parse.GetValue(shared.Details);
            WriteReport(parse, shared, console => PlanReport.Write(console, result, details), format => PlanReport.Render(result, format));
            return result.Valid ? 0 : 1;
        });
        return command;
    }

    private static Command Environments(SharedOptions shared)
    {
        var baseFolder = new Option<DirectoryInfo?>("--base") { Description = "a checkout of the base version: also list the stacks the change reaches (its stack files, the config they read from Pulumi.yaml, or the program)" };
        var command = new Command("environments", "List the project's environments (a catalogue stack and its team stacks) and check, offline, what must hold across the stacks of each before any deploys: one tenant and catalogue, keys, names, secrets and imports used once, the role-assignment budget per subscription. Exit 1 on any problem.")
        {
            shared.Project, baseFolder, shared.Today, shared.Format,
        };
        command.SetAction(parse =>
        {
            var result = EnvironmentsResult.Run(parse.GetValue(shared.Project)!.FullName, parse.GetValue(baseFolder)?.FullName, parse.GetValue(shared.Today));
            parse.InvocationConfiguration.Output.Write(EnvironmentsReport.Render(result, parse.GetValue(shared.Format)));
            return result.ExitCode;
        });
        return command;
    }

    private static Command Diff(SharedOptions shared)
    {
        var stack = new Argument<string>("stack") { Description = "the stack name" };
        var baseFolder = new Option<DirectoryInfo>("--base") { Description = "the folder of the base version (e.g. a checkout of the target branch)", Required = true };
        var command = new Command("diff", "Compare the access a stack grants in two versions of its config. Exit 2 on a privilege increase, 1 on invalid config.")
        {
            stack, baseFolder, shared.Head, shared.Format,
        };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(stack)!;
            var head = StackFiles.Load(parse.GetValue(shared.Head)!.FullName, name);
            var result = AccessDiff.Compare(BaseAfterMoves(parse.GetValue(baseFolder)!, parse.GetValue(shared.Head)!, head), head);
            parse.InvocationConfiguration.Output.Write(AccessDiffReport.Render(result, parse.GetValue(shared.Format)));
            return AccessDiffReport.ExitCode(result);
        });
        return command;
    }

    private static Command Preview(SharedOptions shared)
    {
        var stack = new Argument<string>("stack") { Description = "the stack name" };
        var baseFolder = new Option<DirectoryInfo>("--base") { Description = "the folder of the deployed version (e.g. a checkout of the target branch)", Required = true };
        var history = new Option<bool>("--history") { Description = "read the base's git history (a checkout with all of it) for keys of removed clients whose Key Vault secrets still hold their names" };
        var command = new Command("preview", "Tell, offline, what `pulumi up` would do when a stack moves from --base to --head: create, update, replace, delete per resource, and where the real engine would refuse. Exit 3 when it would, 1 on invalid config.")
        {
            stack, baseFolder, shared.Head, history, shared.Today, shared.Format, shared.Details,
        };
        command.SetAction(async (parse, _) =>
        {
            var name = parse.GetValue(stack)!;
            var basePath = parse.GetValue(baseFolder)!;
            IReadOnlyList<EarlierClient> earlier = [];
            if (parse.GetValue(history))
            {
                using var git = new StackHistory(basePath.FullName);
                earlier = git.RemovedClients(git.Resolve("HEAD"), name);
            }

            var head = StackFiles.Load(parse.GetValue(shared.Head)!.FullName, name);
            var result = await OperationsPreview.RunAsync(BaseAfterMoves(basePath, parse.GetValue(shared.Head)!, head), head, parse.GetValue(shared.Today), earlier).ConfigureAwait(false);
            var details = parse.GetValue(shared.Details);
            WriteReport(parse, shared, console => OperationsReport.Write(console, result, details), format => OperationsReport.Render(result, format));
            return OperationsReport.ExitCode(result);
        });
        return command;
    }

    private static Command DeployGateCommand(SharedOptions shared)
    {
        var stack = new Argument<string>("stack") { Description = "the stack name" };
        var deployed = new Option<string>("--deployed") { Description = "the commit the stack was last deployed from (its deployed-commit tag), or `none` for a stack never deployed", Required = true };
        var target = new Option<string>("--target") { Description = "the commit to deploy", DefaultValueFactory = _ => "HEAD" };
        var steps = new Option<FileInfo?>("--steps") { Description = "write the commits to apply, in order, one a line (nothing when refused)" };
        var moves = new Option<FileInfo?>("--moves") { Description = "write what the stack's state must hold first for clients the batch moves between stacks: `absent <urn>` or `present <urn>`, one a line" };
        var command = new Command("deploy-gate", "Check a deploy against the commit the stack is deployed from: the operations preview of the whole batch and, where it refuses, the fewest commit-by-commit steps it accepts. Exit 3 when refused, 1 on invalid config. Reads the --project folder's git history.")
        {
            stack, shared.Project, deployed, target, steps, moves, shared.Today, shared.Format,
        };
        command.SetAction(async (parse, _) =>
        {
            using var history = new StackHistory(parse.GetValue(shared.Project)!.FullName);
            var from = parse.GetValue(deployed)!;
            DeployGateResult result;
            try
            {
                result = await DeployGate.RunAsync(history, parse.GetValue(stack)!, from == "none" ? null : from, parse.GetValue(target)!, parse.GetValue(shared.Today)).ConfigureAwait(false);
            }
            catch (DeployGateException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 1;
            }

            if (parse.GetValue(steps) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, DeployGateReport.Steps(result)).ConfigureAwait(false);
            }

            if (parse.GetValue(moves) is { } movesFile)
            {
                await File.WriteAllTextAsync(movesFile.FullName, DeployGateReport.Moves(result)).ConfigureAwait(false);
            }

            await parse.InvocationConfiguration.Output.WriteAsync(DeployGateReport.Render(result, parse.GetValue(shared.Format))).ConfigureAwait(false);
            return result.ExitCode;
        });
        return command;
    }

    private static Command Expiry(SharedOptions shared)
    {
        var stack = new Argument<string>("stack") { Description = "the stack name" };
        var within = new Option<int>("--within") { Description = "warn about credentials expiring within this many days", DefaultValueFactory = _ => 30 };
        var fromTenant = new Option<bool>("--from-tenant")
        {
            Description = $"for private_key_jwt clients, report the expires_at Auth0 holds on the keys it accepts (the date it enforces) beside the config's: reads the client list and one credentials list per key client with {AuditCredentials.ClientIdVariable} and {AuditCredentials.ClientSecretVariable} (read:clients, read:client_credentials)",
        };
        var connection = new TenantConnectionOptions();
        var command = new Command("expiry", "List a stack's credentials by expiry: expired, expiring within --within days, fine; with --from-tenant, key clients by the date Auth0 holds. Exit 2 if any expired or expiring, 1 on invalid config or a failed read.")
        {
            stack, shared.Project, within, shared.Today, shared.Format, fromTenant, connection.Domain, connection.TenantUrl, connection.MaxRps,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetValue(shared.Project)!.FullName;
            var config = StackFiles.Load(folder, parse.GetValue(stack)!);
            if (!parse.GetValue(fromTenant))
            {
                var offline = ExpiryReport.Compute(config, parse.GetValue(shared.Today), parse.GetValue(within));
                await parse.InvocationConfiguration.Output.WriteAsync(ExpiryReport.Render(offline, parse.GetValue(shared.Format))).ConfigureAwait(false);
                return offline.ExitCode;
            }

            if (!connection.TryGetTenantUrl(parse, out var url))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("--max-rps must be above 0 and --tenant-url an absolute URL.").ConfigureAwait(false);
                return 1;
            }

            // A team stack's clients carry their environment's name.
            var environment = ProjectStacks.Load(folder).EnvironmentOf(config.Stack)?.Name ?? config.Stack;
            var options = new AuditOptions(parse.GetValue(shared.Today), url, parse.GetValue(connection.Domain), parse.GetValue(connection.MaxRps));
            var credentials = AuditCredentials.FromEnvironment();
            try
            {
                var result = await ExpiryReport.ComputeAsync(config, parse.GetValue(shared.Today), parse.GetValue(within), options.Domain ?? Environment.GetEnvironmentVariable("AUTH0_DOMAIN"),
                    access => TenantAudit.ReadKeysAsync(access, config.Project, environment, credentials, options, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await parse.InvocationConfiguration.Output.WriteAsync(ExpiryReport.Render(result, parse.GetValue(shared.Format))).ConfigureAwait(false);
                return result.ExitCode;
            }
            catch (Exception e) when (TenantConnectionOptions.IsReadFailure(e))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"The expiry report could not read the tenant: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static Command Verify(SharedOptions shared, IAnsiConsole progressConsole, VerifyConnections connections)
    {
        var stack = new Argument<string>("stack") { Description = "the stack name" };
        var client = new Option<string?>("--client") { Description = "verify only this client (its key)" };
        var command = new Command("verify", "Check a deployed stack end to end: credentials from Key Vault (a client secret, or a private key that signs the assertion), a token from the tenant, its signature, aud, scope, gty and azp. Exit 1 on any mismatch. Uses DefaultAzureCredential.")
        {
            stack, shared.Project, client,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var config = StackFiles.Load(parse.GetValue(shared.Project)!.FullName, parse.GetValue(stack)!);
            AccessConfig access;
            try
            {
                access = AccessConfigParser.Parse(RawStackConfig.FromMap(config.Project, config.Stack, config.Values, Environment.GetEnvironmentVariable("AUTH0_DOMAIN")));
            }
            catch (ConfigValidationException e)
            {
                await error.WriteAsync(ReportFormat.InvalidConfig(config.Project, config.Stack, e.Problems, markdown: false)).ConfigureAwait(false);
                return 1;
            }

            var only = parse.GetValue(client);
            if (CredentialVerifier.UnknownClient(access, only) is { } unknown)
            {
                await error.WriteLineAsync(unknown).ConfigureAwait(false);
                return 1;
            }

            using var http = new HttpClient();
            var vault = connections.OpenVault(new Uri(access.KeyVault.Uri));
            try
            {
                var results = await ProgressDisplay.RunAsync(progressConsole, $"Verifying {config.Project}/{config.Stack}", progress => new CredentialVerifier(vault, http, connections.TokenEndpoint).VerifyAsync(access, only, progress, cancellationToken)).ConfigureAwait(false);
                await parse.InvocationConfiguration.Output.WriteAsync(VerifyReport.Render(results)).ConfigureAwait(false);
                return results.All(r => r.Ok) ? 0 : 1;
            }
            catch (VerifyAbortedException e)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static Command Schema(SharedOptions shared)
    {
        var output = new Option<FileInfo?>("--output") { Description = $"write the stack files' schema here instead (and not {CredentialsDocumentSchema.RelativePath}); default: {StackConfigSchema.RelativePath} in the --project folder" };
        var check = new Option<bool>("--check") { Description = "write nothing; exit 1 if a file differs from what would be generated" };
        var command = new Command("schema", $"Generate the JSON Schemas of the stack files (Pulumi.<stack>.yaml), from the keys the config parser declares, and of the credentials document in Key Vault ({CredentialsDocumentSchema.RelativePath}), from its record, for editors and consumers.")
        {
            shared.Project, output, check,
        };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(shared.Project)!.FullName;
            List<(string Path, string Text)> files = parse.GetValue(output) is { } only
                ? [(only.FullName, StackConfigSchema.Generate(folder))]
                : [(Path.Combine(folder, StackConfigSchema.RelativePath), StackConfigSchema.Generate(folder)), (Path.Combine(folder, CredentialsDocumentSchema.RelativePath), CredentialsDocumentSchema.Generate())];
            var status = 0;
            foreach (var (path, text) in files)
            {
                if (parse.GetValue(check))
                {
                    if (File.Exists(path) && File.ReadAllText(path).ReplaceLineEndings("\n") == text)
                    {
                        parse.InvocationConfiguration.Output.WriteLine($"{path} is current.");
                    }
                    else
                    {
                        parse.InvocationConfiguration.Error.WriteLine($"{path} is stale: run `{StackConfigSchema.Command}` and commit it.");
                        status = 1;
                    }

                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, text);
                parse.InvocationConfiguration.Output.WriteLine($"Wrote {path}");
            }

            return status;
        });
        return command;
    }

    /// <summary>
    /// The base a stack's change is compared with: its file in the base checkout (none: everything is new), with the
    /// clients that the change moves between stacks of its environment moved, as <c>pulumi state move</c> moves them
    /// before the change deploys (docs/team-stacks.md).
    /// </summary>
    private static StackConfig? BaseAfterMoves(DirectoryInfo baseFolder, DirectoryInfo headFolder, StackConfig head)
    {
        var before = ProjectStacks.Load(baseFolder.FullName);
        return BaseAfterMoves(baseFolder, head, before, ClientMove.Between(before, ProjectStacks.Load(headFolder.FullName)));
    }

    /// <summary>As the other overload, with the base's stacks and the change's moves already found (once for many stacks).</summary>
    internal static StackConfig? BaseAfterMoves(DirectoryInfo baseFolder, StackConfig head, ProjectStacks before, IReadOnlyList<ClientMove> moves)
        => ClientMove.BaseAfterMoves(head.Stack, LoadIfPresent(baseFolder, head.Stack), head, before, moves);

    /// <summary>A stack the base does not have yet compares against nothing: everything in it is new.</summary>
    private static StackConfig? LoadIfPresent(DirectoryInfo folder, string stack)
        => File.Exists(Path.Combine(folder.FullName, $"Pulumi.{stack}.yaml")) ? StackFiles.Load(folder.FullName, stack) : null;

    private static void WriteReport(ParseResult parse, SharedOptions shared, Action<IAnsiConsole> text, Func<OutputFormat, string> other)
    {
        var format = parse.GetValue(shared.Format);
        if (format == OutputFormat.Text)
        {
            // Colour and Unicode on an interactive terminal; plain ASCII in a pipe, a file or CI.
            text(ReportConsole.Detect(parse.InvocationConfiguration.Output));
        }
        else
        {
            parse.InvocationConfiguration.Output.Write(other(format));
        }
    }

    /// <summary>The options several commands share: one instance each, so they read the same everywhere.</summary>
    private sealed class SharedOptions(string currentDirectory)
    {
        public Option<OutputFormat> Format { get; } = new("--format") { Description = "text (default), markdown or json", DefaultValueFactory = _ => OutputFormat.Text };

        public Option<DirectoryInfo> Project { get; } = new("--project") { Description = "the folder with Pulumi.yaml and the stack files", DefaultValueFactory = _ => new DirectoryInfo(currentDirectory) };

        public Option<DirectoryInfo> Head { get; } = new("--head") { Description = "the folder of the proposed version", DefaultValueFactory = _ => new DirectoryInfo(currentDirectory) };

        public Option<DateOnly> Today { get; } = new("--today") { Description = "the day (UTC, YYYY-MM-DD) expiry dates are checked against; default: today", DefaultValueFactory = _ => FixedDayClock.Today() };

        public Option<bool> Details { get; } = new("--details") { Description = "text: every input of every resource, not only those that matter (secrets still masked)" };
    }
}
