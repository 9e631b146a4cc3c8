using Infra.Config;
using Infra.Tests.Support;
using Infra.Tool;
using Infra.Tool.Audit;
using Infra.Tool.Diff;
using Infra.Tool.Expiry;
using Infra.Tool.Plan;
using Infra.Tool.Preview;
using Infra.Tool.Rendering;
using Infra.Tool.Verify;

namespace Infra.Tests;

/// <summary>The public entry points of the config model and the tools refuse null at once, naming the argument, instead of failing later inside.</summary>
public class NullArgumentTests
{
    private static readonly KeyVaultTarget Vault = new("kv-acme", "rg-acme", "m2m");

    public static TheoryData<string> Calls => [.. EntryPoints.Keys];

    private static readonly Dictionary<string, (string Parameter, Action Call)> EntryPoints = new()
    {
        ["RawStackConfig.FromMap"] = ("config", () => RawStackConfig.FromMap("infra", "dev", null!)),
        ["AccessConfigParser.Parse"] = ("raw", () => AccessConfigParser.Parse(null!)),
        ["AccessConfigValidator.Warnings"] = ("config", () => AccessConfigValidator.Warnings(null!, "infra", new DateOnly(2026, 11, 28))),
        ["StackCapacity.Of"] = ("config", () => StackCapacity.Of(null!)),
        ["ConsumerSecretLayout.SecretName(vault, client)"] = ("vault", () => ConsumerSecretLayout.SecretName(null!, new M2MClientDefinition("k", "n", "d", "o", []))),
        ["ConsumerSecretLayout.SecretName(vault, null client)"] = ("client", () => ConsumerSecretLayout.SecretName(Vault, (M2MClientDefinition)null!)),
        ["ConsumerSecretLayout.SecretName(vault, key)"] = ("vault", () => ConsumerSecretLayout.SecretName(null!, "k")),
        ["AccessDiff.Compare(stack files)"] = ("head", () => AccessDiff.Compare(null, (StackConfig)null!)),
        ["AccessDiff.Compare(configs)"] = ("after", () => AccessDiff.Compare(null, (AccessConfig)null!)),
        ["AccessDiffReport.ExitCode"] = ("diff", () => AccessDiffReport.ExitCode(null!)),
        ["AccessDiffReport.Render"] = ("diff", () => AccessDiffReport.Render(null!, OutputFormat.Text)),
        ["AccessDiffReport.Describe"] = ("change", () => AccessDiffReport.Describe(null!)),
        ["ExpiryReport.Compute"] = ("config", () => ExpiryReport.Compute(null!, new DateOnly(2026, 11, 28), 30)),
        ["ExpiryReport.Render"] = ("report", () => ExpiryReport.Render(null!, OutputFormat.Text)),
        ["AuditComparison.ExpectedMetadata"] = ("client", () => AuditComparison.ExpectedMetadata(null!, "infra", "dev")),
        ["AuditComparison.Compare(null access)"] = ("access", () => AuditComparison.Compare(null!, "infra", "dev", new TenantSnapshot([], [], []))),
        ["AuditComparison.Compare(null tenant)"] = ("tenant", () => AuditComparison.Compare(Dev, "infra", "dev", null!)),
        ["TenantAudit.RunAsync(null stack file)"] = ("config", () => TenantAudit.RunAsync((StackConfig)null!, null, Options).GetAwaiter().GetResult()),
        ["TenantAudit.RunAsync(stack file, null options)"] = ("options", () => TenantAudit.RunAsync(StackHarness.StackFile(), null, null!).GetAwaiter().GetResult()),
        ["TenantAudit.RunAsync(null config)"] = ("access", () => TenantAudit.RunAsync(null!, "infra", "dev", Credentials, Options).GetAwaiter().GetResult()),
        ["TenantAudit.RunAsync(null credentials)"] = ("credentials", () => TenantAudit.RunAsync(Dev, "infra", "dev", null!, Options).GetAwaiter().GetResult()),
        ["TenantAudit.RunAsync(null options)"] = ("options", () => TenantAudit.RunAsync(Dev, "infra", "dev", Credentials, null!).GetAwaiter().GetResult()),
        ["TenantAudit.RunAsync(null environment)"] = ("environment", () => TenantAudit.RunAsync((Infra.Tool.Environments.EnvironmentCheckResult)null!, Credentials, Options).GetAwaiter().GetResult()),
        ["TenantAudit.RunAsync(environment, null options)"] = ("options", () => TenantAudit.RunAsync(Staging, Credentials, null!).GetAwaiter().GetResult()),
        ["ProjectStacks.Group"] = ("stacks", () => Infra.Tool.Environments.ProjectStacks.Group(null!)),
        ["ProjectStacks.CatalogueOf"] = ("stack", () => Infra.Tool.Environments.ProjectStacks.CatalogueOf(null!)),
        ["ProjectStacks.Path"] = ("stack", () => Infra.Tool.Environments.ProjectStacks.Path(null!, "infra:clients")),
        ["EnvironmentCheck.Run(null environment)"] = ("environment", () => Infra.Tool.Environments.EnvironmentCheck.Run(null!, StackHarness.StackFile(), null)),
        ["EnvironmentCheck.Run(null defaults)"] = ("projectDefaults", () => Infra.Tool.Environments.EnvironmentCheck.Run(new("dev", StackHarness.StackFile(), []), null!, null)),
        ["AffectedStacks.Between"] = ("head", () => Infra.Tool.Environments.AffectedStacks.Between(".", ".", null!)),
        ["ClientMove.Between(null before)"] = ("before", () => Infra.Tool.Environments.ClientMove.Between(null!, Layout)),
        ["ClientMove.Between(null after)"] = ("after", () => Infra.Tool.Environments.ClientMove.Between(Layout, null!)),
        ["ClientMove.BaseAfterMoves(null head)"] = ("head", () => Infra.Tool.Environments.ClientMove.BaseAfterMoves("dev", null, null!, Layout, [])),
        ["ClientMove.BaseAfterMoves(null before)"] = ("before", () => Infra.Tool.Environments.ClientMove.BaseAfterMoves("dev", null, StackHarness.StackFile(), null!, [])),
        ["ClientMove.BaseAfterMoves(null moves)"] = ("moves", () => Infra.Tool.Environments.ClientMove.BaseAfterMoves("dev", null, StackHarness.StackFile(), Layout, null!)),
        ["EnvironmentsReport.Render"] = ("result", () => Infra.Tool.Environments.EnvironmentsReport.Render(null!, OutputFormat.Text)),
        ["ApprovalPlan.For"] = ("stacks", () => Infra.Tool.Review.ApprovalPlan.For(null!)),
        ["ReviewGate.EvaluateAsync(null approvals)"] = ("approvals", () => Infra.Tool.Review.ReviewGate.EvaluateAsync(null!, "sha", "alice", NoReviews).GetAwaiter().GetResult()),
        ["ReviewGate.EvaluateAsync(null head)"] = ("headSha", () => Infra.Tool.Review.ReviewGate.EvaluateAsync([], null!, "alice", NoReviews).GetAwaiter().GetResult()),
        ["ReviewGate.EvaluateAsync(null author)"] = ("author", () => Infra.Tool.Review.ReviewGate.EvaluateAsync([], "sha", null!, NoReviews).GetAwaiter().GetResult()),
        ["ReviewGate.EvaluateAsync(null source)"] = ("source", () => Infra.Tool.Review.ReviewGate.EvaluateAsync([], "sha", "alice", null!).GetAwaiter().GetResult()),
        ["ReviewGateReport.Render"] = ("result", () => Infra.Tool.Review.ReviewGateReport.Render(null!, OutputFormat.Text)),
        ["ReviewGateReport.Standing(null decision)"] = ("decision", () => Infra.Tool.Review.ReviewGateReport.Standing(null!, "sha")),
        ["AccessRecord.Create(null result)"] = ("result", () => Infra.Tool.Review.AccessRecord.Create(null!, new("acme/access", 1, "sha", DateTimeOffset.UnixEpoch))),
        ["AccessRecord.Create(null pull request)"] = ("pullRequest", () => Infra.Tool.Review.AccessRecord.Create(new("sha", "alice", []), null!)),
        ["GitHubReviews(null url)"] = ("apiUrl", () => new Infra.Tool.Review.GitHubReviews(null!, "t", false, "acme/access", 1)),
        ["GitHubReviews(null token)"] = ("token", () => new Infra.Tool.Review.GitHubReviews(new Uri("http://127.0.0.1:9/"), null!, false, "acme/access", 1)),
        ["GrantHistory.For(null stack)"] = ("stack", () => Infra.Tool.Review.GrantHistory.For(Dev, null!, [], null, "HEAD")),
        ["GrantHistory.For(null upTo)"] = ("upTo", () => Infra.Tool.Review.GrantHistory.For(Dev, "dev", [], null, null!)),
        ["GrantsCommand.Create(null project)"] = ("project", () => Infra.Tool.Review.GrantsCommand.Create(null!, new System.CommandLine.Option<OutputFormat>("--format"))),
        ["GrantsCommand.Create(null format)"] = ("format", () => Infra.Tool.Review.GrantsCommand.Create(new System.CommandLine.Option<DirectoryInfo>("--project"), null!)),
        ["GrantsCommand.Render(null stack)"] = ("stack", () => Infra.Tool.Review.GrantsCommand.Render(null!, [], OutputFormat.Text)),
        ["ReviewGateCommand.Create(null head)"] = ("head", () => Infra.Tool.Review.ReviewGateCommand.Create(null!, new System.CommandLine.Option<OutputFormat>("--format"))),
        ["ReviewGateCommand.Create(null format)"] = ("format", () => Infra.Tool.Review.ReviewGateCommand.Create(new System.CommandLine.Option<DirectoryInfo>("--head"), null!)),
        ["ReviewGateReport.Standing(null head)"] = ("headSha", () => Infra.Tool.Review.ReviewGateReport.Standing(new(new("orders-api", [], []), Infra.Tool.Review.ApprovalState.NoOwners, null, []), null!)),
        ["GitHubReviews(null repository)"] = ("repository", () => new Infra.Tool.Review.GitHubReviews(new Uri("http://127.0.0.1:9/"), "t", false, null!, 1)),
        ["GrantHistory.For(null head)"] = ("head", () => Infra.Tool.Review.GrantHistory.For(null!, "dev", [], null, "HEAD")),
        ["GrantHistory.For(null records)"] = ("records", () => Infra.Tool.Review.GrantHistory.For(Dev, "dev", null!, null, "HEAD")),
        ["GrantHistory.PullRequestOf"] = ("subject", () => Infra.Tool.Review.GrantHistory.PullRequestOf(null!)),
        ["GrantsCommand.Render"] = ("origins", () => Infra.Tool.Review.GrantsCommand.Render("dev", null!, OutputFormat.Text)),
        ["TenantAudit.Classify"] = ("window", () => TenantAudit.Classify(null, null, false, null!, new DateOnly(2026, 11, 28))),
        ["AuditReport.Render"] = ("result", () => AuditReport.Render(null!, OutputFormat.Text)),
        ["AuditReport.Caveat"] = ("window", () => AuditReport.Caveat(null!)),
        ["TenantReader.ReadAsync"] = ("access", () => Reader().ReadAsync(null!, null, default).GetAwaiter().GetResult()),
        ["TenantReader.ReadLastUseAsync"] = ("clientIds", () => Reader().ReadLastUseAsync(null!, new DateOnly(2026, 11, 28), null, default).GetAwaiter().GetResult()),
        ["CredentialVerifier.UnknownClient"] = ("access", () => CredentialVerifier.UnknownClient(null!, null)),
        ["CredentialVerifier.VerifyAsync"] = ("access", () => new CredentialVerifier(new Moq.Mock<Azure.Security.KeyVault.Secrets.SecretClient>(Moq.MockBehavior.Strict).Object, new HttpClient()).VerifyAsync(null!).GetAwaiter().GetResult()),
        ["VerifyReport.Render"] = ("results", () => Infra.Tool.Verify.VerifyReport.Render(null!)),
        ["AccessToolCommand.Create(null folder)"] = ("currentDirectory", () => AccessToolCommand.Create(null!, ReportConsole.Plain(TextWriter.Null), VerifyConnections.Azure)),
        ["AccessToolCommand.Create(null console)"] = ("progressConsole", () => AccessToolCommand.Create(".", null!, VerifyConnections.Azure)),
        ["AccessToolCommand.Create(null connections)"] = ("verifyConnections", () => AccessToolCommand.Create(".", ReportConsole.Plain(TextWriter.Null), null!)),
        ["StackConfigSchema.Generate(null namespace)"] = ("ns", () => Infra.Tool.Schema.StackConfigSchema.Generate(null!, new HashSet<string>())),
        ["StackConfigSchema.Generate(null values)"] = ("projectValues", () => Infra.Tool.Schema.StackConfigSchema.Generate("infra", null!)),
        ["OfflinePlan.RunAsync"] = ("config", () => OfflinePlan.RunAsync(null!, new DateOnly(2026, 11, 28)).GetAwaiter().GetResult()),
        ["PlanReport.Render"] = ("plan", () => PlanReport.Render(null!, OutputFormat.Text)),
        ["PlanReport.Write(null console)"] = ("console", () => PlanReport.Write(null!, EmptyPlan)),
        ["PlanReport.Write(null plan)"] = ("plan", () => PlanReport.Write(ReportConsole.Plain(TextWriter.Null), null!)),
        ["PlanReport.Capacity"] = ("config", () => PlanReport.Capacity(null!, "infra")),
        ["PlanMocks.NewResourceAsync"] = ("args", () => new PlanMocks().NewResourceAsync(null!).GetAwaiter().GetResult()),
        ["PlanMocks.CallAsync"] = ("args", () => new PlanMocks().CallAsync(null!).GetAwaiter().GetResult()),
        ["OperationsPreview.RunAsync"] = ("after", () => OperationsPreview.RunAsync(null, null!, new DateOnly(2026, 11, 28)).GetAwaiter().GetResult()),
        ["OperationsPreview.Compare"] = ("after", () => OperationsPreview.Compare(null, null!, new DateOnly(2026, 11, 28))),
        ["OperationsPreview.Dependencies"] = ("plan", () => OperationsPreview.Dependencies(null!)),
        ["OperationsReport.ExitCode"] = ("preview", () => OperationsReport.ExitCode(null!)),
        ["OperationsReport.Render"] = ("preview", () => OperationsReport.Render(null!, OutputFormat.Text)),
        ["OperationsReport.Summary"] = ("preview", () => OperationsReport.Summary(null!)),
        ["OperationsReport.Write(null console)"] = ("console", () => OperationsReport.Write(null!, EmptyPreview)),
        ["OperationsReport.Write(null preview)"] = ("preview", () => OperationsReport.Write(ReportConsole.Plain(TextWriter.Null), null!)),
        ["ReplacementRules.For"] = ("type", () => ReplacementRules.For(null!)),
        ["DeployGate.RunAsync(null history)"] = ("history", () => Infra.Tool.Deploy.DeployGate.RunAsync(null!, "prod", null, "HEAD", new DateOnly(2026, 11, 28)).GetAwaiter().GetResult()),
        ["DeployGate.RunAsync(null stack)"] = ("stack", () => WithHistory(h => Infra.Tool.Deploy.DeployGate.RunAsync(h, null!, null, "HEAD", new DateOnly(2026, 11, 28)).GetAwaiter().GetResult())),
        ["DeployGate.RunAsync(null target)"] = ("target", () => WithHistory(h => Infra.Tool.Deploy.DeployGate.RunAsync(h, "prod", null, null!, new DateOnly(2026, 11, 28)).GetAwaiter().GetResult())),
        ["DeployGateReport.Render"] = ("result", () => Infra.Tool.Deploy.DeployGateReport.Render(null!, OutputFormat.Text)),
        ["DeployGateReport.Steps"] = ("result", () => Infra.Tool.Deploy.DeployGateReport.Steps(null!)),
        ["StackHistory(null folder)"] = ("projectDirectory", () => new Infra.Tool.Deploy.StackHistory(null!).Dispose()),
        ["StackHistory.Resolve"] = ("revision", () => WithHistory(h => h.Resolve(null!))),
        ["StackFiles.Parse"] = ("projectText", () => StackFiles.Parse(null!, null, "dev")),
        ["InputDisplay.Summary"] = ("inputs", () => InputDisplay.Summary("azure-native:keyvault:Vault", null!, new HashSet<string>())),
        ["InputDisplay.Details"] = ("inputs", () => InputDisplay.Details(null!, new HashSet<string>()).ToList()),
        ["ProgressDisplay.Shows"] = ("console", () => ProgressDisplay.Shows(null!)),
        ["ProgressDisplay.RunAsync(null console)"] = ("console", () => ProgressDisplay.RunAsync(null!, "t", _ => Task.FromResult(0)).GetAwaiter().GetResult()),
        ["ProgressDisplay.RunAsync(null work)"] = ("work", () => ProgressDisplay.RunAsync<int>(ReportConsole.Plain(TextWriter.Null), "t", null!).GetAwaiter().GetResult()),
        ["ReportConsole.PlainText"] = ("write", () => ReportConsole.PlainText(null!)),
        ["ReportConsole.Guide"] = ("console", () => ReportConsole.Guide(null!)),
        ["ReportConsole.Arrow"] = ("console", () => ReportConsole.Arrow(null!)),
    };

