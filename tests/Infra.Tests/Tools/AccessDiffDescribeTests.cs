using Infra.Tool.Diff;

namespace Infra.Tests.Tools;

/// <summary>The sentence of every kind of access change, as a reviewer reads it in the terminal and in the pull-request comment.</summary>
public class AccessDiffDescribeTests
{
    // Scopes for most kinds; the sentences only join the items, whatever they are (principals for readers).
    private static readonly string[] Items = ["orders:read", "orders:write"];

    public static TheoryData<ChangeKind, string?, string?, string, string> Sentences => new()
    {
        { ChangeKind.ClientAdded, null, "team-a", "new client checkout (owner team-a) granted orders:read orders:write", "new client `checkout` (owner team-a) granted `orders:read`, `orders:write`" },
        { ChangeKind.ClientRemoved, "team-a", null, "client checkout (owner team-a) removed, with its grants orders:read orders:write", "client `checkout` (owner team-a) removed, with its grants `orders:read`, `orders:write`" },
        { ChangeKind.GrantAdded, null, null, "checkout newly granted orders-api: orders:read orders:write", "`checkout` newly granted `orders-api`: `orders:read`, `orders:write`" },
        { ChangeKind.GrantRemoved, null, null, "checkout loses its grant on orders-api (orders:read orders:write)", "`checkout` loses its grant on `orders-api` (`orders:read`, `orders:write`)" },
        { ChangeKind.ScopesAdded, null, null, "checkout gains on orders-api: orders:read orders:write", "`checkout` gains on `orders-api`: `orders:read`, `orders:write`" },
        { ChangeKind.ScopesRemoved, null, null, "checkout loses on orders-api: orders:read orders:write", "`checkout` loses on `orders-api`: `orders:read`, `orders:write`" },
        { ChangeKind.ReadersAdded, null, null, "checkout's secret becomes readable by orders:read orders:write", "`checkout`'s secret becomes readable by `orders:read`, `orders:write`" },
        { ChangeKind.ReadersRemoved, null, null, "checkout's secret no longer readable by orders:read orders:write", "`checkout`'s secret no longer readable by `orders:read`, `orders:write`" },
        { ChangeKind.ClientDisabled, null, null, "client checkout disabled: no tokens for orders:read orders:write, its secret unreadable", "client `checkout` disabled: no tokens for `orders:read`, `orders:write`, its secret unreadable" },
        { ChangeKind.ClientEnabled, null, null, "client checkout enabled again: tokens for orders:read orders:write, its secret readable by its readers", "client `checkout` enabled again: tokens for `orders:read`, `orders:write`, its secret readable by its readers" },
        { ChangeKind.ExpiryChanged, "2027-01-31", "2027-06-30", "checkout's credentials expire on 2027-06-30 instead of 2027-01-31", "`checkout`'s credentials expire on 2027-06-30 instead of 2027-01-31" },
        { ChangeKind.ExpiryChanged, "2027-01-31", "never", "checkout's credentials expire never instead of 2027-01-31", "`checkout`'s credentials expire never instead of 2027-01-31" },
        { ChangeKind.ExpiryChanged, "never", "2027-06-30", "checkout's credentials expire on 2027-06-30 instead of never", "`checkout`'s credentials expire on 2027-06-30 instead of never" },
        { ChangeKind.OwnerChanged, "team-a", "team-b", "checkout changes owner from team-a to team-b", "`checkout` changes owner from team-a to team-b" },
        { ChangeKind.AuthenticationChanged, "client_secret_post", "private_key_jwt", "checkout authenticates with private_key_jwt instead of client_secret_post: its consumer needs a library that reads the new document", "`checkout` authenticates with private_key_jwt instead of client_secret_post: its consumer needs a library that reads the new document" },
        { ChangeKind.ApiAdded, null, null, "new API orders-api with scopes orders:read orders:write", "new API `orders-api` with scopes `orders:read`, `orders:write`" },
        { ChangeKind.ApiRemoved, null, null, "API orders-api removed", "API `orders-api` removed" },
        { ChangeKind.TokenLifetimeChanged, "3600", "600", "orders-api token lifetime (the revocation delay) 3600 → 600", "`orders-api` token lifetime (the revocation delay) 3600 → 600" },
        { ChangeKind.ApiOwnersChanged, "@acme/orders-owners", "@acme/orders-owners, @bkaur", "orders-api's owners, who approve access to it, @acme/orders-owners → @acme/orders-owners, @bkaur", "`orders-api`'s owners, who approve access to it, @acme/orders-owners → @acme/orders-owners, @bkaur" },
        { ChangeKind.ApiCredentialCapChanged, "90 days", "none", "orders-api's cap on the lifetime of credentials granted on it 90 days → none", "`orders-api`'s cap on the lifetime of credentials granted on it 90 days → none" },
    };

    [Theory]
    [MemberData(nameof(Sentences))]
    public void Every_kind_of_change_has_its_sentence_in_text_and_in_markdown(ChangeKind kind, string? from, string? to, string text, string markdown)
    {
        var change = new AccessChange(kind, false, "checkout", "orders-api", Items, from, to);

        Assert.Equal(text, AccessDiffReport.Describe(change));
        Assert.Equal(markdown, AccessDiffReport.Describe(change, markdown: true));
    }

    [Fact]
    public void Every_kind_of_change_is_in_the_table()
        => Assert.Equal(Enum.GetValues<ChangeKind>().Order(), Sentences.Select(row => (ChangeKind)row[0]).Distinct().Order());
}
