using Infra.Config;
using Infra.Tool.Preview;
using LibGit2Sharp;

namespace Infra.Tool.Deploy;

/// <summary>
/// A stack's config at the commits of a git repository: what the deploy gate compares, and the clients an earlier
/// version had. Read from git objects, so no checkout is touched.
/// </summary>
public sealed class StackHistory : IDisposable
{
    private readonly Repository _repository;

    /// <summary>The folder of the project (Pulumi.yaml) inside the repository, with '/' separators; empty at its root.</summary>
    private readonly string _projectPath;

    private readonly Dictionary<(string Commit, string Stack), StackConfig?> _configs = [];

    private readonly Dictionary<(string UpTo, string Stack), IReadOnlyList<EarlierClient>> _removed = [];

    /// <summary>Opens the repository that holds the project in <paramref name="projectDirectory"/>.</summary>
    public StackHistory(string projectDirectory)
    {
        ArgumentNullException.ThrowIfNull(projectDirectory);
        var gitDirectory = Repository.Discover(projectDirectory)
            ?? throw new DeployGateException($"{projectDirectory} is not in a git repository: the deploy gate reads the stack's history from one (a checkout with its whole history: fetch-depth: 0).");
        _repository = new Repository(gitDirectory);
        var root = Path.GetFullPath(_repository.Info.WorkingDirectory ?? throw new DeployGateException($"{gitDirectory} has no work tree."));
        _projectPath = Path.GetRelativePath(root, Path.GetFullPath(projectDirectory)).Replace('\\', '/') switch
        {
            "." => "",
            var relative => relative + "/",
        };
    }

    /// <summary>The full id of <paramref name="revision"/> (a commit id, a branch, <c>HEAD</c>).</summary>
    public string Resolve(string revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        return _repository.Lookup<Commit>(revision)?.Sha
            ?? throw new DeployGateException($"'{revision}' is not a commit of this repository (is the checkout shallow? The deploy job checks out with fetch-depth: 0).");
    }

    /// <summary>Whether <paramref name="ancestor"/> is <paramref name="descendant"/> or one of its ancestors.</summary>
    public bool IsAncestor(string ancestor, string descendant)
    {
        var a = _repository.Lookup<Commit>(ancestor);
        var d = _repository.Lookup<Commit>(descendant);
        return a.Sha == d.Sha || _repository.ObjectDatabase.FindMergeBase(a, d)?.Sha == a.Sha;
    }

    /// <summary>The commits after <paramref name="from"/> up to <paramref name="to"/> along first parents (main's merges), oldest first.</summary>
    public IReadOnlyList<string> CommitsBetween(string? from, string to)
        => [.. _repository.Commits.QueryBy(new CommitFilter
        {
            IncludeReachableFrom = to,
            ExcludeReachableFrom = from,
            FirstParentOnly = true,
            SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Reverse,
        }).Select(c => c.Sha)];

    /// <summary>Who committed <paramref name="commit"/>, when, and the first line of its message.</summary>
    public (string Author, DateTimeOffset When, string Subject) Describe(string commit)
    {
        var c = _repository.Lookup<Commit>(commit);
        return (c.Author.Name, c.Author.When, c.MessageShort);
    }

    /// <summary>The short form of a commit id, as reports name it.</summary>
    public static string Short(string commit) => commit.Length > 12 ? commit[..12] : commit;

    /// <summary>The stack's config at <paramref name="commit"/>; null when that commit has no stack file for it.</summary>
    public StackConfig? At(string commit, string stack)
    {
        if (_configs.TryGetValue((commit, stack), out var cached))
        {
            return cached;
        }

        var tree = _repository.Lookup<Commit>(commit).Tree;
        var project = Text(tree, "Pulumi.yaml");
        var stackFile = Text(tree, $"Pulumi.{stack}.yaml");
        var config = project is null || stackFile is null ? null : StackFiles.Parse(project, stackFile, stack, $"{Short(commit)}:{_projectPath}Pulumi.yaml");
        _configs[(commit, stack)] = config;
        return config;
    }

