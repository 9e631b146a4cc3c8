using System.Text.Json.Nodes;
using Infra.Tests.Support;
using Infra.Tool.Review;

namespace Infra.Tests.Tools.Review;

/// <summary>
/// Who approved each grant a stack holds: from access records where the gate left one, else from the stack file's
/// git history (a test repository of the prod stack), with the pull request a merge commit names.
/// </summary>
public sealed class GrantHistoryTests : IDisposable
{
    private static readonly string Prod = StackHarness.StackFileText("prod");

    private readonly StackRepository _repository = new();
    private readonly string _records = Directory.CreateTempSubdirectory("access-records-").FullName;

    public void Dispose()
    {
        _repository.Dispose();
        Directory.Delete(_records, recursive: true);
    }

    private static string WithScope(string text) => text.Replace("          scopes: [orders:read]\n", "          scopes: [orders:read, orders:cancel]\n", StringComparison.Ordinal);

    private void Record(int number, string mergedAt, params JsonObject[] increases)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_records, $"access-record-{number}")).FullName;
        File.WriteAllText(Path.Combine(folder, $"access-record-{number}.json"), new JsonObject
        {
            ["version"] = 1,
            ["repository"] = "acme/access",
            ["pullRequest"] = number,
            ["headSha"] = "6dcb09b5b57875f334f61aebed695e2e4193db5e",
            ["mergeCommit"] = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
            ["mergedAt"] = mergedAt,
            ["author"] = "alice",
            ["increases"] = new JsonArray(increases),
        }.ToJsonString());
    }

    private static JsonObject Increase(string kind, string client, string api, string login, params string[] items) => new()
    {
        ["stack"] = "prod",
        ["api"] = api,
        ["kind"] = kind,
        ["client"] = client,
        ["items"] = new JsonArray([.. items.Select(i => (JsonNode)i)]),
        ["approvedBy"] = new JsonObject { ["login"] = login, ["reviewId"] = 80 },
        ["approval"] = "API owner",
    };

    private Task<ToolRun> Grants(params string[] extra) => ToolInProcess.RunAsync(["grants", "prod", "--project", _repository.Path, "--format", "json", .. extra]);

    private static List<string> Lines(ToolRun run)
        => [.. JsonNode.Parse(run.Output)!["grants"]!.AsArray().Select(g => $"{g!["client"]} {g["api"]} {g["scope"]}: {g["source"]} #{g["pullRequest"]} {g["approvedBy"]} {g["when"]}")];

    [Fact]
    public async Task A_record_names_the_pull_request_and_approver_and_history_covers_the_rest()
    {
        _repository.Commit("Prod stack (#7)", Prod);
        _repository.Commit("Merge pull request #12 from acme/globex-cancel", WithScope(Prod));
        Record(12, "2026-11-04T10:00:00Z", Increase("ScopesAdded", "partner-globex", "orders-api", "ocheng", "orders:cancel"));

        var run = await Grants("--records", _records);
        var lines = Lines(run);

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        Assert.Contains("partner-globex orders-api orders:cancel: record #12 @ocheng 2026-11-04T10:00:00Z", lines);
        // Granted in the first commit, before any record: git knows the commit and its pull request, not who approved it.
        Assert.Contains("partner-globex orders-api orders:read: git #7  2026-11-02T09:00:00Z", lines);
        Assert.Equal(JsonNode.Parse(run.Output)!["grants"]!.AsArray().Count, lines.Distinct().Count());
    }

    [Fact]
    public async Task A_scope_removed_and_granted_again_dates_from_its_second_grant()
    {
        _repository.Commit("Prod stack (#7)", WithScope(Prod));
        _repository.Commit("Globex no longer cancels (#9)", Prod);
        _repository.Commit("Globex cancels again (#11)", WithScope(Prod));

        var lines = Lines(await Grants());

        Assert.Contains("partner-globex orders-api orders:cancel: git #11  2026-11-04T09:00:00Z", lines);
        Assert.Contains("partner-globex orders-api orders:read: git #7  2026-11-02T09:00:00Z", lines);
    }

    [Fact]
    public async Task The_latest_record_of_a_scope_wins_and_a_new_clients_grants_come_from_its_record()
    {
        _repository.Commit("Prod stack", WithScope(Prod));
        // The folders list #12 before #3; the merges happened the other way round, and the later one counts.
        Record(3, "2026-10-01T08:00:00Z", Increase("ClientAdded", "partner-globex", "orders-api", "bkaur", "orders-api: orders:cancel orders:read", "inventory-api: stock:read"));
        Record(12, "2026-10-20T08:00:00Z", Increase("ScopesAdded", "partner-globex", "orders-api", "ocheng", "orders:cancel"));

        var lines = Lines(await Grants("--records", _records, "--no-history"));

        Assert.Contains("partner-globex orders-api orders:read: record #3 @bkaur 2026-10-01T08:00:00Z", lines);
        Assert.Contains("partner-globex orders-api orders:cancel: record #12 @ocheng 2026-10-20T08:00:00Z", lines);
        // By client, API and scope: the order an access review reads them in.
        Assert.Equal(lines.Order(StringComparer.Ordinal), lines);
        Assert.Equal(7, lines.Count);
        // Without history, what no record covers is said to be unknown rather than guessed.
        Assert.Contains(lines, l => l.StartsWith("nightly-reconciler inventory-api stock:read: unknown #", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_markdown_list_says_what_git_cannot_know()
    {
        _repository.Commit("Prod stack (#7)", Prod);

        var run = await ToolInProcess.RunAsync("grants", "prod", "--project", _repository.Path, "--format", "markdown");

        Assert.StartsWith("### Grants of `prod` and who approved them\n\n| client | owner | API | scope | pull request | approved by | when | from |\n", run.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("| `partner-globex` | partnerships@acme.example | `orders-api` | `orders:read` | #7 | not recorded | 2026-11-02T09:00:00Z | commit ", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Grant Globex cancel (#123)", 123)]
    [InlineData("Merge pull request #45 from acme/branch", 45)]
    [InlineData("Fix typo #45 in comment", null)]
    [InlineData("Prod stack", null)]
    public void The_pull_request_is_read_from_githubs_merge_subjects(string subject, int? expected)
    {
        Assert.Equal(expected, GrantHistory.PullRequestOf(subject));
    }

    [Fact]
    public async Task The_text_list_gives_each_scope_its_origin_and_says_what_is_unknown()
    {
        _repository.Commit("Prod stack (#7)", Prod);
        Record(12, "2026-11-04T10:00:00Z", Increase("ScopesAdded", "partner-globex", "orders-api", "ocheng", "orders:read"));
        // Other files of the artifacts' folder are not records.
        File.WriteAllText(Path.Combine(_records, "notes.json"), "[1, 2]");
        File.WriteAllText(Path.Combine(_records, "broken.json"), "{");

        var withHistory = await ToolInProcess.RunAsync("grants", "prod", "--project", _repository.Path, "--records", _records);
        var recordsOnly = await ToolInProcess.RunAsync("grants", "prod", "--project", _repository.Path, "--records", _records, "--no-history");

        Assert.Equal((0, ""), (withHistory.ExitCode, withHistory.Error));
        var lines = withHistory.Output.ReplaceLineEndings("\n").Split('\n');
        Assert.Equal("Grants of stack prod and who approved them:", lines[0]);
        Assert.Contains("  partner-globex (partnerships@acme.example) orders-api orders:read: #12, approved by @ocheng, 2026-11-04T10:00:00Z, access record (a1b2c3d4e5f6)", lines);
        Assert.Contains(lines, l => l.StartsWith("  nightly-reconciler (team-warehouse) inventory-api stock:read: #7, approved by not recorded, 2026-11-02T09:00:00Z, commit ", StringComparison.Ordinal) && l.Length == "  nightly-reconciler (team-warehouse) inventory-api stock:read: #7, approved by not recorded, 2026-11-02T09:00:00Z, commit ".Length + 12);
        Assert.Contains("  nightly-reconciler (team-warehouse) inventory-api stock:read: -, approved by -, -, no record, no history", recordsOnly.Output.ReplaceLineEndings("\n").Split('\n'));
    }

    [Fact]
    public async Task Outside_git_the_command_says_how_to_list_from_the_records_alone_and_invalid_config_is_listed()
    {
        var folder = Directory.CreateTempSubdirectory("grants-no-git-").FullName;
        try
        {
            File.Copy(Path.Combine(StackHarness.RepositoryRoot(), "Pulumi.yaml"), Path.Combine(folder, "Pulumi.yaml"));
            File.WriteAllText(Path.Combine(folder, "Pulumi.prod.yaml"), Prod);
            var noGit = await ToolInProcess.RunAsync("grants", "prod", "--project", folder);
            File.WriteAllText(Path.Combine(folder, "Pulumi.prod.yaml"), Prod.Replace("owner: partnerships@acme.example", "owners: partnerships@acme.example", StringComparison.Ordinal));
            var invalid = await ToolInProcess.RunAsync("grants", "prod", "--project", folder, "--no-history");

            Assert.Equal(1, noGit.ExitCode);
            Assert.EndsWith(" Or pass --no-history to list from the records alone.\n", noGit.Error, StringComparison.Ordinal);
            Assert.Equal(1, invalid.ExitCode);
            Assert.StartsWith("Stack infra/prod: 2 config problem(s); nothing would be deployed.", invalid.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Records_of_another_version_or_without_a_client_or_kind_are_skipped_and_an_environments_approval_is_named()
    {
        _repository.Commit("The project alone", ("README.md", "Access stacks\n"));
        _repository.Commit("Prod stack (#7)", Prod);
        Record(20, "2026-11-10T08:00:00Z", Increase("ScopesAdded", "partner-globex", "orders-api", "ocheng", "orders:read"));
        File.WriteAllText(Path.Combine(_records, "access-record-20", "access-record-20.json"), File.ReadAllText(Path.Combine(_records, "access-record-20", "access-record-20.json")).Replace("\"version\":1", "\"version\":2", StringComparison.Ordinal));
        var environment = Increase("ScopesAdded", "nightly-reconciler", "inventory-api", "x", "stock:read");
        environment.Remove("approvedBy");
        environment["approval"] = "access-review environment";
        var noClient = Increase("ScopesAdded", "nightly-reconciler", "inventory-api", "mallory", "stock:adjust");
        noClient.Remove("client");
        var unknownKind = Increase("Granted", "nightly-reconciler", "inventory-api", "mallory", "stock:adjust");
        Record(21, "2026-11-11T08:00:00Z", environment, noClient, unknownKind);

        var run = await Grants("--records", _records);
        var lines = Lines(run);

        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        // Version 2 is not this reader's: the scope dates from its commit instead; the stack file appeared in the second.
        Assert.Contains("partner-globex orders-api orders:read: git #7  2026-11-03T09:00:00Z", lines);
        Assert.Contains("nightly-reconciler inventory-api stock:read: record #21 access-review environment 2026-11-11T08:00:00Z", lines);
        Assert.Contains("nightly-reconciler inventory-api stock:adjust: git #7  2026-11-03T09:00:00Z", lines);
        Assert.Equal("prod", (string)JsonNode.Parse(run.Output)!["stack"]!);
    }
}
