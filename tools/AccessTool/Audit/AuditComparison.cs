using System.Globalization;
using Infra.Components;
using Infra.Config;

namespace Infra.Tool.Audit;

/// <summary>Compares a stack's config with what was read from its tenant; pure, so every finding is testable offline.</summary>
public static class AuditComparison
{
    /// <summary>What <c>M2MClient</c> sets as <c>app_type</c>: a machine-to-machine application.</summary>
    public const string ExpectedAppType = "non_interactive";

    /// <summary>What <c>M2MClient</c> sets as <c>grant_types</c>: the client credentials grant only.</summary>
    public static IReadOnlyList<string> ExpectedGrantTypes { get; } = ["client_credentials"];

    private const string None = "(none)";

    /// <summary>The <c>client_metadata.managed_by</c> value the stack's program writes (<c>AccessStack</c>: <c>pulumi:{project}</c>).</summary>
    public static string ManagedBy(string project) => $"pulumi:{project}";

    /// <summary>
    /// The <c>client_metadata</c> that <c>M2MClient</c> sets for <paramref name="client"/>, from the config model:
    /// key, owner, environment (the stack), managed_by, and expires_at and disabled only when set. A test checks it against
    /// what the component registers, so the two cannot part.
    /// </summary>
    /// <param name="client">The client from config.</param>
    /// <param name="project">The project.</param>
    /// <param name="stack">The environment: the stack, or a team stack's catalogue stack.</param>
    /// <param name="teamStack">The team stack that declares the client; null in a catalogue stack.</param>
    public static IReadOnlyDictionary<string, string> ExpectedMetadata(M2MClientDefinition client, string project, string stack, string? teamStack = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var metadata = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["key"] = client.Key,
            ["owner"] = client.Owner,
            ["environment"] = stack,
            ["managed_by"] = ManagedBy(project),
        };
        if (teamStack is not null)
        {
            metadata["stack"] = teamStack;
        }

        if (client.Expires is { } expires)
        {
            metadata["expires_at"] = expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        if (client.Disabled)
        {
            metadata["disabled"] = "true";
        }

        return metadata;
    }

    /// <summary>Classifies every declared API and every client in scope.</summary>
    /// <param name="access">What is declared: one stack's config, or an environment's catalogue with every stack's clients.</param>
    /// <param name="project">The project.</param>
    /// <param name="stack">The environment's name.</param>
    /// <param name="tenant">What the tenant holds.</param>
    /// <param name="teamStackOf">For an environment with team stacks: the team stack of each client key declared in one.</param>
    public static (IReadOnlyList<AuditedApi> Apis, IReadOnlyList<AuditedClient> Clients) Compare(AccessConfig access, string project, string stack, TenantSnapshot tenant, IReadOnlyDictionary<string, string>? teamStackOf = null)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(tenant);
        var apis = access.Apis.Select(api => CompareApi(api, tenant.Apis.FirstOrDefault(a => a.Identifier == api.Identifier)))
            .OrderBy(a => a.Status).ThenBy(a => a.Key, StringComparer.Ordinal).ToList();

        var apiByAudience = access.Apis.ToDictionary(a => a.Identifier, StringComparer.Ordinal);
        var grantsByClient = tenant.Grants.Where(g => apiByAudience.ContainsKey(g.Audience))
            .GroupBy(g => g.ClientId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => new AuditedGrant(apiByAudience[x.Audience].Key, x.Audience, Sorted(x.Scopes))).OrderBy(x => x.ApiKey, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        List<AuditedGrant> GrantsOf(string clientId) => grantsByClient.GetValueOrDefault(clientId) ?? [];

        var matched = Match(access, project, stack, tenant.Clients);
        var clients = new List<AuditedClient>();
        foreach (var definition in access.Clients)
        {
            if (!matched.TryGetValue(definition.Key, out var live))
            {
                clients.Add(new AuditedClient(AuditStatus.Missing, definition.Key, null, definition.Name, definition.Owner, [], []));
                continue;
            }

            var grants = GrantsOf(live.ClientId);
            var differences = ClientDifferences(definition, live, grants, access, project, stack, teamStackOf?.GetValueOrDefault(definition.Key));
            clients.Add(new AuditedClient(differences.Count == 0 ? AuditStatus.Matching : AuditStatus.Drifted, definition.Key, live.ClientId, live.Name, live.Metadata.GetValueOrDefault("owner"), grants, differences));
        }

        var matchedIds = matched.Values.Select(c => c.ClientId).ToHashSet(StringComparer.Ordinal);
        var liveById = tenant.Clients.GroupBy(c => c.ClientId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var clientId in grantsByClient.Keys.Where(id => !matchedIds.Contains(id)))
        {
            // A grant whose client the list did not return (deleted between the two reads) is still an unknown holder.
            var live = liveById.GetValueOrDefault(clientId);
            var note = live is not null && IsOurs(live, project, stack)
                ? $"its client_metadata says managed_by {ManagedBy(project)}, environment {stack}, but no config entry has its key (or a previous key) or import id: removed from config and not yet deployed, or edited by hand"
                : live is null ? "the client list did not return it" : null;
            clients.Add(new AuditedClient(AuditStatus.Unmanaged, null, clientId, live?.Name ?? "", live?.Metadata.GetValueOrDefault("owner"), GrantsOf(clientId), [], note));
        }

        return (apis, Order(clients));
    }

