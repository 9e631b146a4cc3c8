using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Tool.Plan;

namespace Infra.Tool.Diff;

/// <summary>Writes an <see cref="AccessDiffResult"/> as text, Markdown or JSON.</summary>
public static class AccessDiffReport
{
    /// <summary>Exit code when the diff found a privilege increase: the pipeline asks for an extra approval.</summary>
    public const int PrivilegeIncreaseExitCode = 2;

    /// <summary>Exit code when a config is invalid.</summary>
    public const int InvalidConfigExitCode = 1;

    /// <summary>The process exit code for <paramref name="diff"/>.</summary>
    public static int ExitCode(AccessDiffResult diff)
    {
        ArgumentNullException.ThrowIfNull(diff);
        return diff.Problems.Count > 0 ? InvalidConfigExitCode : diff.PrivilegeIncrease ? PrivilegeIncreaseExitCode : 0;
    }

    /// <summary>Renders the diff in <paramref name="format"/>.</summary>
    public static string Render(AccessDiffResult diff, OutputFormat format)
    {
        ArgumentNullException.ThrowIfNull(diff);
        return format switch
        {
            OutputFormat.Json => Json(diff),
            OutputFormat.Markdown => Lines(diff, markdown: true),
            _ => Lines(diff, markdown: false),
        };
    }

    /// <summary>One sentence per change, naming client, API and scopes.</summary>
    public static string Describe(AccessChange change, bool markdown = false)
    {
        ArgumentNullException.ThrowIfNull(change);
        string Code(string? s) => markdown ? $"`{s}`" : s ?? "";
        var items = string.Join(markdown ? ", " : " ", change.Items.Select(i => Code(i)));
        return change.Kind switch
        {
            ChangeKind.ClientAdded => $"new client {Code(change.Client)} (owner {change.To}) granted {items}",
            ChangeKind.ClientRemoved => $"client {Code(change.Client)} (owner {change.From}) removed, with its grants {items}",
            ChangeKind.GrantAdded => $"{Code(change.Client)} newly granted {Code(change.Api)}: {items}",
            ChangeKind.GrantRemoved => $"{Code(change.Client)} loses its grant on {Code(change.Api)} ({items})",
            ChangeKind.ScopesAdded => $"{Code(change.Client)} gains on {Code(change.Api)}: {items}",
            ChangeKind.ScopesRemoved => $"{Code(change.Client)} loses on {Code(change.Api)}: {items}",
            ChangeKind.ReadersAdded => $"{Code(change.Client)}'s secret becomes readable by {items}",
            ChangeKind.ReadersRemoved => $"{Code(change.Client)}'s secret no longer readable by {items}",
            ChangeKind.ClientDisabled => $"client {Code(change.Client)} disabled: no tokens for {items}, its secret unreadable",
            ChangeKind.ClientEnabled => $"client {Code(change.Client)} enabled again: tokens for {items}, its secret readable by its readers",
            ChangeKind.ExpiryChanged => $"{Code(change.Client)}'s credentials expire {(change.To == "never" ? "never" : $"on {change.To}")} instead of {change.From}",
            ChangeKind.OwnerChanged => $"{Code(change.Client)} changes owner from {change.From} to {change.To}",
            ChangeKind.AuthenticationChanged => $"{Code(change.Client)} authenticates with {change.To} instead of {change.From}: its consumer needs a library that reads the new document",
            ChangeKind.ApiAdded => $"new API {Code(change.Api)} with scopes {items}",
            ChangeKind.ApiRemoved => $"API {Code(change.Api)} removed",
            ChangeKind.TokenLifetimeChanged => $"{Code(change.Api)} token lifetime (the revocation delay) {change.From} → {change.To}",
            ChangeKind.ApiOwnersChanged => $"{Code(change.Api)}'s owners, who approve access to it, {change.From} → {change.To}",
            ChangeKind.ApiCredentialCapChanged => $"{Code(change.Api)}'s cap on the lifetime of credentials granted on it {change.From} → {change.To}",
            _ => change.Kind.ToString(),
        };
    }

    private static string Lines(AccessDiffResult diff, bool markdown)
    {
        var text = new StringBuilder();
        text.AppendLine(markdown ? $"### Access changes: `{diff.Stack}`" : $"Access changes in stack {diff.Stack}:");
        if (markdown)
        {
            text.AppendLine();
        }

        if (diff.Problems.Count > 0)
        {
            text.AppendLine(markdown ? "**The config is invalid:**" : "The config is invalid:");
            foreach (var problem in diff.Problems)
            {
                text.AppendLine(ReportFormat.Problem(problem, markdown));
            }

            return text.ToString();
        }

        if (diff.Changes.Count == 0)
        {
            return text.AppendLine(markdown ? "No change of access." : "  no change of access").ToString();
        }

        var increases = diff.Changes.Where(c => c.PrivilegeIncrease).ToList();
        if (increases.Count > 0)
        {
            text.AppendLine(markdown ? $"**Privilege increases ({increases.Count}), needing an owner's approval:**" : $"  PRIVILEGE INCREASES ({increases.Count}):");
            foreach (var change in increases)
            {
                text.AppendLine(markdown ? $"- ⚠️ {Describe(change, true)}" : $"    + {Describe(change)}");
            }
        }

        var others = diff.Changes.Where(c => !c.PrivilegeIncrease).ToList();
        if (others.Count > 0)
        {
            if (markdown && increases.Count > 0)
            {
                text.AppendLine();
            }

            text.AppendLine(markdown ? $"**Other changes ({others.Count}):**" : $"  other changes ({others.Count}):");
            foreach (var change in others)
            {
                text.AppendLine(markdown ? $"- {Describe(change, true)}" : $"    - {Describe(change)}");
            }
        }

        return text.ToString();
    }

    private static string Json(AccessDiffResult diff)
    {
        var json = new JsonObject
        {
            ["stack"] = diff.Stack,
            ["valid"] = diff.Problems.Count == 0,
            ["privilegeIncrease"] = diff.PrivilegeIncrease,
            ["problems"] = ReportFormat.Problems(diff.Problems),
            ["changes"] = new JsonArray(diff.Changes.Select(c => (JsonNode)new JsonObject
            {
                ["kind"] = JsonNamingPolicy.CamelCase.ConvertName(c.Kind.ToString()),
                ["privilegeIncrease"] = c.PrivilegeIncrease,
                ["client"] = c.Client,
                ["api"] = c.Api,
                ["items"] = new JsonArray(c.Items.Select(i => (JsonNode)i!).ToArray()),
                ["from"] = c.From,
                ["to"] = c.To,
                ["summary"] = Describe(c),
            }).ToArray()),
        };
        return ReportFormat.Write(json);
    }
}
