using Infra.Config;
using Infra.Tool.Diff;

namespace Infra.Tool.Review;

/// <summary>A privilege increase in one stack, with the APIs whose owners must approve it.</summary>
/// <param name="Stack">The stack whose file changes.</param>
/// <param name="Change">The change, as the access diff found it.</param>
/// <param name="Apis">The keys of the APIs it gives more access to.</param>
/// <param name="ClientOwner">The owner of the client concerned, as the change records it; null for a change of an API.</param>
public sealed record ReviewedIncrease(string Stack, AccessChange Change, IReadOnlyList<string> Apis, string? ClientOwner);

/// <summary>One API a change gives more access to, with who may approve that and what they approve.</summary>
/// <param name="Api">The API's key.</param>
/// <param name="Owners">Its owners as the base branch names them (the change's own for an API the base does not have).</param>
/// <param name="Increases">The increases on it, in every stack the change touches.</param>
public sealed record ApiApproval(string Api, IReadOnlyList<string> Owners, IReadOnlyList<ReviewedIncrease> Increases);

/// <summary>
/// Which API owners a change needs: each privilege increase of the access diff mapped to the APIs it reaches. A new
/// reader, a re-enabled client and a longer expiry reach every API the client is granted, since whoever reads the
/// secret, or holds it longer, gets tokens for all of them.
/// </summary>
public static class ApprovalPlan
{
    /// <summary>The approvals that <paramref name="stacks"/>' diffs need, one per API, sorted by key.</summary>
    /// <param name="stacks">Each stack's diff with its base and head models (base null: a new stack).</param>
    public static IReadOnlyList<ApiApproval> For(IEnumerable<(AccessDiffResult Diff, AccessConfig? Base, AccessConfig Head)> stacks)
    {
        ArgumentNullException.ThrowIfNull(stacks);
        var increases = new List<ReviewedIncrease>();
        var owners = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (diff, before, head) in stacks)
        {
            foreach (var api in head.Apis)
            {
                // The base's owners decide: a change cannot name its own approvers, nor shed them by renaming the API or
                // declaring its audience again under a new key. A new API's come from the change, and its first grants
                // are still reviewed by someone other than their author.
                var earlier = before?.Apis.FirstOrDefault(a => a.Key == api.Key || api.PreviousKeys.Contains(a.Key, StringComparer.Ordinal))
                    ?? before?.Apis.FirstOrDefault(a => string.Equals(a.Identifier.TrimEnd('/'), api.Identifier.TrimEnd('/'), StringComparison.Ordinal));
                owners.TryAdd(api.Key, earlier?.Owners ?? api.Owners);
            }

            increases.AddRange(diff.Changes.Where(c => c.PrivilegeIncrease)
                .Select(c => new ReviewedIncrease(diff.Stack, c, ApisOf(c, head), head.Clients.FirstOrDefault(k => k.Key == c.Client)?.Owner)));
        }

        return [.. increases
            .SelectMany(i => i.Apis.Select(api => (Api: api, Increase: i)))
            .GroupBy(x => x.Api, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ApiApproval(g.Key, owners.GetValueOrDefault(g.Key, []), [.. g.Select(x => x.Increase)]))];
    }

    private static IReadOnlyList<string> ApisOf(AccessChange change, AccessConfig head)
    {
        if (change.Api is { } api)
        {
            return [api];
        }

        var client = head.Clients.FirstOrDefault(c => c.Key == change.Client);
        return client is null ? [] : [.. client.Grants.Select(g => g.ApiKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }
}
