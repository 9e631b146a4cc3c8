using Infra.Config;

namespace Infra.Tool.Diff;

/// <summary>What kind of access change a diff found.</summary>
public enum ChangeKind
{
    /// <summary>A new client, with its grants.</summary>
    ClientAdded,

    /// <summary>A client removed, with all its grants.</summary>
    ClientRemoved,

    /// <summary>A client granted an API it had no grant on.</summary>
    GrantAdded,

    /// <summary>A client's grant on an API removed.</summary>
    GrantRemoved,

    /// <summary>Scopes added to an existing grant.</summary>
    ScopesAdded,

    /// <summary>Scopes removed from an existing grant.</summary>
    ScopesRemoved,

    /// <summary>Azure principals newly allowed to read a client's secret.</summary>
    ReadersAdded,

    /// <summary>Azure principals no longer allowed to read a client's secret.</summary>
    ReadersRemoved,

    /// <summary>A client disabled: no tokens, no readable secret.</summary>
    ClientDisabled,

    /// <summary>A disabled client enabled again, with its grants and readers.</summary>
    ClientEnabled,

    /// <summary>A client's expiry date moved, was set or was removed.</summary>
    ExpiryChanged,

    /// <summary>A client's owner changed.</summary>
    OwnerChanged,

    /// <summary>How a client authenticates changed (a client secret or keys): not more access, but its consumer must follow.</summary>
    AuthenticationChanged,

    /// <summary>A new API.</summary>
    ApiAdded,

    /// <summary>An API removed.</summary>
    ApiRemoved,

    /// <summary>An API's access-token lifetime, and so its revocation delay, changed.</summary>
    TokenLifetimeChanged,

    /// <summary>Who approves access to an API changed: its current owners approve that, like an increase.</summary>
    ApiOwnersChanged,

    /// <summary>An API's cap on the lifetime of credentials granted on it changed; raising or removing it is an increase.</summary>
    ApiCredentialCapChanged,
}

/// <summary>One change of access between two versions of a stack's config.</summary>
/// <param name="Kind">What changed.</param>
/// <param name="PrivilegeIncrease">Whether someone can now do more, or for longer, than before.</param>
/// <param name="Client">The client concerned, if any.</param>
/// <param name="Api">The API concerned, if any.</param>
/// <param name="Items">The scopes, grants or principals added or removed.</param>
/// <param name="From">The old value of a changed setting.</param>
/// <param name="To">The new value of a changed setting.</param>
public sealed record AccessChange(
    ChangeKind Kind,
    bool PrivilegeIncrease,
    string? Client,
    string? Api,
    IReadOnlyList<string> Items,
    string? From = null,
    string? To = null);

/// <summary>The changes between a base and a head config of one stack, or the problems that stopped the comparison.</summary>
public sealed record AccessDiffResult(string Stack, IReadOnlyList<ConfigProblem> Problems, IReadOnlyList<AccessChange> Changes)
{
    /// <summary>Whether any change increases privilege; pipelines require an extra approval then.</summary>
    public bool PrivilegeIncrease => Changes.Any(c => c.PrivilegeIncrease);
}

/// <summary>Compares the access two versions of a stack's config grant.</summary>
public static class AccessDiff
{
    /// <summary>Parses both versions with the program's own parser and compares them; a base that does not exist is empty.</summary>
    public static AccessDiffResult Compare(StackConfig? baseConfig, StackConfig head)
    {
        ArgumentNullException.ThrowIfNull(head);
        var (before, after, problems) = Parse(baseConfig, head);
        return problems.Count > 0 || after is null
            ? new AccessDiffResult(head.Stack, problems, [])
            : new AccessDiffResult(head.Stack, [], Compare(before, after));
    }

    /// <summary>Both versions as <see cref="Compare(StackConfig?, StackConfig)"/> reads them, with every problem under "base: " or "head: ".</summary>
    internal static (AccessConfig? Before, AccessConfig? After, List<ConfigProblem> Problems) Parse(StackConfig? baseConfig, StackConfig head)
    {
        var problems = new List<ConfigProblem>();
        var before = baseConfig is null ? null : Parse(baseConfig, "base", problems);
        return (before, Parse(head, "head", problems), problems);
    }

