using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;
using Infra.Tests.Support;
using Pulumi;
using AzureSecret = Pulumi.AzureNative.KeyVault.Secret;
using AzureSecretArgs = Pulumi.AzureNative.KeyVault.SecretArgs;

namespace Infra.Tests;

/// <summary>Random valid stacks, run through the whole program, checked against invariants that hold for any config.</summary>
public partial class PropertyTests
{
    private sealed record GeneratedApi(string Key, string Identifier, string[] Scopes, int TokenLifetime);

    private sealed record GeneratedClient(string Key, string Owner, (int Api, int[] Scopes)[] Grants, (Guid Id, string Type)[] Readers, int Rotation, bool Disabled);

    private sealed record GeneratedStack(GeneratedApi[] Apis, GeneratedClient[] Clients, bool Protect)
    {
        public Dictionary<string, string> ToConfig()
        {
            var apis = new JsonArray(Apis.Select(a => (JsonNode)new JsonObject
            {
                ["key"] = a.Key,
                ["name"] = $"API {a.Key}",
                ["identifier"] = a.Identifier,
                ["tokenLifetime"] = a.TokenLifetime,
                ["scopes"] = new JsonArray(a.Scopes.Select(s => (JsonNode)new JsonObject { ["value"] = s, ["description"] = $"Allows {s}" }).ToArray()),
            }).ToArray());
            var clients = new JsonArray(Clients.Select(c => (JsonNode)new JsonObject
            {
                ["key"] = c.Key,
                ["name"] = $"Client {c.Key}",
                ["description"] = $"Generated client {c.Key}",
                ["owner"] = c.Owner,
                ["grants"] = new JsonArray(c.Grants.Select(g => (JsonNode)new JsonObject
                {
                    ["api"] = Apis[g.Api].Key,
                    ["scopes"] = new JsonArray(g.Scopes.Select(s => (JsonNode)Apis[g.Api].Scopes[s]).ToArray()),
                }).ToArray()),
                ["readers"] = c.Readers.Length == 0 ? null : new JsonArray(c.Readers.Select(r => (JsonNode)new JsonObject { ["objectId"] = r.Id.ToString(), ["principalType"] = r.Type }).ToArray()),
                ["rotation"] = c.Rotation == 0 ? null : c.Rotation,
                ["disabled"] = c.Disabled ? true : null,
            }).ToArray());
            foreach (var client in clients)
            {
                foreach (var unset in client!.AsObject().Where(kv => kv.Value is null).Select(kv => kv.Key).ToList())
                {
                    client.AsObject().Remove(unset);
                }
            }

            return new Dictionary<string, string>
            {
                ["auth0:domain"] = "generated.eu.auth0.com",
                ["infra:keyVault"] = """{"name":"kv-generated","resourceGroup":"rg-generated"}""",
                ["infra:apis"] = apis.ToJsonString(),
                ["infra:clients"] = clients.ToJsonString(),
                ["infra:protect"] = Protect ? "true" : "false",
            };
        }
    }

    private static readonly Gen<string> Word = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"], 1, 12];

    /// <summary>A non-empty subset of 0..count-1, in random order.</summary>
    private static Gen<int[]> Subset(int count) =>
        from picks in Gen.Bool.Array[count]
        from forced in Gen.Int[0, count - 1]
        from order in Gen.Int.Array[count]
        select Enumerable.Range(0, count).Where(i => picks[i] || i == forced).OrderBy(i => order[i]).ToArray();

    private static readonly Gen<GeneratedApi> Api =
        from key in Word
        from scopes in Word.Array[1, 5]
        from lifetime in Gen.Int[1, 86_400]
        select new GeneratedApi(key, $"https://{key}.generated.example", scopes.Select((s, i) => $"{s}:s{i}").ToArray(), lifetime);

    private static Gen<GeneratedClient> Client(GeneratedApi[] apis) =>
        from key in Word
        from owner in Gen.String[Gen.Char.AlphaNumeric, 1, 40]
        from granted in Subset(apis.Length)
        from masks in Gen.UInt.Array[apis.Length]
        from readers in Gen.Select(Gen.Guid, Gen.OneOf("ServicePrincipal", "Group")).Array[0, 2]
        from rotation in Gen.Int[0, 3]
        from disabled in Gen.Int[0, 3]
        select new GeneratedClient(key, owner, granted.Select(a => (a, ScopesFromMask(masks[a], apis[a].Scopes.Length))).ToArray(), readers.DistinctBy(r => r.Item1).ToArray(), rotation, disabled == 0);

