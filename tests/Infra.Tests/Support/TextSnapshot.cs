namespace Infra.Tests.Support;

/// <summary>
/// Compares a report with its committed expected text under tests/Infra.Tests/Tools/Snapshots, exactly. With
/// UPDATE_SNAPSHOTS=1 in the environment it writes the text there instead, for review in the diff.
/// </summary>
internal static class TextSnapshot
{
    public static string PathOf(string name) => Path.Combine(StackHarness.RepositoryRoot(), "tests", "Infra.Tests", "Tools", "Snapshots", name);

    public static void AssertMatches(string name, string actual)
    {
        var path = PathOf(name);
        actual = actual.ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        const string update = "If the change is intended, run `UPDATE_SNAPSHOTS=1 dotnet test Infra.sln --filter SnapshotTests` and review the diff.";
        if (!File.Exists(path))
        {
            throw new Xunit.Sdk.XunitException($"No snapshot {path}. {update}");
        }

        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (expected == actual)
        {
            return;
        }

        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        var line = Enumerable.Range(0, Math.Min(expectedLines.Length, actualLines.Length)).FirstOrDefault(i => expectedLines[i] != actualLines[i], Math.Min(expectedLines.Length, actualLines.Length));
        throw new Xunit.Sdk.XunitException(
            $"{name} differs from the snapshot at line {line + 1}:\n"
            + $"  expected: {(line < expectedLines.Length ? expectedLines[line] : "(end of file)")}\n"
            + $"  actual:   {(line < actualLines.Length ? actualLines[line] : "(end of output)")}\n"
            + update);
    }
}
