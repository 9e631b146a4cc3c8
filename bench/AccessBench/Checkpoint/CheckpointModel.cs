using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Tool;
using Pulumi;
using Pulumi.Testing;

namespace Infra.Bench.Checkpoint;

/// <summary>One stack's checkpoint and what its first deploy writes.</summary>
/// <param name="Stack">The stack name.</param>
/// <param name="Resources">Resources in the final checkpoint: the stack, the default providers, components, custom resources.</param>
/// <param name="Steps">Create steps of a first deploy: one per resource.</param>
/// <param name="CheckpointBytes">The final checkpoint's size, as the diy backend writes it.</param>
/// <param name="CheckpointGzipBytes">The same, gzip-compressed (<c>PULUMI_DIY_BACKEND_GZIP</c>).</param>
/// <param name="DiySaves">Checkpoints the diy backend writes during the first deploy.</param>
/// <param name="DiyBytes">Their bytes: what the CLI uploads.</param>
/// <param name="DiyBackupCopyBytes">The <c>.bak</c> copies the bucket makes before each save.</param>
/// <param name="JournalEntries">Journal entries a journaling backend receives.</param>
/// <param name="JournalBytes">Their JSON bytes.</param>
/// <param name="JournalGzipBytes">The same, in gzip-compressed batches of 100 (the most per request).</param>
public sealed record StackCheckpoint(
    string Stack,
    int Resources,
    int Steps,
    long CheckpointBytes,
    long CheckpointGzipBytes,
    int DiySaves,
    long DiyBytes,
    long DiyBackupCopyBytes,
    int JournalEntries,
    long JournalBytes,
    long JournalGzipBytes);

/// <summary>
/// Runs the program under <see cref="ProviderStateMocks"/>, taps what it registers, and builds each resource's entry
/// in Pulumi's deployment format (<c>apitype.ResourceV3</c>, pulumi/pulumi v3.259.0
/// sdk/go/common/apitype/core.go:489-565, fields in that order, empty ones omitted) as the engine builds it
/// (pkg/resource/deploy/step_generator.go:806-843; created/modified set by the create, pkg/resource/deploy/step.go:462-465).
/// Then replays a first deploy in the engine's create order against a diy backend and a journaling one.
/// </summary>
public static class CheckpointModel
{
    private const string Project = "infra";

    // Go marshals time.Time as RFC 3339 with nanoseconds: 30 characters in UTC.
    private const string Time = "2026-11-28T10:15:30.123456789Z";

    // The versions the program's packages request (Directory.Packages.props); a default provider is named after its
    // version (pkg/resource/deploy/providers/provider.go:107-128).
    private static readonly Dictionary<string, string> ProviderVersions = new(StringComparer.Ordinal)
    {
        ["auth0"] = "3.49.0",
        ["azure-native"] = "3.28.0",
        ["random"] = "4.21.1",
    };

    /// <summary>Runs the program for one stack's config and models its checkpoint.</summary>
    /// <param name="stack">The stack name.</param>
    /// <param name="config">The stack's config, as the CLI passes it (project defaults included).</param>
    public static async Task<StackCheckpoint> Measure(string stack, Dictionary<string, string> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", StackFiles.ToEnvironmentValue(config));
        var mocks = new ProviderStateMocks();
        var log = new RegistrationLog();
        var (_, outputs) = await Deployment.TestAsync(mocks, new TestOptions { ProjectName = Project, StackName = stack, IsPreview = false }, () =>
        {
            log.Install();
            return AccessStack.Define();
        });

        // Under the mock engine the stack registers no outputs (the SDK's TestStack hands them back instead); under
        // `pulumi up` the stack registers what the program returns, resolved.
        var stackOutputs = new JsonObject();
        foreach (var (key, value) in outputs)
        {
            stackOutputs[key] = await Resolve(value);
        }

        var model = new Builder(stack, mocks, stackOutputs);
        return model.Replay(log.Events);
    }

    private static async Task<JsonNode?> Resolve(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case string s:
                return s;
            case bool b:
                return b;
            case int i:
                return i;
            case double d:
                return d;
            case System.Collections.IDictionary map:
                var o = new JsonObject();
                foreach (System.Collections.DictionaryEntry entry in map)
                {
                    o[entry.Key.ToString()!] = await Resolve(entry.Value);
                }

                return o;
            case System.Collections.IEnumerable list:
                var a = new JsonArray();
                foreach (var item in list)
                {
                    a.Add(await Resolve(item));
                }

                return a;
        }