    /// <summary>Findings first (missing, drifted, unmanaged), then matching; within each by key, name and client id.</summary>
    internal static List<AuditedClient> Order(IEnumerable<AuditedClient> clients) => [.. clients
        .OrderBy(c => c.Status)
        .ThenBy(c => c.Key ?? "", StringComparer.Ordinal)
        .ThenBy(c => c.Name, StringComparer.Ordinal)
        .ThenBy(c => c.ClientId ?? "", StringComparer.Ordinal)];

    /// <summary>
    /// Which live client each config entry is, by what the tenant holds (the audit reads no Pulumi state): an adopted
    /// client by its import id (a client id never changes), any other by the key <c>M2MClient</c> writes into its
    /// client_metadata, among the clients whose client_metadata says this project and stack manage them. A key
    /// renamed in config (<c>previousKeys</c>) and not yet deployed still matches, and shows as drift of the key. A
    /// display name changed by hand is drift too, never a different client.
    /// </summary>
    private static Dictionary<string, LiveClient> Match(AccessConfig access, string project, string stack, IReadOnlyList<LiveClient> live)
    {
        var matched = new Dictionary<string, LiveClient>(StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var definition in access.Clients.Where(c => c.ImportId is not null))
        {
            if (live.FirstOrDefault(c => c.ClientId == definition.ImportId) is { } client && taken.Add(client.ClientId))
            {
                matched[definition.Key] = client;
            }
        }

        // Two live clients claiming one key: the first by client id matches, the other is left unmanaged.
        var ours = live.Where(c => IsOurs(c, project, stack) && !taken.Contains(c.ClientId))
            .OrderBy(c => c.ClientId, StringComparer.Ordinal)
            .ToLookup(c => c.Metadata.GetValueOrDefault("key") ?? "", StringComparer.Ordinal);
        foreach (var definition in access.Clients.Where(c => !matched.ContainsKey(c.Key)))
        {
            if (new[] { definition.Key }.Concat(definition.PreviousKeys).SelectMany(k => ours[k]).FirstOrDefault(c => !taken.Contains(c.ClientId)) is { } client)
            {
                taken.Add(client.ClientId);
                matched[definition.Key] = client;
            }
        }

        return matched;
    }

    private static bool IsOurs(LiveClient client, string project, string stack)
        => client.Metadata.GetValueOrDefault("managed_by") == ManagedBy(project) && client.Metadata.GetValueOrDefault("environment") == stack;

    private static List<AuditDifference> ClientDifferences(M2MClientDefinition definition, LiveClient live, List<AuditedGrant> grants, AccessConfig access, string project, string stack, string? teamStack)
    {
        var differences = new List<AuditDifference>();
        void Check(string field, string? expected, string? actual)
        {
            if (!string.Equals(expected, actual, StringComparison.Ordinal))
            {
                differences.Add(new AuditDifference(field, expected ?? None, actual ?? None));
            }
        }

        Check("name", definition.Name, live.Name);
        Check("app_type", ExpectedAppType, live.AppType);
        Check("grant_types", Join(ExpectedGrantTypes), Join(Sorted(live.GrantTypes)));
        var expected = ExpectedMetadata(definition, project, stack, teamStack);
        foreach (var key in expected.Keys.Union(MetadataKeysWeSet).Order(StringComparer.Ordinal))
        {
            Check($"client_metadata.{key}", expected.GetValueOrDefault(key), live.Metadata.GetValueOrDefault(key));
        }

        foreach (var api in access.Apis)
        {
            var declared = definition.Grants.FirstOrDefault(g => g.ApiKey == api.Key);
            var actual = grants.FirstOrDefault(g => g.Audience == api.Identifier);
            if (declared is null && actual is null)
            {
                continue;
            }

            Check($"grant {api.Key} scopes", declared is null ? null : Join(Sorted(declared.Scopes)), actual is null ? null : Join(actual.Scopes));
        }

        return differences;
    }

    // Keys M2MClient writes only in some states: their presence in the tenant is drift when config says otherwise.
    private static readonly string[] MetadataKeysWeSet = ["disabled", "environment", "expires_at", "managed_by", "owner", "stack"];

    private static AuditedApi CompareApi(ApiDefinition api, LiveApi? live)
    {
        if (live is null)
        {
            return new AuditedApi(api.Key, api.Identifier, AuditStatus.Missing, []);
        }

        var differences = new List<AuditDifference>();
        void Check(string field, string expected, string? actual)
        {
            if (!string.Equals(expected, actual, StringComparison.Ordinal))
            {
                differences.Add(new AuditDifference(field, expected, actual ?? None));
            }
        }

        Check("token_lifetime", Number(api.TokenLifetimeSeconds), live.TokenLifetime is { } l ? Number(l) : null);
        // ApiResourceServer sets the web lifetime to follow the token lifetime, capped at Auth0's default.
        Check("token_lifetime_for_web", Number(Math.Min(api.TokenLifetimeSeconds, ApiResourceServer.MaxWebTokenLifetimeSeconds)), live.TokenLifetimeForWeb is { } w ? Number(w) : null);
        Check("signing_alg", api.SigningAlgorithm, live.SigningAlgorithm);
        Check("scopes", Join(Sorted(api.Scopes.Select(s => s.Value))), Join(Sorted(live.Scopes)));
        return new AuditedApi(api.Key, api.Identifier, differences.Count == 0 ? AuditStatus.Matching : AuditStatus.Drifted, differences);
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Join(IEnumerable<string> values) => values.Any() ? string.Join(' ', values) : "(empty)";

    private static List<string> Sorted(IEnumerable<string> values) => [.. values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
