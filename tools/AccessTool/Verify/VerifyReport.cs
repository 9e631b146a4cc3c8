using System.Text;

namespace Infra.Tool.Verify;

/// <summary>Writes verification results, one line per client and API.</summary>
public static class VerifyReport
{
    /// <summary>Renders <paramref name="results"/> as text, failures first.</summary>
    public static string Render(IReadOnlyList<VerifiedGrant> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var text = new StringBuilder();
        foreach (var result in results.OrderBy(r => r.Ok).ThenBy(r => r.Client, StringComparer.Ordinal).ThenBy(r => r.Api, StringComparer.Ordinal))
        {
            text.AppendLine(result.Ok
                ? $"ok    {result.Client} → {result.Api}"
                : $"FAIL  {result.Client} → {result.Api}: {string.Join("; ", result.Problems)}");
        }

        text.AppendLine($"{results.Count(r => r.Ok)} of {results.Count} grants verified");
        return text.ToString();
    }
}
