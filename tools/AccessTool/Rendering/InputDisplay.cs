using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Infra.Components;

namespace Infra.Tool.Rendering;

/// <summary>
/// How the text reports show a resource's inputs: the few that matter for its type on one line, or all of them, and
/// never a secret, a provider placeholder or a long value verbatim.
/// </summary>
internal static partial class InputDisplay
{
    /// <summary>What a value only the provider will know (an id, a client id) is shown as.</summary>
    public const string KnownAfterApply = "(known after apply)";

    /// <summary>Values longer than this (or on several lines) are shown as their size and hash, not inline.</summary>
    public const int LongValueLength = 200;

    /// <summary>One input shown on a resource's line: its label, where it is in the inputs, and how to show it.</summary>
    private sealed record Field(string Label, string Path, Func<JsonNode?, string?>? Show = null);

    /// <summary>
    /// The inputs that matter, per resource type: the one place that chooses them. Components have no inputs of their
    /// own; a type missing here shows none (the test of this table fails first).
    /// </summary>
    private static readonly Dictionary<string, Field[]> KeyInputs = new(StringComparer.Ordinal)
    {
        ["auth0:index/action:Action"] = [new("name", "name"), new("runtime", "runtime"), new("code", "code")],
        ["auth0:index/triggerAction:TriggerAction"] = [new("trigger", "trigger"), new("actionId", "actionId")],
        ["auth0:index/resourceServer:ResourceServer"] = [new("identifier", "identifier"), new("tokenLifetime", "tokenLifetime")],
        ["auth0:index/resourceServerScopes:ResourceServerScopes"] = [new("scopes", "scopes", Names)],
        ["auth0:index/client:Client"] = [new("name", "name"), new("appType", "appType"), new("owner", "clientMetadata.owner"), new("expires", "clientMetadata.expires_at")],
        ["random:index/randomPassword:RandomPassword"] = [new("keepers", "keepers"), new("length", "length")],
        ["auth0:index/clientGrant:ClientGrant"] = [new("audience", "audience"), new("scopes", "scopes")],
        ["auth0:index/clientCredentials:ClientCredentials"] = [new("authenticationMethod", "authenticationMethod"), new("clientSecret", "clientSecret"), new("keys", "privateKeyJwt.credentials", Keys)],
        ["tls:index/privateKey:PrivateKey"] = [new("algorithm", "algorithm"), new("rsaBits", "rsaBits")],
        ["azure-native:keyvault:Secret"] = [new("secretName", "secretName"), new("contentType", "properties.contentType"), new("expires", "properties.attributes.expires", UnixDate), new("value", "properties.value")],
        ["azure-native:authorization:RoleAssignment"] = [new("principalId", "principalId"), new("principalType", "principalType"), new("role", "roleDefinitionId", RoleName)],
        ["azure-native:resources:ResourceGroup"] = [new("resourceGroupName", "resourceGroupName"), new("location", "location")],
        ["azure-native:keyvault:Vault"] = [new("vaultName", "vaultName"), new("location", "location"), new("publicNetworkAccess", "properties.publicNetworkAccess")],
    };

    /// <summary>Whether the table above chooses the inputs of <paramref name="type"/>.</summary>
    public static bool Chooses(string type) => KeyInputs.ContainsKey(type);

