using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Infra.Bench.Checkpoint;

/// <summary>Property values as the engine serializes them into a checkpoint.</summary>
internal static class PulumiJson
{
    /// <summary>The key that marks a secret (sdk/go/common/resource/properties.go SecretSig), and its value.</summary>
    public const string SigKey = "4dabf18193072939515e22adb298388d";

    public const string SecretSig = "1b47061264138c4ac30d75fd1eb44270";

    // Go's encoder with SetEscapeHTML(false) (pulumi/pulumi v3.259.0 pkg/backend/diy/state.go:225-233) escapes only
    // quotes, backslashes and control characters: the relaxed encoder writes the same bytes for this data.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Secret(JsonNode? value) => new() { [SigKey] = SecretSig, ["value"] = value };

    public static bool IsSecret(JsonNode? node) => node is JsonObject o && o.TryGetPropertyValue(SigKey, out var sig) && sig?.GetValueKind() == JsonValueKind.String && sig.GetValue<string>() == SecretSig;

    /// <summary>The inputs a mock receives (plain values, secrets already unwrapped) as JSON.</summary>
    public static JsonObject FromPlain(ImmutableDictionary<string, object> values)
        => new(values.Select(kv => KeyValuePair.Create(kv.Key, FromPlainValue(kv.Value))));

    private static JsonNode? FromPlainValue(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b,
        double d => d,
        int i => i,
        ImmutableDictionary<string, object> map => FromPlain(map),
        ImmutableArray<object> array => new JsonArray([.. array.Select(FromPlainValue)]),
        _ => throw new InvalidOperationException($"unexpected input value {value.GetType()}"),
    };

    /// <summary>JSON as the plain values a mock returns: secrets unwrapped (the program marks its own).</summary>
    public static ImmutableDictionary<string, object> ToPlain(JsonObject node)
        => node.Where(kv => kv.Value is not null).ToImmutableDictionary(kv => kv.Key, kv => ToPlainValue(kv.Value)!);

    private static object? ToPlainValue(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o when IsSecret(o) => ToPlainValue(o["value"]),
        JsonObject o => ToPlain(o),
        JsonArray a => a.Select(ToPlainValue).Where(v => v is not null).Select(v => v!).ToImmutableArray(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => Number(node),
    };

    /// <summary>A number, whatever CLR type the node was built from.</summary>
    public static double Number(JsonNode node) => double.Parse(node.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A property map as a checkpoint holds it: keys sorted (Go marshals maps in key order), secrets encrypted as
    /// <c>{"4dabf…":"1b47…","ciphertext":…}</c> (pkg/resource/stack/deployment.go:844-880; apitype.SecretV1).
    /// </summary>
    public static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject o when IsSecret(o):
                writer.WriteStartObject();
                writer.WriteString(SigKey, SecretSig);
                writer.WriteString("ciphertext", Ciphertext(Plaintext(o["value"])));
                writer.WriteEndObject();
                break;
            case JsonObject o:
                writer.WriteStartObject();
                foreach (var (key, value) in o.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray a:
                writer.WriteStartArray();
                foreach (var item in a)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                var d = Number(v);
                if (d == Math.Floor(d) && Math.Abs(d) < 1e15)
                {
                    writer.WriteNumberValue((long)d);
                }
                else
                {
                    writer.WriteNumberValue(d);
                }

                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    /// <summary>Renders one JSON value with <see cref="Write"/>.</summary>
    public static byte[] Bytes(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// A secret's plaintext is its value's JSON (deployment.go:848-856, json.Marshal: Go's default HTML escaping
    /// writes &lt;, &gt; and &amp; as six-byte \u escapes).
    /// </summary>
    private static int Plaintext(JsonNode? value)
    {
        var json = Bytes(w => Write(w, value));
        return json.Length + (5 * json.Count(b => b is (byte)'<' or (byte)'>' or (byte)'&'));
    }

    /// <summary>
    /// The passphrase secrets manager's ciphertext of <paramref name="plaintextBytes"/> bytes: <c>v1:</c>, the base64 of
    /// a 12-byte nonce, <c>:</c>, the base64 of the AES-256-GCM output, plaintext plus its 16-byte tag
    /// (pulumi/pulumi v3.259.0 sdk/go/common/resource/config/crypt.go:179-183, 232-249). Random bytes, so that a
    /// compressed checkpoint compresses its secrets as little as the real one does.
    /// </summary>
    public static string Ciphertext(int plaintextBytes)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var sealedBytes = RandomNumberGenerator.GetBytes(plaintextBytes + 16);
        return new StringBuilder("v1:").Append(Convert.ToBase64String(nonce)).Append(':').Append(Convert.ToBase64String(sealedBytes)).ToString();
    }
}
