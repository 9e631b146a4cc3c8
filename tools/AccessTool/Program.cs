using System.CommandLine;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Infra.Config;
using Infra.Tool;
using Infra.Tool.Audit;
using Infra.Tool.Diff;
using Infra.Tool.Expiry;
using Infra.Tool.Plan;
using Infra.Tool.Preview;
using Infra.Tool.Rendering;
using Infra.Tool.Schema;
using Infra.Tool.Verify;
using Spectre.Console;

var format = new Option<OutputFormat>("--format") { Description = "text (default), markdown or json", DefaultValueFactory = _ => OutputFormat.Text };
var project = new Option<DirectoryInfo>("--project") { Description = "the folder with Pulumi.yaml and the stack files", DefaultValueFactory = _ => new DirectoryInfo(".") };
var today = new Option<DateOnly>("--today") { Description = "the day (UTC, YYYY-MM-DD) expiry dates are checked against; default: today", DefaultValueFactory = _ => FixedDayClock.Today() };

var details = new Option<bool>("--details") { Description = "text: every input of every resource, not only those that matter (secrets still masked)" };

// Colour and Unicode on an interactive terminal; plain ASCII in a pipe, a file or CI.
var stdout = ReportConsole.Detect(Console.Out);

// Progress of long runs on standard error, live only when that is an interactive terminal.
var stderr = ReportConsole.ForProgress();

void WriteReport(OutputFormat chosen, Action<IAnsiConsole> text, Func<string> other)
{
    if (chosen == OutputFormat.Text)
    {
        text(stdout);
    }
    else
    {
        Console.Out.Write(other());
    }
}

// dev by default: a first `plan` on a fresh clone shows the program at work without any argument or credentials.
var stack = new Argument<string>("stack") { Description = "the stack name, as in Pulumi.<stack>.yaml", DefaultValueFactory = _ => "dev" };
var plan = new Command("plan", "Run the program offline under Pulumi's mock engine with a stack's config and print its resources and access matrix.")
{
    stack, project, format, today, details,
};
plan.SetAction(async (parse, _) =>
{
    var config = StackFiles.Load(parse.GetValue(project)!.FullName, parse.GetValue(stack)!);
    var result = await ProgressDisplay.RunAsync(stderr, $"Planning {config.Project}/{config.Stack} offline", progress => OfflinePlan.RunAsync(config, parse.GetValue(today), progress)).ConfigureAwait(false);
    WriteReport(parse.GetValue(format), console => PlanReport.Write(console, result, parse.GetValue(details)), () => PlanReport.Render(result, parse.GetValue(format)));
    return result.Valid ? 0 : 1;
});

var diffStack = new Argument<string>("stack") { Description = "the stack name" };
var baseDir = new Option<DirectoryInfo>("--base") { Description = "the folder of the base version (e.g. a checkout of the target branch)", Required = true };
var headDir = new Option<DirectoryInfo>("--head") { Description = "the folder of the proposed version", DefaultValueFactory = _ => new DirectoryInfo(".") };
var diff = new Command("diff", "Compare the access a stack grants in two versions of its config. Exit 2 on a privilege increase, 1 on invalid config.")
{
    diffStack, baseDir, headDir, format,
};
diff.SetAction(parse =>
{
    var name = parse.GetValue(diffStack)!;
    var baseFolder = parse.GetValue(baseDir)!.FullName;
    // A stack the base does not have yet compares against nothing: everything in it is new.
    var before = File.Exists(Path.Combine(baseFolder, $"Pulumi.{name}.yaml")) ? StackFiles.Load(baseFolder, name) : null;
    var result = AccessDiff.Compare(before, StackFiles.Load(parse.GetValue(headDir)!.FullName, name));
    Console.Out.Write(AccessDiffReport.Render(result, parse.GetValue(format)));
    return AccessDiffReport.ExitCode(result);
});

var expiryStack = new Argument<string>("stack") { Description = "the stack name" };
var within = new Option<int>("--within") { Description = "warn about credentials expiring within this many days", DefaultValueFactory = _ => 30 };
var expiry = new Command("expiry", "List a stack's credentials by expiry: expired, expiring within --within days, fine. Exit 2 if any expired or expiring, 1 on invalid config.")
{
    expiryStack, project, within, today, format,
};
expiry.SetAction(parse =>
{
    var result = ExpiryReport.Compute(StackFiles.Load(parse.GetValue(project)!.FullName, parse.GetValue(expiryStack)!), parse.GetValue(today), parse.GetValue(within));
    Console.Out.Write(ExpiryReport.Render(result, parse.GetValue(format)));
    return result.ExitCode;
});