    /// <summary>Every access change from <paramref name="before"/> (null: nothing) to <paramref name="after"/>, privilege increases first.</summary>
    public static IReadOnlyList<AccessChange> Compare(AccessConfig? before, AccessConfig after)
    {
        ArgumentNullException.ThrowIfNull(after);
        var changes = new List<AccessChange>();

        // A key recorded as previous in the head is the same client or API under its new key.
        var clientRenames = Renames(after.Clients.Select(c => (c.Key, c.PreviousKeys)));
        var apiRenames = Renames(after.Apis.Select(a => (a.Key, a.PreviousKeys)));
        var oldClients = (before?.Clients ?? []).ToDictionary(c => clientRenames.GetValueOrDefault(c.Key, c.Key), StringComparer.Ordinal);
        var oldApis = (before?.Apis ?? []).ToDictionary(a => apiRenames.GetValueOrDefault(a.Key, a.Key), StringComparer.Ordinal);
        var newApiKeys = after.Apis.ToDictionary(a => a.Key, a => a, StringComparer.Ordinal);

        // A team stack deploys no API: its catalogue stack's diff reports what changes in the catalogue.
        foreach (var api in after.CatalogueStack is null ? after.Apis : [])
        {
            if (!oldApis.TryGetValue(api.Key, out var old))
            {
                changes.Add(new(ChangeKind.ApiAdded, false, null, api.Key, api.Scopes.Select(s => s.Value).ToList()));
            }
            else
            {
                if (old.TokenLifetimeSeconds != api.TokenLifetimeSeconds)
                {
                    changes.Add(new(ChangeKind.TokenLifetimeChanged, api.TokenLifetimeSeconds > old.TokenLifetimeSeconds, null, api.Key, [], Seconds(old.TokenLifetimeSeconds), Seconds(api.TokenLifetimeSeconds)));
                }

                // Whoever is named here approves the next increase: a change of owners is approved by the current ones.
                var owners = Sorted(api.Owners.Select(o => o.ToLowerInvariant()));
                var oldOwners = Sorted(old.Owners.Select(o => o.ToLowerInvariant()));
                if (!owners.SequenceEqual(oldOwners, StringComparer.Ordinal))
                {
                    changes.Add(new(ChangeKind.ApiOwnersChanged, true, null, api.Key, owners, Owners(oldOwners), Owners(owners)));
                }

                if (old.MaxCredentialLifetimeDays != api.MaxCredentialLifetimeDays)
                {
                    var looser = api.MaxCredentialLifetimeDays == 0 || (old.MaxCredentialLifetimeDays > 0 && api.MaxCredentialLifetimeDays > old.MaxCredentialLifetimeDays);
                    changes.Add(new(ChangeKind.ApiCredentialCapChanged, looser, null, api.Key, [], Days(old.MaxCredentialLifetimeDays), Days(api.MaxCredentialLifetimeDays)));
                }
            }
        }

        changes.AddRange(oldApis.Keys.Where(k => after.CatalogueStack is null && !newApiKeys.ContainsKey(k)).Select(k => new AccessChange(ChangeKind.ApiRemoved, false, null, k, [])));

        foreach (var client in after.Clients)
        {
            var grants = client.Grants.ToDictionary(g => g.ApiKey, g => g.Scopes, StringComparer.Ordinal);
            if (!oldClients.TryGetValue(client.Key, out var old))
            {
                changes.Add(new(ChangeKind.ClientAdded, true, client.Key, null, Describe(grants), To: client.Owner));
                continue;
            }

            var oldGrants = old.Grants.ToDictionary(g => apiRenames.GetValueOrDefault(g.ApiKey, g.ApiKey), g => g.Scopes, StringComparer.Ordinal);
            foreach (var (api, scopes) in grants)
            {
                if (!oldGrants.TryGetValue(api, out var oldScopes))
                {
                    changes.Add(new(ChangeKind.GrantAdded, true, client.Key, api, Sorted(scopes)));
                    continue;
                }

                var added = Sorted(scopes.Except(oldScopes, StringComparer.Ordinal));
                var removed = Sorted(oldScopes.Except(scopes, StringComparer.Ordinal));
                if (added.Count > 0)
                {
                    changes.Add(new(ChangeKind.ScopesAdded, true, client.Key, api, added));
                }

                if (removed.Count > 0)
                {
                    changes.Add(new(ChangeKind.ScopesRemoved, false, client.Key, api, removed));
                }
            }

            changes.AddRange(oldGrants.Where(g => !grants.ContainsKey(g.Key)).Select(g => new AccessChange(ChangeKind.GrantRemoved, false, client.Key, g.Key, Sorted(g.Value))));

            var readers = client.Readers.Select(r => r.ObjectId.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
            var oldReaders = old.Readers.Select(r => r.ObjectId.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
            if (Sorted(readers.Except(oldReaders)) is { Count: > 0 } newReaders)
            {
                changes.Add(new(ChangeKind.ReadersAdded, true, client.Key, null, newReaders));
            }

            if (Sorted(oldReaders.Except(readers)) is { Count: > 0 } goneReaders)
            {
                changes.Add(new(ChangeKind.ReadersRemoved, false, client.Key, null, goneReaders));
            }

            // Re-enabling gives a client back tokens and its readers their read access: an increase like a new grant.
            if (old.Disabled != client.Disabled)
            {
                changes.Add(new(client.Disabled ? ChangeKind.ClientDisabled : ChangeKind.ClientEnabled, !client.Disabled, client.Key, null, Describe(grants)));
            }

            // A later date (or none) keeps the credentials usable longer: an increase, reviewed like a new grant.
            if (old.Expires != client.Expires)
            {
                var longer = client.Expires is not { } until || (old.Expires is { } was && until > was);
                changes.Add(new(ChangeKind.ExpiryChanged, longer, client.Key, null, [], Day(old.Expires), Day(client.Expires)));
            }

            if (old.Owner != client.Owner)
            {
                changes.Add(new(ChangeKind.OwnerChanged, false, client.Key, null, [], old.Owner, client.Owner));
            }

            if (old.Authentication != client.Authentication)
            {
                changes.Add(new(ChangeKind.AuthenticationChanged, false, client.Key, null, [], AccessConfigParser.MethodName(old.Authentication), AccessConfigParser.MethodName(client.Authentication)));
            }
        }

        var newClientKeys = after.Clients.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        changes.AddRange(oldClients.Where(c => !newClientKeys.Contains(c.Key))
            .Select(c => new AccessChange(ChangeKind.ClientRemoved, false, c.Key, null, Describe(c.Value.Grants.ToDictionary(g => g.ApiKey, g => g.Scopes)), From: c.Value.Owner)));

        return changes
            .OrderByDescending(c => c.PrivilegeIncrease)
            .ThenBy(c => c.Client ?? "", StringComparer.Ordinal)
            .ThenBy(c => c.Api ?? "", StringComparer.Ordinal)
            .ThenBy(c => c.Kind)
            .ToList();
    }

    /// <summary>A stack file's model as the diff reads it: no date checks, and a placeholder tenant where none is set.</summary>
    internal static AccessConfig Offline(StackConfig config)
        => AccessConfigParser.Parse(RawStackConfig.FromMap(config.Project, config.Stack, config.Values, "offline.invalid"));

    private static AccessConfig? Parse(StackConfig config, string side, List<ConfigProblem> problems)
    {
        try
        {
            return Offline(config);
        }
        catch (ConfigValidationException e)
        {
            problems.AddRange(e.Problems.Select(p => p with { Path = $"{side}: {p.Path}" }));
            return null;
        }
    }

    /// <summary>Old key → current key, from the head's <c>previousKeys</c> (validated unique).</summary>
    private static Dictionary<string, string> Renames(IEnumerable<(string Key, IReadOnlyList<string> PreviousKeys)> current)
        => current.SelectMany(c => c.PreviousKeys.Select(p => (Old: p, New: c.Key))).ToDictionary(r => r.Old, r => r.New, StringComparer.Ordinal);

    private static string Owners(IReadOnlyList<string> owners) => owners.Count == 0 ? "none" : string.Join(", ", owners);

    private static string Days(int days) => days == 0 ? "none" : FormattableString.Invariant($"{days} days");

    private static List<string> Sorted(IEnumerable<string> items) => items.Order(StringComparer.Ordinal).ToList();

    private static List<string> Describe(Dictionary<string, IReadOnlyList<string>> grants)
        => grants.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}: {string.Join(' ', g.Value.Order(StringComparer.Ordinal))}").ToList();

    private static string Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "never";

    private static string Seconds(int seconds) => FormattableString.Invariant($"{seconds}s");
}