    /// <summary>A non-empty subset of 0..count-1 (count at most 5) from the bits of one generated number.</summary>
    private static int[] ScopesFromMask(uint mask, int count)
    {
        var picked = Enumerable.Range(0, count).Where(i => (mask & (1u << i)) != 0).ToArray();
        return picked.Length > 0 ? picked : [(int)((mask >> 8) % (uint)count)];
    }

    private static readonly Gen<GeneratedStack> Stacks =
        from apis in Api.Array[1, 4]
        let uniqueApis = apis.Select((a, i) => a with { Key = $"{a.Key}-a{i}", Identifier = $"https://{a.Key}-a{i}.generated.example" }).ToArray()
        from clients in Client(uniqueApis).Array[1, 6]
        from protect in Gen.Bool
        select new GeneratedStack(uniqueApis, clients.Select((c, i) => c with { Key = $"{c.Key}-c{i}" }).ToArray(), protect);

    [Fact]
    public async Task Any_valid_config_yields_consistent_grants_credentials_secret_values_and_valid_unique_names()
    {
        await Stacks.SampleAsync(async stack => await CheckInvariants(stack), iter: 40, threads: 1, print: s => string.Join("\n", s.ToConfig().Select(kv => $"{kv.Key}: {kv.Value}")));
    }

    private static async Task CheckInvariants(GeneratedStack stack)
    {
        var (captured, fakes) = await StackHarness.RunCapturingAsync(stack.ToConfig());
        var registered = fakes.Registered;

        // Every grant's scopes are declared on its API.
        var declared = registered.Where(r => r.Type == ResourceTypes.ResourceServerScopes)
            .ToDictionary(r => r.Input<string>("resourceServerIdentifier"), r => r.Maps("scopes").Select(s => (string)s["name"]).ToHashSet());
        foreach (var grant in registered.Where(r => r.Type == ResourceTypes.ClientGrant))
        {
            Assert.Subset(declared[grant.Input<string>("audience")], grant.Strings("scopes").ToHashSet());
        }

        // Every client has exactly one credentials resource and one grant per granted API, with exactly its scopes.
        foreach (var client in stack.Clients)
        {
            Assert.Single(registered, r => r.Type == ResourceTypes.ClientCredentials && r.Name == client.Key);
            var expected = client.Grants.ToDictionary(g => $"{client.Key}--{stack.Apis[g.Api].Key}", g => g.Scopes.Select(s => stack.Apis[g.Api].Scopes[s]).Order(StringComparer.Ordinal).ToList());
            var actual = registered.Where(r => r.Type == ResourceTypes.ClientGrant && r.Input<string>("clientId") == ProviderFakes.ClientIdOf(client.Key))
                .ToDictionary(r => r.Name, r => r.Strings("scopes").ToList());
            Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), actual.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        }

        Assert.Equal(stack.Clients.Length, registered.Count(r => r.Type == ResourceTypes.ClientCredentials));

        // Every client has one document: a Pulumi secret as a whole, holding the secret Auth0 gets and, after a
        // rotation, the previous one; a disabled client's holds none, cannot be read, and has no reader.
        var documents = new List<string>();
        foreach (var secret in captured.Where(c => c.Resource is AzureSecret))
        {
            var value = ((Output<Pulumi.AzureNative.KeyVault.Inputs.SecretPropertiesArgs>)((AzureSecretArgs)secret.Args!).Properties).Apply(p => p.Value!);
            Assert.True(await Output.IsSecretAsync(value), secret.Resource.GetResourceName());
        }