var verifyStack = new Argument<string>("stack") { Description = "the stack name" };
var verifyClient = new Option<string?>("--client") { Description = "verify only this client (its key)" };
var verify = new Command("verify", "Check a deployed stack end to end: credentials from Key Vault, a token from the tenant, its signature, aud, scope, gty and azp. Exit 1 on any mismatch. Uses DefaultAzureCredential.")
{
    verifyStack, project, verifyClient,
};
verify.SetAction(async (parse, cancellationToken) =>
{
    var config = StackFiles.Load(parse.GetValue(project)!.FullName, parse.GetValue(verifyStack)!);
    AccessConfig access;
    try
    {
        access = AccessConfigParser.Parse(RawStackConfig.FromMap(config.Project, config.Stack, config.Values, Environment.GetEnvironmentVariable("AUTH0_DOMAIN")));
    }
    catch (ConfigValidationException e)
    {
        Console.Error.Write(ReportFormat.InvalidConfig(config.Project, config.Stack, e.Problems, markdown: false));
        return 1;
    }

    var only = parse.GetValue(verifyClient);
    if (CredentialVerifier.UnknownClient(access, only) is { } unknown)
    {
        Console.Error.WriteLine(unknown);
        return 1;
    }

    using var http = new HttpClient();
    var vault = new SecretClient(new Uri(access.KeyVault.Uri), new DefaultAzureCredential());
    try
    {
        var results = await ProgressDisplay.RunAsync(stderr, $"Verifying {config.Project}/{config.Stack}", progress => new CredentialVerifier(vault, http).VerifyAsync(access, only, progress, cancellationToken)).ConfigureAwait(false);
        Console.Out.Write(VerifyReport.Render(results));
        return results.All(r => r.Ok) ? 0 : 1;
    }
    catch (VerifyAbortedException e)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
});

var previewStack = new Argument<string>("stack") { Description = "the stack name" };
var previewBase = new Option<DirectoryInfo>("--base") { Description = "the folder of the deployed version (e.g. a checkout of the target branch)", Required = true };
var previewHead = new Option<DirectoryInfo>("--head") { Description = "the folder of the proposed version", DefaultValueFactory = _ => new DirectoryInfo(".") };
var preview = new Command("preview", "Tell, offline, what `pulumi up` would do when a stack moves from --base to --head: create, update, replace, delete per resource, and where the real engine would refuse. Exit 3 when it would, 1 on invalid config.")
{
    previewStack, previewBase, previewHead, today, format, details,
};
preview.SetAction(async (parse, _) =>
{
    var name = parse.GetValue(previewStack)!;
    var baseFolder = parse.GetValue(previewBase)!.FullName;
    var before = File.Exists(Path.Combine(baseFolder, $"Pulumi.{name}.yaml")) ? StackFiles.Load(baseFolder, name) : null;
    var result = await OperationsPreview.RunAsync(before, StackFiles.Load(parse.GetValue(previewHead)!.FullName, name), parse.GetValue(today)).ConfigureAwait(false);
    WriteReport(parse.GetValue(format), console => OperationsReport.Write(console, result, parse.GetValue(details)), () => OperationsReport.Render(result, parse.GetValue(format)));
    return OperationsReport.ExitCode(result);
});

var schemaOutput = new Option<FileInfo?>("--output") { Description = $"where to write it; default: {StackConfigSchema.RelativePath} in the --project folder" };
var schemaCheck = new Option<bool>("--check") { Description = "write nothing; exit 1 if the file differs from what would be generated" };
var schema = new Command("schema", "Generate the JSON Schema of the stack files (Pulumi.<stack>.yaml) from the keys the config parser declares, for editors' completion and checks.")
{
    project, schemaOutput, schemaCheck,
};
schema.SetAction(parse =>
{
    var folder = parse.GetValue(project)!.FullName;
    var path = parse.GetValue(schemaOutput)?.FullName ?? Path.Combine(folder, StackConfigSchema.RelativePath);
    var text = StackConfigSchema.Generate(folder);
    if (parse.GetValue(schemaCheck))
    {
        if (File.Exists(path) && File.ReadAllText(path).ReplaceLineEndings("\n") == text)
        {
            Console.Out.WriteLine($"{path} is current.");
            return 0;
        }

        Console.Error.WriteLine($"{path} is stale: run `{StackConfigSchema.Command}` and commit it.");
        return 1;
    }

    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    File.WriteAllText(path, text);
    Console.Out.WriteLine($"Wrote {path}");
    return 0;
});

var audit = AuditCommand.Create(project, format, today, stderr);

var root = new RootCommand("Tools for the Auth0 machine-to-machine access stacks: offline plan, access diff, operations preview and expiry report; verify and audit against a deployed stack; the stack files' JSON Schema.") { plan, diff, preview, expiry, verify, audit, schema };
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
