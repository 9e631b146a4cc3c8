using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Infra.Config;
using Infra.Tool.Deploy;
using Infra.Tool.Diff;

namespace Infra.Tool.Review;

/// <summary>Where one scope a client holds today came from.</summary>
/// <param name="Client">The client's key.</param>
/// <param name="ClientOwner">Its owner.</param>
/// <param name="Api">The API's key.</param>
/// <param name="Scope">The scope.</param>
/// <param name="Source">"record" (an access record), "git" (the stack file's history, no approver known) or "unknown".</param>
/// <param name="PullRequest">The pull request that introduced it, where known.</param>
/// <param name="Commit">The merge commit (a record) or the commit (git) that introduced it.</param>
/// <param name="ApprovedBy">Who approved it (records only).</param>
/// <param name="When">When it merged (a record) or was committed (git), UTC.</param>
public sealed record GrantOrigin(string Client, string ClientOwner, string Api, string Scope, string Source, int? PullRequest, string? Commit, string? ApprovedBy, string? When);

/// <summary>
/// Every scope a stack grants today with the pull request and approver that introduced it: from the access records
/// (the latest that added it, as a scope removed and granted again was approved again), else from the first commit
/// of the stack file's history since which the client has held it.
/// </summary>
public static partial class GrantHistory
{
    /// <summary>The origins of every scope <paramref name="head"/> grants, sorted by client, API and scope.</summary>
    /// <param name="head">The stack as it is.</param>
    /// <param name="stack">Its name, as records and history name it.</param>
    /// <param name="records">Access records (format version 1) of any stacks; the others are ignored.</param>
    /// <param name="history">The repository's history, for scopes no record covers; null to use records only.</param>
    /// <param name="upTo">The commit whose history counts, such as HEAD.</param>
    public static IReadOnlyList<GrantOrigin> For(AccessConfig head, string stack, IEnumerable<JsonObject> records, StackHistory? history, string upTo)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(upTo);
        var renames = head.Clients.SelectMany(c => c.PreviousKeys.Select(p => (Old: p, New: c.Key))).ToDictionary(r => r.Old, r => r.New, StringComparer.Ordinal);
        var fromRecords = FromRecords(records, stack, renames);
        var fromGit = history is null ? [] : FromGit(history, stack, upTo, renames);
        var origins = new List<GrantOrigin>();
        foreach (var client in head.Clients.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            foreach (var grant in client.Grants.OrderBy(g => g.ApiKey, StringComparer.Ordinal))
            {
                foreach (var scope in grant.Scopes.Order(StringComparer.Ordinal))
                {
                    var key = (client.Key, grant.ApiKey, scope);
                    origins.Add(fromRecords.TryGetValue(key, out var recorded) ? recorded with { ClientOwner = client.Owner }
                        : fromGit.TryGetValue(key, out var committed) ? committed with { ClientOwner = client.Owner }
                        : new GrantOrigin(client.Key, client.Owner, grant.ApiKey, scope, "unknown", null, null, null, null));
                }
            }
        }

        return origins;
    }

    private static Dictionary<(string, string, string), GrantOrigin> FromRecords(IEnumerable<JsonObject> records, string stack, Dictionary<string, string> renames)
    {
        var origins = new Dictionary<(string, string, string), GrantOrigin>();
        var ordered = records
            .Where(r => r["version"]?.GetValueKind() == JsonValueKind.Number && (int)r["version"]! == AccessRecord.Version)
            .OrderBy(r => (string?)r["mergedAt"], StringComparer.Ordinal)
            .ThenBy(r => (int?)r["pullRequest"]);
        foreach (var record in ordered)
        {
            foreach (var increase in (record["increases"] as JsonArray ?? []).OfType<JsonObject>().Where(i => (string?)i["stack"] == stack))
            {
                // Plain checks, one at a time: Stryker's mutants of a combined pattern break definite assignment,
                // and it then drops every mutant of the method (as in AccessConfigValidator).
                var client = (string?)increase["client"];
                if (client is null)
                {
                    continue;
                }

                if (!Enum.TryParse((string?)increase["kind"], out ChangeKind kind))
                {
                    continue;
                }

                client = renames.GetValueOrDefault(client, client);
                var items = (increase["items"] as JsonArray ?? []).Select(i => (string?)i).OfType<string>().ToList();
                // A new client's items are its grants, "api: scope scope"; a grant's and added scopes' are scopes of its API.
                var scopes = kind switch
                {
                    ChangeKind.ClientAdded => items.Select(i => i.Split(": ", 2)).Where(p => p.Length == 2 && p[0] == (string?)increase["api"]).SelectMany(p => p[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)),
                    ChangeKind.GrantAdded or ChangeKind.ScopesAdded => items,
                    _ => [],
                };
                var approver = (string?)increase["approvedBy"]?["login"];
                foreach (var scope in scopes)
                {
                    origins[(client, (string)increase["api"]!, scope)] = new GrantOrigin(
                        client, "", (string)increase["api"]!, scope, "record", (int?)record["pullRequest"], (string?)record["mergeCommit"],
                        approver is null ? (string?)increase["approval"] : "@" + approver, (string?)record["mergedAt"]);
                }
            }
        }

        return origins;
    }

    // Walks the first-parent history oldest first: a scope's origin is the commit since which it has been granted.
    private static Dictionary<(string, string, string), GrantOrigin> FromGit(StackHistory history, string stack, string upTo, Dictionary<string, string> renames)
    {
        var origins = new Dictionary<(string, string, string), GrantOrigin>();
        foreach (var commit in history.CommitsBetween(null, history.Resolve(upTo)))
        {
            var config = history.At(commit, stack);
            var access = config is null ? null : Parse(config);
            if (access is null)
            {
                continue;
            }

            var now = access.Clients.SelectMany(c => c.Grants.SelectMany(g => g.Scopes.Select(s => (renames.GetValueOrDefault(c.Key, c.Key), g.ApiKey, s)))).ToHashSet();
            foreach (var gone in origins.Keys.Where(k => !now.Contains(k)).ToList())
            {
                origins.Remove(gone);
            }

            var (_, when, subject) = history.Describe(commit);
            foreach (var key in now.Where(k => !origins.ContainsKey(k)))
            {
                origins[key] = new GrantOrigin(key.Item1, "", key.ApiKey, key.s, "git", PullRequestOf(subject), commit, null, when.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            }
        }

        return origins;
    }

    // A version the parser rejects never deployed: it grants nothing.
    private static AccessConfig? Parse(StackConfig config)
    {
        try
        {
            return AccessDiff.Offline(config);
        }
        catch (ConfigValidationException)
        {
            return null;
        }
    }

    /// <summary>The pull request a commit's subject names, as GitHub writes merges: "… (#123)" when squashed, "Merge pull request #123 …" otherwise.</summary>
    public static int? PullRequestOf(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var match = PullRequestNumber().Match(subject);
        return match.Success ? int.Parse(match.Groups["squash"].Success ? match.Groups["squash"].Value : match.Groups["merge"].Value, CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"\(#(?<squash>[0-9]{1,9})\)$|^Merge pull request #(?<merge>[0-9]{1,9})\b", RegexOptions.CultureInvariant)]
    private static partial Regex PullRequestNumber();
}