    /// <summary>The inputs that matter for <paramref name="type"/> on one line (<c>name: x, appType: y</c>); empty for a component.</summary>
    public static string Summary(string type, JsonObject inputs, IReadOnlySet<string> placeholders)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!KeyInputs.TryGetValue(type, out var fields))
        {
            return "";
        }

        return string.Join(", ", fields
            .Select(f => (Field: f, Node: At(inputs, f.Path)))
            .Where(f => f.Node is not null)
            .Select(f => $"{f.Field.Label}: {f.Field.Show?.Invoke(f.Node) ?? Value(f.Node, placeholders)}"));
    }

    /// <summary>Every input, one <c>path: value</c> line each: objects flattened to dotted paths, lists of objects indexed.</summary>
    public static IEnumerable<string> Details(JsonObject inputs, IReadOnlySet<string> placeholders)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        // A component has no inputs of its own: no lines rather than an empty map.
        return inputs.Count == 0 ? [] : Flatten(inputs, "").Select(p => $"{p.Path}: {Value(p.Node, placeholders)}");
    }

    /// <summary>One value as the text reports show it: strings bare unless that would mislead, lists and maps inline.</summary>
    public static string Value(JsonNode? node, IReadOnlySet<string> placeholders) => node switch
    {
        null => "(none)",
        JsonArray list => $"[{string.Join(", ", list.Select(item => Value(item, placeholders)))}]",
        JsonObject map => $"{{{string.Join(", ", map.Select(p => $"{p.Key}: {Value(p.Value, placeholders)}"))}}}",
        JsonValue value when value.TryGetValue<string>(out var text) => Text(text, placeholders),
        _ => node.ToJsonString(),
    };

    private static string Text(string text, IReadOnlySet<string> placeholders)
    {
        if (text == "[secret]")
        {
            return text;
        }

        if (IsUnknown(text, placeholders))
        {
            return KnownAfterApply;
        }

        if (text.Length > LongValueLength || text.Contains('\n', StringComparison.Ordinal))
        {
            return Digest(text);
        }

        // Quoted where the bare text could pass for a list, a marker or two values.
        var quote = text.Length == 0 || text.Trim().Length != text.Length || text.IndexOfAny([',', '"', '[', ']', '{', '}']) >= 0 || text[0] is '(' or '<';
        return quote ? System.Text.Json.JsonSerializer.Serialize(text) : text;
    }

    /// <summary>A long value as its size and a prefix of its SHA-256: enough to tell whether it changed, not to read it.</summary>
    public static string Digest(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..8];
        return string.Create(CultureInfo.InvariantCulture, $"<{bytes.Length:N0} bytes, sha256 {hash}>");
    }

    /// <summary>Whether the value is, or embeds, an output the offline run only had a placeholder for.</summary>
    private static bool IsUnknown(string text, IReadOnlySet<string> placeholders)
        // Looked up by shape first: a large stack has thousands of placeholders and tens of thousands of values.
        => text.Contains(" of ", StringComparison.Ordinal) && PlaceholderShape().Matches(text).Any(m => placeholders.Contains(m.Value));

    [GeneratedRegex(@"\([a-z ]+ of [^()]+\)", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderShape();

    private static IEnumerable<(string Path, JsonNode? Node)> Flatten(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject map when map.Count > 0:
                foreach (var (key, value) in map)
                {
                    foreach (var leaf in Flatten(value, path.Length == 0 ? key : $"{path}.{key}"))
                    {
                        yield return leaf;
                    }
                }

                break;
            case JsonArray list when list.Count > 0 && list.All(item => item is JsonObject):
                for (var i = 0; i < list.Count; i++)
                {
                    foreach (var leaf in Flatten(list[i], string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]")))
                    {
                        yield return leaf;
                    }
                }

                break;
            default:
                yield return (path, node);
                break;
        }
    }

    private static JsonNode? At(JsonObject inputs, string path)
    {
        JsonNode? node = inputs;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject map ? map[part] : null;
        }

        return node;
    }

    /// <summary>A list of objects by their <c>name</c>s: the scopes of an API.</summary>
    private static string? Names(JsonNode? node)
        => node is JsonArray list ? $"[{string.Join(", ", list.Select(item => item?["name"]?.GetValue<string>()))}]" : null;

    /// <summary>The public keys Auth0 is given: each credential's name and the day it expires.</summary>
    private static string? Keys(JsonNode? node)
        => node is JsonArray list
            ? $"[{string.Join(", ", list.Select(item => item?["expiresAt"]?.GetValue<string>() is { Length: >= 10 } expires ? $"{item["name"]?.GetValue<string>()} (expires {expires[..10]})" : item?["name"]?.GetValue<string>()))}]"
            : null;

    /// <summary>Key Vault keeps expiry as Unix seconds; the config wrote a date.</summary>
    private static string? UnixDate(JsonNode? node)
        => node is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.Number && long.TryParse(value.ToJsonString(), CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : null;

    /// <summary>A role definition id by the role's name, for the two roles this program assigns.</summary>
    private static string? RoleName(JsonNode? node)
        => node is JsonValue value && value.TryGetValue<string>(out var id)
            ? id[(id.LastIndexOf('/') + 1)..] switch
            {
                KeyVaultRoles.SecretsUser => "Key Vault Secrets User",
                KeyVaultRoles.SecretsOfficer => "Key Vault Secrets Officer",
                _ => null,
            }
            : null;
}
