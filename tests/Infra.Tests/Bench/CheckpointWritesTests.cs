using System.Text;
using System.Text.Json;
using Infra.Bench.Checkpoint;

namespace Infra.Tests.Bench;

/// <summary>The benchmark's sum of checkpoints a diy backend writes, against a three-resource deploy computed by hand.</summary>
public class CheckpointWritesTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void ThreeCreatesAndOneComponentOutputsWriteSevenCheckpointsOfTheHandComputedSizes()
    {
        // head 24 bytes, tail 2; `,"resources":[` is 14 bytes, a pending operation adds 55 bytes around its state.
        var writes = new CheckpointWrites("{\"latest\":{\"manifest\":{}", "}}") { KeepSizes = true };
        var documents = new List<string>();

        var a = writes.Begin(B("{\"urn\":\"a\"}"));                 // 24 + (55 + 11) + 2          = 92
        documents.Add(writes.Render(B("{\"urn\":\"a\"}")));
        writes.End(a, B("{\"urn\":\"a\"}"));                        // 24 + (14 + 11 + 1) + 2      = 52
        documents.Add(writes.Render());
        var b = writes.Begin(B("{\"urn\":\"bb\"}"));                // 24 + 26 + (55 + 12) + 2     = 119
        documents.Add(writes.Render(B("{\"urn\":\"bb\"}")));
        writes.End(b, B("{\"urn\":\"bb\"}"));                       // 24 + (14 + 23 + 1 + 1) + 2  = 65
        documents.Add(writes.Render());
        var c = writes.Begin(B("{\"urn\":\"ccc\"}"));               // 24 + 39 + (55 + 13) + 2     = 133
        documents.Add(writes.Render(B("{\"urn\":\"ccc\"}")));
        writes.End(c, B("{\"urn\":\"ccc\"}"));                      // 24 + (14 + 36 + 2 + 1) + 2  = 79
        documents.Add(writes.Render());
        writes.Outputs(a, B("{\"urn\":\"a\",\"outputs\":{}}"));     // 24 + (14 + 49 + 2 + 1) + 2  = 92
        documents.Add(writes.Render());

        Assert.Equal([92L, 52, 119, 65, 133, 79, 92], writes.Sizes);
        Assert.Equal(documents.Select(d => (long)Encoding.UTF8.GetByteCount(d)), writes.Sizes!);
        Assert.All(documents, d => JsonDocument.Parse(d).Dispose());
        Assert.Equal(7, writes.Saves);
        Assert.Equal(632, writes.WrittenBytes);
        // Each save but the first copies the previous checkpoint to .bak first.
        Assert.Equal(632 - 92, writes.BackupCopyBytes);
        Assert.Equal(92, writes.LastSize);
        Assert.Equal("{\"latest\":{\"manifest\":{},\"resources\":[{\"urn\":\"a\",\"outputs\":{}},{\"urn\":\"bb\"},{\"urn\":\"ccc\"}]}}", documents[^1]);
    }
}