        Assert.Equal(stack.Clients.Length, registered.Count(r => r.Type == ResourceTypes.Secret));
        // Two slots once a client has a fallback or is disabled; one for a client that never rotated.
        foreach (var client in stack.Clients)
        {
            Assert.Equal(
                client.Rotation == 0 && !client.Disabled ? [$"{client.Key}--slot0"] : [$"{client.Key}--slot0", $"{client.Key}--slot1"],
                registered.Where(r => r.Type == ResourceTypes.RandomPassword && r.Name.StartsWith($"{client.Key}--slot", StringComparison.Ordinal)).Select(r => r.Name).Order(StringComparer.Ordinal));
        }
        foreach (var client in stack.Clients)
        {
            var secret = registered.Single(r => r.Type == ResourceTypes.Secret && r.Name == $"m2m--{client.Key}");
            var properties = secret.Map("properties");
            documents.Add((string)properties["value"]);
            var document = Infra.Config.ConsumerCredentials.Parse((string)properties["value"]);
            var auth0Secret = registered.Single(r => r.Type == ResourceTypes.ClientCredentials && r.Name == client.Key).Input<string>("clientSecret");
            var readers = registered.Where(r => r.Type == ResourceTypes.RoleAssignment && r.Input<string>("scope").EndsWith($"/secrets/m2m--{client.Key}", StringComparison.Ordinal)).ToList();
            Assert.Equal((ProviderFakes.ClientIdOf(client.Key), client.Disabled, !client.Disabled), (document.ClientId, document.Disabled, (bool)((System.Collections.Immutable.ImmutableDictionary<string, object>)properties["attributes"])["enabled"]));
            Assert.Equal(client.Grants.Select(g => stack.Apis[g.Api].Key).Order(StringComparer.Ordinal), document.Audiences.Keys.Order(StringComparer.Ordinal));
            if (client.Disabled)
            {
                Assert.Equal((null, null), (document.ClientSecret, document.FallbackClientSecret));
                Assert.Empty(readers);
            }
            else
            {
                Assert.Equal(auth0Secret, document.ClientSecret);
                Assert.Equal(client.Rotation == 0, document.FallbackClientSecret is null);
                Assert.NotEqual(document.ClientSecret, document.FallbackClientSecret);
                Assert.Equal(client.Readers.Select(r => r.Id.ToString()).Order(StringComparer.Ordinal), readers.Select(r => r.Input<string>("principalId")).Order(StringComparer.Ordinal));
            }
        }

        // A disabled client's Auth0 secret is in no document.
        foreach (var client in stack.Clients.Where(c => c.Disabled))
        {
            var auth0Secret = registered.Single(r => r.Type == ResourceTypes.ClientCredentials && r.Name == client.Key).Input<string>("clientSecret");
            Assert.DoesNotContain(documents, d => d.Contains(auth0Secret, StringComparison.Ordinal));
        }

        // Every name is valid and unique: logical names per type, Key Vault names case-insensitively, assignment ids.
        Assert.Equal(registered.Count, registered.Select(r => (r.Type, r.Name)).Distinct().Count());
        var secretNames = registered.Where(r => r.Type == ResourceTypes.Secret).Select(r => r.Input<string>("secretName")).ToList();
        Assert.All(secretNames, n => Assert.Matches(KeyVaultSecretName(), n));
        Assert.Equal(secretNames.Count, secretNames.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        var assignments = registered.Where(r => r.Type == ResourceTypes.RoleAssignment).Select(r => r.Input<string>("roleAssignmentName")).ToList();
        Assert.Equal(assignments.Count, assignments.Distinct().Count());
        Assert.Equal(stack.Clients.Where(c => !c.Disabled).Sum(c => c.Readers.Length), assignments.Count);

        // No resource name, tag or registered output carries a client secret.
        var secrets = stack.Clients.Select(c => StackHarness.SecretOf(c.Key)).ToList();
        Assert.DoesNotContain(registered, r => secrets.Any(s => r.Name.Contains(s, StringComparison.Ordinal)));
        Assert.DoesNotContain(registered.Where(r => r.Type == ResourceTypes.Secret), r => r.Map("tags").Values.Cast<string>().Any(v => secrets.Any(v.Contains)));
        foreach (var outputs in fakes.RegisteredOutputs.Values)
        {
            foreach (var output in outputs.Values)
            {
                Assert.False(await Output.IsSecretAsync(output));
                var text = System.Text.Json.JsonSerializer.Serialize(await StackHarness.ValueAsync(output));
                Assert.DoesNotContain(secrets, s => text.Contains(s, StringComparison.Ordinal));
            }
        }

        // Protection covers what lives outside the state (never the passwords, the secrets or the assignments), except
        // of a disabled client, whose removal is the next step.
        var disabledKeys = stack.Clients.Where(c => c.Disabled).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        Assert.All(
            captured.Where(c => c.Resource is CustomResource && c.Resource.GetResourceType() is not (ResourceTypes.RoleAssignment or ResourceTypes.RandomPassword or ResourceTypes.Secret)),
            c => Assert.Equal(stack.Protect && !disabledKeys.Contains(c.Options.Parent?.GetResourceName() ?? ""), c.Options.Protect == true));
        Assert.DoesNotContain(captured, c => c.Resource.GetResourceType() is ResourceTypes.RoleAssignment or ResourceTypes.RandomPassword or ResourceTypes.Secret && c.Options.Protect == true);
    }

    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}$")]
    private static partial Regex KeyVaultSecretName();
}
