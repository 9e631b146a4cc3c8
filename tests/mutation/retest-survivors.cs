#:package System.CommandLine
// Re-tests the mutants a Stryker.NET run reported as survived or not covered, one at a time, each in a fresh build
// and a fresh test process: the mutant is written into the source, the solution's test project is built and run, and
// the source is restored.
//
// Why: Stryker.NET activates mutants in one long-lived test host, so a mutant in a static initializer (a static
// field or property initializer, a static constructor) runs only if its class had not been initialized yet in that
// host, which it almost always has: such mutants are reported as survived whatever the tests do
// (stryker-mutator/stryker-net#3742, #1606). A fresh process per mutant has no such blind spot.
//
//   dotnet run tests/mutation/retest-survivors.cs -- --report <mutation-report.json> --file DeployPermissions.cs \
//       --filter "FullyQualifiedName~Permissions" --out survivors-retested.json
//
// A mutant is killed when the test run fails, survived when it passes, and a compile error when the build fails (not
// counted, as Stryker does). With --filter only those tests run: a survivor there may still be killed by another test,
// so a filtered run can only under-count kills.
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

var reportOption = new Option<FileInfo>("--report") { Description = "Stryker.NET's mutation-report.json", Required = true };
var repoOption = new Option<DirectoryInfo>("--repo") { Description = "the repository to mutate (default: the current folder)", DefaultValueFactory = _ => new DirectoryInfo(".") };
var fileOption = new Option<string[]>("--file") { Description = "only mutants in files whose path ends with this (repeatable; default: every file)", AllowMultipleArgumentsPerToken = true };
var filterOption = new Option<string?>("--filter") { Description = "a dotnet test --filter expression; default: the whole suite" };
var outOption = new Option<FileInfo?>("--out") { Description = "write the results as JSON here" };
var root = new RootCommand("Re-test Stryker.NET's survivors (and mutants it found not covered) one by one, each in a fresh build and test process.")
{
    reportOption, repoOption, fileOption, filterOption, outOption,
};
root.SetAction(parse => Run(
    parse.GetValue(reportOption)!,
    parse.GetValue(repoOption)!,
    parse.GetValue(fileOption) ?? [],
    parse.GetValue(filterOption),
    parse.GetValue(outOption)));
return await root.Parse(args).InvokeAsync();

static int Run(FileInfo reportFile, DirectoryInfo repo, string[] files, string? filter, FileInfo? outFile)
{
    var report = JsonNode.Parse(File.ReadAllText(reportFile.FullName))!.AsObject();
    // The report names files by their absolute path in the clone Stryker ran in; projectRoot is the mutated project's
    // folder there (infra, or tools/AccessTool). That clone's root is the nearest folder above it from which the
    // project's path leads to the same project in this repository.
    var projectRoot = Path.TrimEndingDirectorySeparator((string)report["projectRoot"]!);
    var reportRepo = Path.GetDirectoryName(projectRoot)!;
    while (!Directory.Exists(Path.Combine(repo.FullName, Path.GetRelativePath(reportRepo, projectRoot)))
        || Directory.GetFiles(Path.Combine(repo.FullName, Path.GetRelativePath(reportRepo, projectRoot)), "*.csproj").Length == 0)
    {
        reportRepo = Path.GetDirectoryName(reportRepo) ?? throw new InvalidOperationException($"No folder of {repo.FullName} holds the report's project {projectRoot}.");
    }
    var testProject = Path.Combine(repo.FullName, "tests", "Infra.Tests", "Infra.Tests.csproj");
    var results = new List<JsonObject>();

    foreach (var (path, entry) in report["files"]!.AsObject())
    {
        var relative = Path.GetRelativePath(reportRepo, path);
        if (files.Length > 0 && !files.Any(f => relative.Replace('\\', '/').EndsWith(f, StringComparison.Ordinal)))
        {
            continue;
        }

        var sourcePath = Path.Combine(repo.FullName, relative);
        var original = File.ReadAllText(sourcePath);
        var reported = (string)entry!["source"]!;

        foreach (var mutant in entry["mutants"]!.AsArray().Select(m => m!.AsObject()).Where(m => (string)m["status"]! is "Survived" or "NoCoverage"))
        {
            var shift = LineShift(reported, original, mutant);
            if (shift is null)
            {
                Console.Error.WriteLine($"{relative}:{mutant["location"]!["start"]!["line"]}: the mutated lines are not in the source any more (or not once); skipped.");
                continue;
            }

            var status = "CompileError";
            try
            {
                File.WriteAllText(sourcePath, Apply(original, mutant, shift.Value));
                if (Exec("dotnet", ["build", testProject, "-c", "Debug", "--nologo", "-v", "q"]) == 0)
                {
                    string[] test = ["test", testProject, "--no-build", "-c", "Debug", "--nologo", "-v", "q"];
                    status = Exec("dotnet", filter is null ? test : [.. test, "--filter", filter]) == 0 ? "Survived" : "Killed";
                }
            }
            finally
            {
                File.WriteAllText(sourcePath, original);
            }

            var line = (int)mutant["location"]!["start"]!["line"]!;
            Console.WriteLine($"{status,-12} {relative}:{line} [{mutant["mutatorName"]}] -> {mutant["replacement"]}");
            results.Add(new JsonObject
            {
                ["file"] = relative.Replace('\\', '/'),
                ["line"] = line,
                ["id"] = (string)mutant["id"]!,
                ["mutator"] = (string)mutant["mutatorName"]!,
                ["replacement"] = (string?)mutant["replacement"],
                ["status"] = status,
            });
        }
    }

    var counts = results.GroupBy(r => (string)r["status"]!).ToDictionary(g => g.Key, g => g.Count());
    Console.WriteLine($"Re-tested {results.Count}: {string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Value} {c.Key.ToLowerInvariant()}"))}.");
    if (outFile is not null)
    {
        File.WriteAllText(outFile.FullName, new JsonArray([.. results]).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    return 0;
}

// Where the mutated lines moved since the report (files may change after a run, e.g. by the tests' own commits): the
// lines the mutant spans must occur exactly once in the current source; null when they do not.
static int? LineShift(string reported, string current, JsonObject mutant)
{
    var (first, last) = ((int)mutant["location"]!["start"]!["line"]!, (int)mutant["location"]!["end"]!["line"]!);
    var block = reported.Split('\n')[(first - 1)..last];
    var lines = current.Split('\n');
    var found = Enumerable.Range(0, lines.Length - block.Length + 1).Where(i => lines.AsSpan(i, block.Length).SequenceEqual(block)).Take(2).ToList();
    return found.Count == 1 ? found[0] - (first - 1) : null;
}

// Locations are 1-based lines and columns, the end exclusive (mutation-testing-elements' report schema).
static string Apply(string source, JsonObject mutant, int shift)
{
    var lines = source.Split('\n');
    int Offset(JsonNode at) => lines.Take((int)at["line"]! - 1 + shift).Sum(l => l.Length + 1) + (int)at["column"]! - 1;
    var start = Offset(mutant["location"]!["start"]!);
    var end = Offset(mutant["location"]!["end"]!);
    return string.Concat(source.AsSpan(0, start), (string?)mutant["replacement"] ?? "", source.AsSpan(end));
}

static int Exec(string fileName, string[] arguments)
{
    var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

    using var process = Process.Start(start)!;
    // Drained, not shown: a failing mutant's test output would bury the summary.
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEndAsync();
    process.WaitForExit();
    Task.WaitAll(stdout, stderr);
    return process.ExitCode;
}