    private static PlanResult EmptyPlan => new("infra", "dev", [], [], []);

    /// <summary>Calls <paramref name="call"/> with the history of this repository's own checkout.</summary>
    private static void WithHistory(Action<Infra.Tool.Deploy.StackHistory> call)
    {
        using var history = new Infra.Tool.Deploy.StackHistory(StackHarness.RepositoryRoot());
        call(history);
    }

    private static OperationsPreviewResult EmptyPreview => new("infra", "dev", [], [], []);

    private static AccessConfig Dev => AccessConfigParser.Parse(RawStackConfig.FromMap(StackHarness.Project, "dev", StackHarness.StackConfig()));

    private static AuditCredentials Credentials => new("id", "secret");

    // A review source no test call reaches: each refuses its argument first.
    private static Infra.Tool.Review.IReviewSource NoReviews => new Moq.Mock<Infra.Tool.Review.IReviewSource>(Moq.MockBehavior.Strict).Object;

    private static Infra.Tool.Environments.ProjectStacks Layout => Infra.Tool.Environments.ProjectStacks.Load(StackHarness.RepositoryRoot());

    private static Infra.Tool.Environments.EnvironmentCheckResult Staging
        => Infra.Tool.Environments.EnvironmentCheck.Run(Layout.Environments.Single(e => e.Name == "staging"), StackFiles.ProjectDefaults(StackHarness.RepositoryRoot()), null);

    // A tenant nobody listens at: every call above must refuse its argument before sending anything.
    private static AuditOptions Options => new(new DateOnly(2026, 11, 28), new Uri("http://127.0.0.1:9/"));

    private static TenantReader Reader()
    {
        var api = new Uri("http://127.0.0.1:9/api/v2/");
        var connection = new Auth0.ManagementApi.HttpClientManagementConnection();
        return new TenantReader(new Auth0.ManagementApi.ManagementApiClient("token", api, connection), connection, api, "token");
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public void A_null_argument_is_refused_by_name(string entryPoint)
    {
        var (parameter, call) = EntryPoints[entryPoint];

        Assert.Equal(parameter, Assert.Throws<ArgumentNullException>(call).ParamName);
    }
}