        var type = value.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Output<>))
        {
            // Output<T>.GetValueAsync(T whenUnknown) is internal in Pulumi 3.112.1 (sdk/Pulumi/Core/Output.cs).
            var method = type.GetMethod("GetValueAsync", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)
                ?? throw new InvalidOperationException("Output<T>.GetValueAsync not found (Pulumi SDK changed)");
            var task = (Task)method.Invoke(value, [null])!;
            await task;
            return await Resolve(task.GetType().GetProperty("Result")!.GetValue(task));
        }

        throw new InvalidOperationException($"unexpected stack output {type}");
    }

    private sealed class Resource
    {
        public required string Urn { get; init; }

        public required string Type { get; init; }

        public required bool Custom { get; init; }

        public required JsonObject Inputs { get; init; }

        public string? Id { get; set; }

        public JsonObject? Outputs { get; set; }

        public string? Parent { get; init; }

        public bool Protect { get; init; }

        public List<string> Dependencies { get; init; } = [];

        public string? Provider { get; init; }

        public SortedDictionary<string, List<string>>? PropertyDependencies { get; init; }

        public List<string> AdditionalSecretOutputs { get; init; } = [];

        public string? ImportId { get; init; }

        public bool RetainOnDelete { get; init; }

        public List<string> IgnoreChanges { get; init; } = [];
    }

    private enum Phase
    {
        Begin,
        Created,
        WithOutputs,
    }

    private sealed class Builder(string stack, ProviderStateMocks mocks, JsonObject stackOutputs)
    {
        private readonly Dictionary<string, string> _urns = new(StringComparer.Ordinal); // mock URN → engine URN
        private readonly Dictionary<string, Resource> _byUrn = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _providers = new(StringComparer.Ordinal); // package → reference
        private readonly List<(bool Create, Resource Resource)> _events = [];

        private string StackUrn => $"urn:pulumi:{stack}::{Project}::pulumi:pulumi:Stack::{Project}-{stack}";

        public StackCheckpoint Replay(IReadOnlyList<(string Kind, JsonObject Request)> log)
        {
            if (!log.Any(e => e.Kind == "RegisterResourceRequest" && Str(e.Request, "type") == "pulumi:pulumi:Stack"))
            {
                // The stack registers before the program's first line, where the tap goes in: as the SDK sends it.
                Add(new JsonObject { ["type"] = "pulumi:pulumi:Stack", ["name"] = $"{Project}-{stack}" });
            }

            foreach (var (kind, request) in log)
            {
                if (kind == "RegisterResourceRequest")
                {
                    Add(request);
                }
                else if (Str(request, "urn") == StackUrn)
                {
                    // The test stack's (empty) outputs; the program's are below.
                }
                else if (_urns.TryGetValue(Str(request, "urn"), out var urn) && _byUrn.TryGetValue(urn, out var component))
                {
                    component.Outputs = Obj(request, "outputs");
                    _events.Add((false, component));
                }
            }

            // The engine keeps the stack's outputs until every step is done (pkg/resource/deploy/step_executor.go:223-231).
            var root = _byUrn[StackUrn];
            root.Outputs = stackOutputs;
            _events.Add((false, root));

            return Simulate();
        }

        private static string Str(JsonObject o, string key) => o[key]?.GetValue<string>() ?? "";

        private static bool Bool(JsonObject o, string key) => o[key]?.GetValue<bool>() ?? false;

        private static List<string> List(JsonObject o, string key) => o[key]?.AsArray().Select(v => v!.GetValue<string>()).ToList() ?? [];

        private static JsonObject Obj(JsonObject o, string key) => o[key]?.DeepClone().AsObject() ?? [];

        private void Add(JsonObject request)
        {
            var type = Str(request, "type");
            var name = Str(request, "name");
            var custom = Bool(request, "custom");
            var mockParent = Str(request, "parent");
            var mockUrn = MockUrn(mockParent, type, name);
            var parent = string.IsNullOrEmpty(mockParent) ? null : _urns.GetValueOrDefault(mockParent, mockParent);
            var urn = type == "pulumi:pulumi:Stack" ? StackUrn : EngineUrn(parent, type, name);
            _urns[mockUrn] = urn;
            var inputs = Obj(request, "object");
            var dependencies = List(request, "dependencies").Select(Engine).Distinct(StringComparer.Ordinal).ToList();
            var sentDependencies = request["propertyDependencies"]?.AsObject();
            SortedDictionary<string, List<string>>? propertyDependencies = null;
            if (type != "pulumi:pulumi:Stack")
            {
                // Every input property gets an entry, an empty list when nothing flows into it
                // (pkg/resource/deploy/source_eval.go:2319-2338, 2559-2574).
                propertyDependencies = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
                foreach (var key in inputs.Select(kv => kv.Key))
                {
                    propertyDependencies[key] = sentDependencies?[key] is JsonObject deps
                        ? [.. List(deps, "urns").Select(Engine).Distinct(StringComparer.Ordinal)]
                        : [];
                }
            }

            string? provider = null;
            if (custom)
            {
                var package = type.Split(':')[0];
                if (!_providers.TryGetValue(package, out provider))
                {
                    provider = AddDefaultProvider(package, Str(request, "version"));
                }
            }

            var importId = Str(request, "importId");
            var resource = new Resource
            {
                Urn = urn,
                Type = type,
                Custom = custom,
                Inputs = inputs,
                Parent = type == "pulumi:pulumi:Stack" ? null : parent ?? StackUrn,
                Protect = Bool(request, "protect"),
                Dependencies = dependencies,
                Provider = provider,
                PropertyDependencies = propertyDependencies,
                AdditionalSecretOutputs = List(request, "additionalSecretOutputs"),
                ImportId = importId.Length == 0 ? null : importId,
                RetainOnDelete = Bool(request, "retainOnDelete"),
                IgnoreChanges = List(request, "ignoreChanges"),
            };
            if (custom)
            {
                var (id, outputs) = mocks.Outputs[(type, name)];
                resource.Id = id;
                resource.Outputs = MarkSecrets(outputs, inputs, resource.AdditionalSecretOutputs);
            }

            _byUrn[urn] = resource;
            _events.Add((true, resource));
        }

        private string Engine(string mockUrn) => _urns.GetValueOrDefault(mockUrn, mockUrn);

        /// <summary>
        /// An output is secret when the schema says so (marked by <see cref="ProviderStateMocks"/>), when the program
        /// lists it in additionalSecretOutputs, or when the input of the same name was secret (the providers return a
        /// secret input's value as a secret output).
        /// </summary>
        private static JsonObject MarkSecrets(JsonObject outputs, JsonObject inputs, List<string> additional)
        {
            var marked = outputs.DeepClone().AsObject();
            foreach (var key in marked.Select(kv => kv.Key).ToList())
            {
                if (!PulumiJson.IsSecret(marked[key]) && (additional.Contains(key) || PulumiJson.IsSecret(inputs[key])))
                {
                    marked[key] = PulumiJson.Secret(marked[key]?.DeepClone());
                }
            }

            return marked;
        }

        private string AddDefaultProvider(string package, string requested)
        {
            var version = string.IsNullOrEmpty(requested) ? ProviderVersions[package] : requested;
            var urn = $"urn:pulumi:{stack}::{Project}::pulumi:providers:{package}::default_{version.Replace('.', '_')}";
            // A provider's id is a UUID; its inputs are its config from the stack (auth0:domain) and its version. The
            // credentials come from the environment in a pipeline, and so are not in the state.
            var id = ProviderStateMocks.Token("provider/" + package, 8, "0123456789abcdef") + "-4b1e-4c2d-9e3f-" + ProviderStateMocks.Token("provider-tail/" + package, 12, "0123456789abcdef");
            var inputs = new JsonObject { ["version"] = version };
            if (package == "auth0")
            {
                inputs["domain"] = "bench.eu.auth0.com";
            }

            var resource = new Resource { Urn = urn, Type = $"pulumi:providers:{package}", Custom = true, Inputs = inputs, Id = id, Outputs = inputs.DeepClone().AsObject() };
            _byUrn[urn] = resource;
            _events.Add((true, resource));
            return _providers[package] = $"{urn}::{id}";
        }

        private string EngineUrn(string? parent, string type, string name)
        {
            // pkg/resource/deploy/deployment.go:796-805: the parent's whole qualified type, except the root stack's.
            var parentType = parent is null || parent == StackUrn ? "" : parent.Split("::")[2] + "$";
            return $"urn:pulumi:{stack}::{Project}::{parentType}{type}::{name}";
        }

        // The mock monitor's scheme (Pulumi 3.112.1 sdk/Pulumi/Testing/MockMonitor.cs:187-196), to read its URNs back.
        private string MockUrn(string parent, string type, string name)
        {
            if (type == "pulumi:pulumi:Stack")
            {
                return StackUrn;
            }

            if (!string.IsNullOrEmpty(parent))
            {
                type = parent.Split("::")[2].Split('$')[0] + "$" + type;
            }

            return $"urn:pulumi:{stack}::{Project}::{type}::{name}";
        }

        private static byte[] Entry(Resource r, Phase phase) => PulumiJson.Bytes(w =>
        {
            w.WriteStartObject();
            w.WriteString("urn", r.Urn);
            w.WriteBoolean("custom", r.Custom);
            if (phase != Phase.Begin && r.Id is not null)
            {
                w.WriteString("id", r.Id);
            }

            w.WriteString("type", r.Type);
            if (r.Inputs.Count > 0)
            {
                w.WritePropertyName("inputs");
                PulumiJson.Write(w, r.Inputs);
            }

            var outputs = phase switch
            {
                Phase.Begin => null,
                Phase.Created => r.Custom ? r.Outputs : null, // a component's outputs arrive with RegisterResourceOutputs
                _ => r.Outputs,
            };
            if (outputs is { Count: > 0 })
            {
                w.WritePropertyName("outputs");
                PulumiJson.Write(w, outputs);
            }

            if (r.Parent is not null)
            {
                w.WriteString("parent", r.Parent);
            }

            if (r.Protect)
            {
                w.WriteBoolean("protect", true);
            }

            WriteList(w, "dependencies", r.Dependencies);
            if (r.Provider is not null)
            {
                w.WriteString("provider", r.Provider);
            }

            if (r.PropertyDependencies is { Count: > 0 })
            {
                w.WriteStartObject("propertyDependencies");
                foreach (var (key, deps) in r.PropertyDependencies)
                {
                    w.WriteStartArray(key);
                    deps.ForEach(w.WriteStringValue);
                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            WriteList(w, "additionalSecretOutputs", r.AdditionalSecretOutputs);
            if (r.ImportId is not null)
            {
                w.WriteString("importID", r.ImportId);
            }

            if (r.RetainOnDelete)
            {
                w.WriteBoolean("retainOnDelete", true);
            }

            if (phase != Phase.Begin)
            {
                w.WriteString("created", Time);
                w.WriteString("modified", Time);
            }

            WriteList(w, "ignoreChanges", r.IgnoreChanges);
            w.WriteEndObject();
        });

        private static void WriteList(Utf8JsonWriter w, string name, List<string> values)
        {
            if (values.Count == 0)
            {
                return;
            }

            w.WriteStartArray(name);
            values.ForEach(w.WriteStringValue);
            w.WriteEndArray();
        }

        private StackCheckpoint Simulate()
        {
            // diy: {"version":3,"checkpoint":{"stack":"organization/<project>/<stack>","latest":{"manifest":…,
            // "secrets_providers":…, then resources, pending operations, "metadata":{}}}} (core.go:92-99, 124-131, 156-174).
            // The manifest's magic is a SHA-256 in hex (core.go:585-590); the passphrase manager's state is its salt,
            // "v1:" + base64(8 bytes) + ":" + the ciphertext of "pulumi" (pkg/secrets/passphrase/manager.go:92, 164-175).
            var magic = new string('0', 64);
            var salt = "v1:" + Convert.ToBase64String(new byte[8]) + ":" + PulumiJson.Ciphertext("pulumi".Length);
            var head = $"{{\"version\":3,\"checkpoint\":{{\"stack\":\"organization/{Project}/{stack}\",\"latest\":{{\"manifest\":{{\"time\":\"{Time}\",\"magic\":\"{magic}\",\"version\":\"v3.259.0\"}},\"secrets_providers\":{{\"type\":\"passphrase\",\"state\":{{\"salt\":\"{salt}\"}}}}";
            const string tail = ",\"metadata\":{}}}}";
            var diy = new CheckpointWrites(head, tail);

            // Journaling (Pulumi Cloud): one entry to start (the secrets manager, pkg/engine/journal_snapshot.go:234-239,
            // 881-894), then per create a begin entry with the operation and a success entry with the state
            // (journal_snapshot.go:587-628), per registered outputs an outputs entry with the state
            // (journal_snapshot.go:218-231); every entry is sent, elided or not (pkg/backend/httpstate/journal/snapshot.go:68-139),
            // in batches of up to 100 (journal/snapshot.go:311-330), gzip-compressed (pkg/backend/httpstate/client/client.go:2371-2379).
            var journal = new List<byte[]>
            {
                Encoding.UTF8.GetBytes("{\"version\":1,\"kind\":6,\"sequenceID\":1,\"operationID\":0,\"removeOld\":null,\"removeNew\":null,\"secretsProvider\":{\"type\":\"service\",\"state\":{\"url\":\"https://api.pulumi.com\",\"owner\":\"acme\",\"project\":\"infra\",\"stack\":\"" + stack + "\"}}}"),
            };
            long sequence = 1;
            long operation = 0;
            var slots = new Dictionary<Resource, (int Slot, long Operation)>();
            foreach (var (create, resource) in _events)
            {
                if (create)
                {
                    var begin = Entry(resource, Phase.Begin);
                    var created = Entry(resource, Phase.Created);
                    var slot = diy.Begin(begin);
                    diy.End(slot, created);
                    operation++;
                    slots[resource] = (slot, operation);
                    journal.Add(JournalEntry(0, ++sequence, operation, null, "operation", $"{{\"resource\":{Encoding.UTF8.GetString(begin)},\"type\":\"creating\"}}"));
                    journal.Add(JournalEntry(1, ++sequence, operation, null, "state", Encoding.UTF8.GetString(created)));
                }
                else
                {
                    var (slot, created) = slots[resource];
                    var withOutputs = Entry(resource, Phase.WithOutputs);
                    diy.Outputs(slot, withOutputs);
                    journal.Add(JournalEntry(4, ++sequence, ++operation, created, "state", Encoding.UTF8.GetString(withOutputs)));
                }
            }

            var final = Encoding.UTF8.GetBytes(diy.Render());
            if (final.Length != diy.LastSize)
            {
                throw new InvalidOperationException($"checkpoint arithmetic: rendered {final.Length} bytes, computed {diy.LastSize}");
            }

            // To read the model: the final checkpoint of each stack, as the diy backend would write it.
            if (Environment.GetEnvironmentVariable("ACCESS_BENCH_CHECKPOINT_DIR") is { Length: > 0 } dir)
            {
                Directory.CreateDirectory(dir);
                File.WriteAllBytes(Path.Combine(dir, $"{stack}.json"), final);
            }

            long journalGzip = 0;
            foreach (var batch in journal.Chunk(100))
            {
                var body = "{\"entries\":[" + string.Join(',', batch.Select(Encoding.UTF8.GetString)) + "]}";
                journalGzip += Gzip(Encoding.UTF8.GetBytes(body));
            }

            return new StackCheckpoint(
                stack,
                Resources: slots.Count,
                Steps: slots.Count,
                CheckpointBytes: final.Length,
                CheckpointGzipBytes: Gzip(final),
                DiySaves: diy.Saves,
                DiyBytes: diy.WrittenBytes,
                DiyBackupCopyBytes: diy.BackupCopyBytes,
                JournalEntries: journal.Count,
                JournalBytes: journal.Sum(e => (long)e.Length),
                JournalGzipBytes: journalGzip);
        }

        // apitype.JournalEntry's fields in order (sdk/go/common/apitype/journal.go:64-109): removeOld and removeNew
        // have no omitempty; an outputs entry names the operation whose resource it replaces (journal_snapshot.go:229).
        private static byte[] JournalEntry(int kind, long sequence, long operation, long? removeNew, string payloadName, string payload)
            => Encoding.UTF8.GetBytes($"{{\"version\":1,\"kind\":{kind},\"sequenceID\":{sequence},\"operationID\":{operation},\"removeOld\":null,\"removeNew\":{(removeNew is { } r ? r.ToString(System.Globalization.CultureInfo.InvariantCulture) : "null")},\"{payloadName}\":{payload}}}");

        private static long Gzip(byte[] bytes)
        {
            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            {
                gzip.Write(bytes);
            }

            return output.Length;
        }
    }
}
