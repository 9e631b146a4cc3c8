using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Config;
using Infra.Tool.Deploy;
using Infra.Tool.Diff;
using Infra.Tool.Plan;

namespace Infra.Tool.Review;

/// <summary>The <c>grants</c> command: every grant of a stack with the pull request and approver that introduced it.</summary>
public static class GrantsCommand
{
    /// <summary>Builds the command with the options it shares with the others.</summary>
    public static Command Create(Option<DirectoryInfo> project, Option<OutputFormat> format)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(format);
        var stack = new Argument<string>("stack") { Description = "the stack name" };
        var records = new Option<DirectoryInfo?>("--records") { Description = "a folder of access records (the access-record-* artifacts, downloaded; read recursively)" };
        var noHistory = new Option<bool>("--no-history") { Description = "do not read the project's git history for grants no record covers" };
        var command = new Command("grants", "List every scope a stack grants with the pull request and approver that introduced it: from the access records, else from the stack file's git history (commit and pull request, no approver). Exit 1 on invalid config.")
        {
            stack, project, records, noHistory, format,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetValue(project)!.FullName;
            var config = StackFiles.Load(folder, parse.GetValue(stack)!);
            AccessConfig head;
            try
            {
                head = AccessDiff.Offline(config);
            }
            catch (ConfigValidationException e)
            {
                await parse.InvocationConfiguration.Output.WriteAsync(ReportFormat.InvalidConfig(config.Project, config.Stack, e.Problems, markdown: false)).ConfigureAwait(false);
                return 1;
            }

            var read = parse.GetValue(records) is { } dir ? await ReadRecords(dir, cancellationToken).ConfigureAwait(false) : [];
            IReadOnlyList<GrantOrigin> origins;
            if (parse.GetValue(noHistory))
            {
                origins = GrantHistory.For(head, config.Stack, read, null, "HEAD");
            }
            else
            {
                try
                {
                    using var history = new StackHistory(folder);
                    origins = GrantHistory.For(head, config.Stack, read, history, "HEAD");
                }
                catch (DeployGateException e)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"{e.Message} Or pass --no-history to list from the records alone.").ConfigureAwait(false);
                    return 1;
                }
            }

            await parse.InvocationConfiguration.Output.WriteAsync(Render(config.Stack, origins, parse.GetValue(format))).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>The list in <paramref name="format"/>.</summary>
    public static string Render(string stack, IReadOnlyList<GrantOrigin> origins, OutputFormat format)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(origins);
        if (format == OutputFormat.Json)
        {
            return ReportFormat.Write(new JsonObject
            {
                ["stack"] = stack,
                ["grants"] = JsonSerializer.SerializeToNode(origins, JsonOptions),
            });
        }

        var markdown = format == OutputFormat.Markdown;
        var text = new StringBuilder();
        text.AppendLine(markdown ? $"### Grants of `{stack}` and who approved them" : $"Grants of stack {stack} and who approved them:");
        if (markdown)
        {
            text.AppendLine().AppendLine("| client | owner | API | scope | pull request | approved by | when | from |").AppendLine("|---|---|---|---|---|---|---|---|");
        }

        foreach (var o in origins)
        {
            var pr = o.PullRequest is { } n ? $"#{n}" : "-";
            var approved = o.ApprovedBy ?? (o.Source == "git" ? "not recorded" : "-");
            var from = o.Source switch
            {
                "record" => $"access record ({Short(o.Commit)})",
                "git" => $"commit {Short(o.Commit)}",
                _ => "no record, no history",
            };
            text.AppendLine(markdown
                ? $"| `{o.Client}` | {ReportFormat.Escape(o.ClientOwner)} | `{o.Api}` | `{o.Scope}` | {pr} | {ReportFormat.Escape(approved)} | {o.When ?? "-"} | {from} |"
                : $"  {o.Client} ({o.ClientOwner}) {o.Api} {o.Scope}: {pr}, approved by {approved}, {o.When ?? "-"}, {from}");
        }

        return text.ToString();
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static async Task<List<JsonObject>> ReadRecords(DirectoryInfo folder, CancellationToken cancellationToken)
    {
        var records = new List<JsonObject>();
        foreach (var file in Directory.EnumerateFiles(folder.FullName, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            try
            {
                if (JsonNode.Parse(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false)) is JsonObject record)
                {
                    records.Add(record);
                }
            }
            catch (JsonException)
            {
                // Not a record; the folder may hold other artifacts.
            }
        }

        return records;
    }

    private static string Short(string? commit) => commit is null ? "-" : StackHistory.Short(commit);
}