    /// <summary>Every stack file of the project at <paramref name="commit"/>, grouped into environments.</summary>
    public Environments.ProjectStacks Layout(string commit)
    {
        var tree = _repository.Lookup<Commit>(commit).Tree;
        var folder = _projectPath.Length == 0 ? tree : tree[_projectPath.TrimEnd('/')]?.Target as Tree;
        var stacks = (folder ?? Enumerable.Empty<TreeEntry>())
            .Select(e => e.Name)
            .Where(name => name.StartsWith("Pulumi.", StringComparison.Ordinal) && name.EndsWith(".yaml", StringComparison.Ordinal) && name != "Pulumi.yaml")
            .Select(name => At(commit, name["Pulumi.".Length..^".yaml".Length]))
            .OfType<StackConfig>()
            .OrderBy(c => c.Stack, StringComparer.Ordinal)
            .ToList();
        return Environments.ProjectStacks.Group(stacks);
    }

    /// <summary>Whether the stack's files (Pulumi.yaml and its stack file) differ between two commits.</summary>
    public bool StackChanged(string before, string after, string stack)
        => !string.Equals(BlobId(before, "Pulumi.yaml"), BlobId(after, "Pulumi.yaml"), StringComparison.Ordinal)
            || !string.Equals(BlobId(before, $"Pulumi.{stack}.yaml"), BlobId(after, $"Pulumi.{stack}.yaml"), StringComparison.Ordinal);

    /// <summary>
    /// The clients the stack had at some commit up to <paramref name="upTo"/> (along first parents) and no longer had at a
    /// later one, each with the last commit that removed it. A version the parser rejects is skipped: it never deployed.
    /// </summary>
    public IReadOnlyList<EarlierClient> RemovedClients(string upTo, string stack)
    {
        // The deploy gate asks for the same commit once per step it previews from there; each answer walks all history.
        if (!_removed.TryGetValue((upTo, stack), out var found))
        {
            found = WalkRemovedClients(upTo, stack);
            _removed[(upTo, stack)] = found;
        }

        return found;
    }

    private List<EarlierClient> WalkRemovedClients(string upTo, string stack)
    {
        var removed = new Dictionary<(string Vault, string Secret), EarlierClient>();
        Dictionary<(string Vault, string Secret), (string Key, bool Retained)>? previous = null;
        string? previousCommit = null;
        foreach (var commit in CommitsBetween(null, upTo))
        {
            if (previousCommit is not null && !StackChanged(previousCommit, commit, stack))
            {
                previousCommit = commit;
                continue;
            }

            previousCommit = commit;
            var secrets = SecretsAt(commit, stack);
            if (secrets is null)
            {
                continue;
            }

            foreach (var (name, client) in previous ?? [])
            {
                if (!secrets.ContainsKey(name))
                {
                    var when = _repository.Lookup<Commit>(commit).Committer.When.UtcDateTime;
                    removed[name] = new EarlierClient(client.Key, name.Vault, name.Secret, client.Retained, Short(commit), DateOnly.FromDateTime(when));
                }
            }

            previous = secrets;
        }

        // A name in use again at the end is not an earlier client: whatever happened to it, it is the stack's now.
        return [.. removed.Where(r => previous?.ContainsKey(r.Key) != true).Select(r => r.Value).OrderBy(r => r.SecretName, StringComparer.Ordinal)];
    }

    /// <summary>Closes the repository.</summary>
    public void Dispose() => _repository.Dispose();

    private Dictionary<(string Vault, string Secret), (string Key, bool Retained)>? SecretsAt(string commit, string stack)
    {
        if (At(commit, stack) is not { } config)
        {
            return null;
        }

        AccessConfig access;
        try
        {
            access = AccessConfigParser.Parse(RawStackConfig.FromMap(config.Project, config.Stack, config.Values, auth0DomainVariable: null));
        }
        catch (ConfigValidationException)
        {
            return null;
        }

        var retained = access.KeyVault.PrivateDataPlane;
        return access.Clients.ToDictionary(
            c => (access.KeyVault.Name, ConsumerSecretLayout.SecretName(access.KeyVault, c)),
            c => (c.Key, retained));
    }

    private string? BlobId(string commit, string file)
        => _repository.Lookup<Commit>(commit).Tree[_projectPath + file]?.Target.Sha;

    private string? Text(Tree tree, string file)
        => tree[_projectPath + file]?.Target is Blob blob ? blob.GetContentText() : null;
}

/// <summary>The deploy gate cannot run: a repository or commit it needs is missing. Its message says which and why.</summary>
public sealed class DeployGateException(string message) : Exception(message);
