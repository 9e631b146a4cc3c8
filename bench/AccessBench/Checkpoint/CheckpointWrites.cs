using System.Text;

namespace Infra.Bench.Checkpoint;

/// <summary>
/// The checkpoint a self-managed (diy) backend writes after each engine event, and the sum over a deployment.
/// Pulumi's snapshot manager saves the whole snapshot after every mutation it does not elide (pulumi/pulumi v3.259.0
/// pkg/backend/snapshot.go:932-961, defaultServiceLoop); the diy persister writes it as one file
/// (pkg/backend/diy/snapshot.go:34-37 → pkg/backend/diy/state.go:360-394, saveStack), compact JSON
/// (state.go:221-233), after copying the previous file to <c>.bak</c> (state.go:301, 452-475). On a first deploy no
/// mutation is elided: a create saves at its start (the operation pending, snapshot.go:426-437) and at its end
/// (snapshot.go:443-468), and a component's registered outputs save once more (snapshot.go:154-164; only equal old
/// and new outputs are elided, and a created resource has no old state).
/// </summary>
/// <remarks>
/// The document is <c>{"version":3,"checkpoint":{"stack":…,"latest":{"manifest":…,"secrets_providers":…,
/// "resources":[…],"pending_operations":[…],"metadata":{}}}}</c> (sdk/go/common/apitype/core.go:92-99, 124-131,
/// 156-174; empty lists are omitted). A resource's serialized entry is the same bytes in every checkpoint it is in
/// (only its secrets' nonces change, not their length), so each save's size is the envelope plus the entries present:
/// the sum over a deployment is computed without rendering every checkpoint. <see cref="Render"/> renders one, to
/// check the arithmetic.
/// </remarks>
public sealed class CheckpointWrites
{
    private static readonly byte[] ResourcesOpen = Encoding.UTF8.GetBytes(",\"resources\":[");
    private static readonly byte[] PendingOpen = Encoding.UTF8.GetBytes(",\"pending_operations\":[{\"resource\":");
    private static readonly byte[] PendingClose = Encoding.UTF8.GetBytes(",\"type\":\"creating\"}]");

    private readonly byte[] _head;
    private readonly byte[] _tail;
    private readonly List<byte[]?> _entries = [];
    private long _entryBytes;
    private int _present;
    private long _previousSize = -1;

    /// <summary>A deployment's checkpoints, each <paramref name="head"/> + resources + pending operations + <paramref name="tail"/>.</summary>
    /// <param name="head">Everything before the resources: version, stack, manifest, secrets provider.</param>
    /// <param name="tail">Everything after the pending operations: the metadata and the closing braces.</param>
    public CheckpointWrites(string head, string tail)
    {
        _head = Encoding.UTF8.GetBytes(head);
        _tail = Encoding.UTF8.GetBytes(tail);
    }

    /// <summary>Checkpoints written so far.</summary>
    public int Saves { get; private set; }

    /// <summary>Bytes of all checkpoints written so far: what the CLI uploads.</summary>
    public long WrittenBytes { get; private set; }

    /// <summary>Bytes of the <c>.bak</c> copies (the previous checkpoint, before each save but the first): copied inside the bucket.</summary>
    public long BackupCopyBytes { get; private set; }

    /// <summary>The size of the last checkpoint written.</summary>
    public long LastSize => _previousSize < 0 ? 0 : _previousSize;

    /// <summary>Every checkpoint's size, in order, when <see cref="KeepSizes"/> is set.</summary>
    public List<long>? Sizes { get; private set; }

    /// <summary>Whether to keep every checkpoint's size (for tests).</summary>
    public bool KeepSizes
    {
        get => Sizes is not null;
        init => Sizes = value ? [] : null;
    }

    /// <summary>A create starts: the checkpoint holds the resources so far and this one's pending operation.</summary>
    /// <returns>The slot the resource's entry will take.</returns>
    public int Begin(byte[] pendingState)
    {
        ArgumentNullException.ThrowIfNull(pendingState);
        _entries.Add(null);
        Save(PendingOpen.Length + pendingState.Length + PendingClose.Length);
        return _entries.Count - 1;
    }

    /// <summary>The create ends: the resource's state joins the list, in the slot <see cref="Begin"/> gave it.</summary>
    public void End(int slot, byte[] state) => Set(slot, state);

    /// <summary>A component's outputs are registered: its entry is replaced.</summary>
    public void Outputs(int slot, byte[] state) => Set(slot, state);

    private void Set(int slot, byte[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_entries[slot] is { } old)
        {
            _entryBytes -= old.Length;
        }
        else
        {
            _present++;
        }

        _entries[slot] = state;
        _entryBytes += state.Length;
        Save(0);
    }

    /// <summary>The size of the checkpoint as it stands, plus <paramref name="pendingBytes"/> of pending operations.</summary>
    public long Size(long pendingBytes = 0)
        => _head.Length
            + (_present == 0 ? 0 : ResourcesOpen.Length + _entryBytes + (_present - 1) + 1)
            + pendingBytes
            + _tail.Length;

    private void Save(long pendingBytes)
    {
        var size = Size(pendingBytes);
        Saves++;
        WrittenBytes += size;
        if (_previousSize >= 0)
        {
            BackupCopyBytes += _previousSize;
        }

        _previousSize = size;
        Sizes?.Add(size);
    }

    /// <summary>The checkpoint as it stands (without a pending operation), as the diy backend writes it.</summary>
    public string Render(byte[]? pendingState = null)
    {
        var builder = new StringBuilder().Append(Encoding.UTF8.GetString(_head));
        var present = _entries.Where(e => e is not null).ToList();
        if (present.Count > 0)
        {
            builder.Append(Encoding.UTF8.GetString(ResourcesOpen))
                .AppendJoin(',', present.Select(e => Encoding.UTF8.GetString(e!)))
                .Append(']');
        }

        if (pendingState is not null)
        {
            builder.Append(Encoding.UTF8.GetString(PendingOpen)).Append(Encoding.UTF8.GetString(pendingState)).Append(Encoding.UTF8.GetString(PendingClose));
        }

        return builder.Append(Encoding.UTF8.GetString(_tail)).ToString();
    }
}
