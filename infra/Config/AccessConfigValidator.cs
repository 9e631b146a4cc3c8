using System.Text.RegularExpressions;

namespace Infra.Config;

/// <summary>
/// The rules a parsed config must meet: references resolve, keys are unique, and every value fits Auth0's and
/// Key Vault's limits. Blank values were already reported by the parser and are skipped here.
/// </summary>
internal static partial class AccessConfigValidator
{
    // Limits documented by Auth0's Management API and by Azure Key Vault.
    internal const int MaxApiName = 200;
    internal const int MaxIdentifier = 600;
    internal const int MaxScopeValue = 280;
    internal const int MaxScopeDescription = 500;
    internal const int MaxClientDescription = 140;
    internal const int MaxMetadataValue = 255;
    internal const int MaxTokenLifetime = 2_592_000;
    // Keys are lowercase with single hyphens and the prefix is at most 32 characters, so every secret name
    // ConsumerSecretLayout builds fits Key Vault's 127 and no two differ only in case: nothing to check per name.
    internal const int MaxKeyLength = 40;
    internal const int MaxSecretPrefix = 32;

    /// <summary>The longest maximum credential lifetime a stack may set: ten years.</summary>
    internal const int MaxCredentialLifetimeCeilingDays = 3650;

    /// <summary>
    /// The last expiry date Key Vault's <c>exp</c> attribute takes from this program: azure-native's
    /// <c>SecretAttributesArgs.Expires</c> is an <c>int</c> of Unix seconds, and 2038-01-19T00:00:00Z (2,147,472,000)
    /// is the last midnight below <see cref="int.MaxValue"/>.
    /// </summary>
    public static readonly DateOnly LatestKeyVaultExpiry = new(2038, 1, 19);

    public static IEnumerable<ConfigProblem> Validate(AccessConfig config, string ns, DateOnly? today = null)
    {
        var problems = new List<ConfigProblem>();
        if (config.Policy.Production && !config.Policy.Protect)
        {
            problems.Add(new($"{ns}:protect", $"must be true in a production stack ({ns}:production is true): protection is what stops a `pulumi up` from deleting a live client, grant or secret."));
        }

        if (config.Policy.DefaultTokenLifetimeSeconds is < 1 or > MaxTokenLifetime)
        {
            problems.Add(new($"{ns}:tokenLifetime", $"must be between 1 and {MaxTokenLifetime} seconds (30 days, Auth0's limit); {AccessConfigParser.DefaultTokenLifetimeSeconds} is the default."));
        }

        ValidateTenant(config.Tenant, problems);
        ValidateKeyVault(config.KeyVault, $"{ns}:keyVault", problems);
        var apis = ValidateApis(config, ns, problems);
        ValidateClients(config, ns, apis, problems);
        ValidateAuthentication(config, ns, problems);
        ValidateLifecycle(config, ns, today, problems);
        ValidateCapacity(config, ns, problems);
        ValidatePreviousKeys(config.Apis.Select(a => (a.Key, a.PreviousKeys)).ToList(), $"{ns}:apis", "orders-api", problems);
        ValidatePreviousKeys(config.Clients.Select(c => (c.Key, c.PreviousKeys)).ToList(), $"{ns}:clients", "orders-sync", problems);
        ValidateImports(config.Apis.Select((a, i) => (a.ImportId, $"{ns}:apis[{i}].import")), ResourceServerId(), "the resource server's Auth0 id: 24 lowercase hexadecimal characters (Auth0 dashboard > Applications > APIs > the API's id)", problems);
        ValidateImports(config.Clients.Select((c, i) => (c.ImportId, $"{ns}:clients[{i}].import")), ClientId(), "an Auth0 client id: 32 letters and digits (Auth0 dashboard > Applications > the application's Client ID)", problems);
        ValidateImports(
            config.Clients.SelectMany((c, i) => c.Grants.Select((g, j) => (g.ImportId, $"{ns}:clients[{i}].grants[{j}].import"))),
            ClientGrantId(),
            "an Auth0 client grant id: cgr_ and 16 letters and digits (Management API GET /api/v2/client-grants)",
            problems);
        return problems;
    }

    private static void ValidateTenant(Auth0Tenant tenant, List<ConfigProblem> problems)
    {
        if (tenant.Domain.Length == 0)
        {
            problems.Add(new("auth0:domain", "is required: run `pulumi config set auth0:domain <tenant>.<region>.auth0.com` (or set AUTH0_DOMAIN)."));
        }
        else if (!HostName().IsMatch(tenant.Domain))
        {
            problems.Add(new("auth0:domain", "must be a host name such as acme.eu.auth0.com, without https:// or a path."));
        }
    }

    private static void ValidateKeyVault(KeyVaultTarget vault, string path, List<ConfigProblem> problems)
    {
        if (vault.Name.Length > 0 && (!VaultName().IsMatch(vault.Name) || vault.Name.Contains("--", StringComparison.Ordinal)))
        {
            problems.Add(new($"{path}.name", "is not a valid Key Vault name: use 3-24 letters, digits and single hyphens, starting with a letter and ending with a letter or digit."));
        }

        if (vault.ResourceGroup.Length > 0 && (vault.ResourceGroup.Length > 90 || !ResourceGroupName().IsMatch(vault.ResourceGroup) || vault.ResourceGroup.EndsWith('.')))
        {
            problems.Add(new($"{path}.resourceGroup", "is not a valid resource group name: use at most 90 letters, digits, '-', '_', '.', '(' or ')', not ending with '.'."));
        }

        if (vault.Create is not null && vault.ExistingVaultIsPrivate)
        {
            problems.Add(new($"{path}.privateDataPlane", "is for an existing vault: a vault this stack creates is private when keyVault.create.publicNetworkAccess is Disabled. Remove privateDataPlane."));
        }

        if (vault.Create is { } create)
        {
            if (create.Location.Length > 0 && !AzureRegion().IsMatch(create.Location))
            {
                problems.Add(new($"{path}.create.location", "must be an Azure region name such as westeurope (lowercase letters and digits; `az account list-locations -o table`)."));
            }

            if (create.DeployerObjectId.Length > 0 && !Guid().IsMatch(create.DeployerObjectId))
            {
                problems.Add(new($"{path}.create.deployerObjectId", "must be an object id: a GUID in lowercase, such as 0f8d5a3e-6b1c-4e2a-9d7f-3c5b8a1e4f60."));
            }

            // Empty only when the parser has reported it already (blank or not a string).
            if (create.PublicNetworkAccess.Length > 0 && create.PublicNetworkAccess is not ("Enabled" or "Disabled"))
            {
                problems.Add(new($"{path}.create.publicNetworkAccess", "must be Enabled or Disabled."));
            }
        }

        if (vault.SecretPrefix.Length > 0 && (vault.SecretPrefix.Length > MaxSecretPrefix || !SecretPrefix().IsMatch(vault.SecretPrefix)))
        {
            problems.Add(new($"{path}.secretPrefix", $"must be at most {MaxSecretPrefix} letters and digits in groups joined by single hyphens, such as m2m or acme-api."));
        }
    }

    /// <summary>Validates the APIs and returns them by key (first occurrence), for the clients' references.</summary>
    private static Dictionary<string, DeclaredApi> ValidateApis(AccessConfig config, string ns, List<ConfigProblem> problems)
    {
        var byKey = new Dictionary<string, DeclaredApi>(StringComparer.Ordinal);
        var byIdentifier = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < config.Apis.Count; i++)
        {
            var api = config.Apis[i];
            var path = $"{ns}:apis[{i}]";
            if (ValidKey(api.Key, $"{path}.key", "orders-api", problems) && !byKey.TryAdd(api.Key, new DeclaredApi(api, new HashSet<string>(StringComparer.Ordinal), i)))
            {
                problems.Add(new($"{path}.key", $"duplicates {ns}:apis[{byKey[api.Key].Index}].key '{api.Key}': give every API its own key."));
            }

            if (api.Name.Length > MaxApiName || api.Name.IndexOfAny(['<', '>']) >= 0)
            {
                problems.Add(new($"{path}.name", $"must be at most {MaxApiName} characters without '<' or '>' (Auth0's limit); it has {api.Name.Length}."));
            }

            ValidateIdentifier(config.Tenant, api, path, ns, byIdentifier, i, problems);

            // An API that inherits the stack's default shares its problem, reported once at the stack key.
            if (api.TokenLifetimeSeconds is < 1 or > MaxTokenLifetime && api.TokenLifetimeSeconds != config.Policy.DefaultTokenLifetimeSeconds)
            {
                problems.Add(new($"{path}.tokenLifetime", $"must be between 1 and {MaxTokenLifetime} seconds (30 days, Auth0's limit); leave it out to use {ns}:tokenLifetime ({config.Policy.DefaultTokenLifetimeSeconds})."));
            }

            if (api.SigningAlgorithm.Length > 0 && api.SigningAlgorithm != AccessConfigParser.SigningAlgorithm)
            {
                problems.Add(new($"{path}.signingAlg", $"must be {AccessConfigParser.SigningAlgorithm} (or left out): HS256 would put the API's signing secret in every service that verifies tokens."));
            }

            ValidateOwners(api, path, problems);
            if (api.MaxCredentialLifetimeDays is < 0 or > MaxCredentialLifetimeCeilingDays)
            {
                problems.Add(new($"{path}.maxCredentialLifetimeDays", $"must be between 0 (no cap of its own) and {MaxCredentialLifetimeCeilingDays} days."));
            }

            var declared = byKey.TryGetValue(api.Key, out var entry) && entry.Index == i ? entry.Scopes : new HashSet<string>(StringComparer.Ordinal);
            for (var s = 0; s < api.Scopes.Count; s++)
            {
                ValidateScope(api.Scopes[s], $"{path}.scopes[{s}]", declared, problems);
            }
        }

        return byKey;
    }

    // CODEOWNERS' notation: a GitHub login (alphanumerics and single inner hyphens, at most 39) or @org/team-slug.
    private static void ValidateOwners(ApiDefinition api, string path, List<ConfigProblem> problems)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var o = 0; o < api.Owners.Count; o++)
        {
            var owner = api.Owners[o];
            if (owner.Length == 0)
            {
                continue;
            }

            if (!GitHubOwner().IsMatch(owner))
            {
                problems.Add(new($"{path}.owners[{o}]", $"'{owner}' is neither a GitHub user (@login) nor a team (@org/team-slug), as CODEOWNERS writes them: such as @octocat or @acme/payments-owners."));
            }
            else if (!seen.Add(owner))
            {
                problems.Add(new($"{path}.owners[{o}]", $"names '{owner}' twice: remove the duplicate."));
            }
        }
    }

    private static void ValidateIdentifier(Auth0Tenant tenant, ApiDefinition api, string path, string ns, Dictionary<string, int> byIdentifier, int index, List<ConfigProblem> problems)
    {
        if (api.Identifier.Length == 0)
        {
            return;
        }

        if (api.Identifier.Length > MaxIdentifier)
        {
            problems.Add(new($"{path}.identifier", $"must be at most {MaxIdentifier} characters (Auth0's limit); it has {api.Identifier.Length}."));
        }

        if (tenant.Domain.Length > 0 && string.Equals(api.Identifier.TrimEnd('/'), tenant.ManagementApiIdentifier.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new($"{path}.identifier", "is the Auth0 Management API: granting it would let a consumer administer the tenant. Manage that API's clients outside this project."));
        }

        if (!byIdentifier.TryAdd(api.Identifier, index))
        {
            problems.Add(new($"{path}.identifier", $"duplicates {ns}:apis[{byIdentifier[api.Identifier]}].identifier: Auth0 identifiers are unique per tenant."));
        }
    }

    private static void ValidateScope(ApiScope scope, string path, HashSet<string> declared, List<ConfigProblem> problems)
    {
        if (scope.Value.Length > 0)
        {
            if (scope.Value.Length > MaxScopeValue || scope.Value.Any(char.IsWhiteSpace))
            {
                problems.Add(new($"{path}.value", $"must be at most {MaxScopeValue} characters with no spaces (tokens list scopes separated by spaces)."));
            }
            else if (!declared.Add(scope.Value))
            {
                problems.Add(new($"{path}.value", $"declares '{scope.Value}' twice on this API: remove the duplicate."));
            }
        }

        if (scope.Description.Length > MaxScopeDescription)
        {
            problems.Add(new($"{path}.description", $"must be at most {MaxScopeDescription} characters (Auth0's limit); it has {scope.Description.Length}."));
        }
    }

    private static void ValidateClients(AccessConfig config, string ns, Dictionary<string, DeclaredApi> apis, List<ConfigProblem> problems)
    {
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < config.Clients.Count; i++)
        {
            var client = config.Clients[i];
            var path = $"{ns}:clients[{i}]";
            if (ValidKey(client.Key, $"{path}.key", "orders-sync", problems) && !byKey.TryAdd(client.Key, i))
            {
                problems.Add(new($"{path}.key", $"duplicates {ns}:clients[{byKey[client.Key]}].key '{client.Key}': give every client its own key."));
            }

            if (client.Description.Length > MaxClientDescription)
            {
                problems.Add(new($"{path}.description", $"must be at most {MaxClientDescription} characters (Auth0's limit); it has {client.Description.Length}."));
            }

            if (client.Owner.Length > MaxMetadataValue)
            {
                problems.Add(new($"{path}.owner", $"must be at most {MaxMetadataValue} characters (Auth0's client_metadata limit); it has {client.Owner.Length}."));
            }

            var readers = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var r = 0; r < client.Readers.Count; r++)
            {
                ValidateReader(client.Readers[r], $"{path}.readers[{r}]", readers, problems);
            }

            var granted = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var g = 0; g < client.Grants.Count; g++)
            {
                ValidateGrant(client.Grants[g], $"{path}.grants[{g}]", ns, apis, granted, g, problems);
            }

        }
    }

    private static void ValidateGrant(ClientGrantPlan grant, string path, string ns, Dictionary<string, DeclaredApi> apis, Dictionary<string, int> granted, int index, List<ConfigProblem> problems)
    {
        // With no valid API at all, that is the problem to fix; every grant naming one would only repeat it.
        if (grant.ApiKey.Length == 0 || apis.Count == 0)
        {
            return;
        }

        if (!apis.TryGetValue(grant.ApiKey, out var api))
        {
            var suggestion = StrictObject.Suggest(grant.ApiKey, apis.Keys);
            var fix = suggestion is null ? $"use the key of an API under {ns}:apis ({string.Join(", ", apis.Keys.Order(StringComparer.Ordinal))})." : $"did you mean '{suggestion}'?";
            problems.Add(new($"{path}.api", $"names no API '{grant.ApiKey}'; {fix}"));
            return;
        }

        if (!granted.TryAdd(grant.ApiKey, index))
        {
            problems.Add(new($"{path}.api", $"grants API '{grant.ApiKey}' again (first at grants[{granted[grant.ApiKey]}]): merge the scopes into one grant."));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var s = 0; s < grant.Scopes.Count; s++)
        {
            var scope = grant.Scopes[s];
            if (scope.Length == 0)
            {
                continue;
            }

            if (!api.Scopes.Contains(scope))
            {
                var suggestion = StrictObject.Suggest(scope, api.Scopes);
                // Only the scopes that were declared validly, in config order: a malformed entry's placeholder is no choice.
                var choices = api.Api.Scopes.Select(x => x.Value).Where(api.Scopes.Contains).Distinct(StringComparer.Ordinal).ToList();
                var fix = suggestion is not null ? $"did you mean '{suggestion}'?"
                    : choices.Count == 0 ? $"declare it under {ns}:apis[{api.Index}].scopes."
                    : $"declare it under {ns}:apis[{api.Index}].scopes or use one of: {string.Join(", ", choices)}.";
                problems.Add(new($"{path}.scopes[{s}]", $"scope '{scope}' is not declared on API '{grant.ApiKey}'; {fix}"));
            }
            else if (!seen.Add(scope))
            {
                problems.Add(new($"{path}.scopes[{s}]", $"lists '{scope}' twice: remove the duplicate."));
            }
        }
    }

    /// <summary>
    /// What does not stop a deploy but must be seen: a client whose expiry date has passed gets no tokens (the Action
    /// refuses it) until its date is renewed or it is removed.
    /// </summary>
    public static IReadOnlyList<ConfigProblem> Warnings(AccessConfig config, string ns, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Clients
            .Select((client, i) => (client, i))
            .Where(c => c.client.Expires is { } expires && expires <= today)
            .Select(c => new ConfigProblem(
                $"{ns}:clients[{c.i}].expires",
                $"{c.client.Expires:yyyy-MM-dd} has passed (today is {today:yyyy-MM-dd} UTC): client '{c.client.Key}' gets no tokens. Renew it (raise rotation and set a new date) or remove it."))
            .ToList();
    }

    /// <summary>The problem with a change that sets an expiry date already past: it would deploy a client that is dead on arrival.</summary>
    public static ConfigProblem ExpiryAlreadyPast(string ns, int index, DateOnly expires, DateOnly today)
        => new($"{ns}:clients[{index}].expires", $"is changed to {expires:yyyy-MM-dd}, which has already passed (today is {today:yyyy-MM-dd} UTC): set a date ahead.");

    private static void ValidateCapacity(AccessConfig config, string ns, List<ConfigProblem> problems)
    {
        var budget = config.Policy.RoleAssignmentBudget;
        if (budget < 0)
        {
            problems.Add(new($"{ns}:roleAssignmentBudget", $"must be 0 or more: this stack's share of the subscription's {StackPolicy.AzureRoleAssignmentLimit:N0} role assignments."));
            return;
        }

        var capacity = StackCapacity.Of(config);
        var limit = config.Policy.ApplicationCredentialLimit;
        if (limit < 0)
        {
            problems.Add(new($"{ns}:applicationCredentialLimit", $"must be 0 or more: the tenant's limit on application credentials ({StackPolicy.Auth0ApplicationCredentialLimit:N0} on Enterprise tenants)."));
        }
        else if (capacity.ApplicationCredentials > limit)
        {
            problems.Add(new(
                $"{ns}:clients",
                FormattableString.Invariant($"declare {capacity.ApplicationCredentials:N0} Auth0 application credentials (the public keys of the private_key_jwt clients: two once a client has rotated, one while disabled), over the tenant's limit of {limit:N0} ({ns}:applicationCredentialLimit). ")
                + "Ways out: move clients that do not need keys back to client_secret_post by giving them new clients, remove clients that are no longer used, or raise the limit if Auth0 has raised it for the tenant."));
        }

        var declared = capacity.RoleAssignments;
        if (declared > budget)
        {
            problems.Add(new(
                $"{ns}:clients",
                FormattableString.Invariant($"declare {declared:N0} Azure role assignments (one per reader of each enabled client{(config.KeyVault.Create is null ? "" : ", and the deployer's on the vault")}), over this stack's budget of {budget:N0} ({ns}:roleAssignmentBudget; Azure allows {StackPolicy.AzureRoleAssignmentLimit:N0} per subscription, shared with everything else in it). ")
                + "Ways out: let one group read several clients' secrets instead of a principal per client, remove readers of clients that no longer need them, "
                + "move some clients to a stack in another subscription, or raise the budget if the subscription has room."));
        }
    }

    /// <summary>
    /// What a team stack must be on its own: named after its catalogue stack, and holding no vault of its own. What
    /// must hold across the stacks of an environment (one tenant, unique keys and names, a shared budget) needs every
    /// stack file, so the offline environment check finds it (<c>access-tool environments</c>).
    /// </summary>
    public static IEnumerable<ConfigProblem> ValidateTeamStack(AccessConfig config, string ns, string stackName)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(stackName);
        if (config.CatalogueStack is not { } catalogue)
        {
            yield break;
        }

        if (!CatalogueStackName().IsMatch(catalogue))
        {
            yield return new($"{ns}:catalogueStack", $"must name the environment's catalogue stack, such as prod: letters, digits, hyphens and underscores (a team stack's name has the dot); it is '{catalogue}'.");
        }
        else if (stackName.Length > 0 && !(stackName.StartsWith($"{catalogue}.", StringComparison.Ordinal) && StableKey().IsMatch(stackName[(catalogue.Length + 1)..])))
        {
            yield return new(
                $"{ns}:catalogueStack",
                $"makes this stack a team stack of '{catalogue}', so it must be named {catalogue}.<team> (the team in lowercase letters and digits, single hyphens), such as {catalogue}.payments; "
                + $"it is '{stackName}'. Create the stack under that name (pulumi stack init {catalogue}.<team>, the file Pulumi.{catalogue}.<team>.yaml) or correct {ns}:catalogueStack.");
        }

        if (config.KeyVault.Create is not null)
        {
            yield return new(
                $"{ns}:keyVault.create",
                $"a team stack writes into a vault, it does not create one: the catalogue stack '{catalogue}' owns what the environment shares. Remove create and name an existing vault by name and resourceGroup (the catalogue's, or the team's own).");
        }
    }

    private static void ValidateAuthentication(AccessConfig config, string ns, List<ConfigProblem> problems)
    {
        for (var i = 0; i < config.Clients.Count; i++)
        {
            var client = config.Clients[i];
            var path = $"{ns}:clients[{i}]";
            if (client.Authentication != ClientAuthentication.PrivateKeyJwt)
            {
                if (client.KeysSinceRotation is not null)
                {
                    problems.Add(new($"{path}.keysSinceRotation", "applies only to a client with authentication: private_key_jwt: remove it, or set authentication."));
                }

                continue;
            }

            if (client.KeysSinceRotation is { } since)
            {
                if (since < 1)
                {
                    problems.Add(new($"{path}.keysSinceRotation", $"must be 1 or more (it is {since}): the rotation of the change that moved the client from its secret to keys. Leave it out for a client that has had keys from the start."));
                }
                else if (since > client.Rotation)
                {
                    problems.Add(new($"{path}.keysSinceRotation", $"is {since}, ahead of the client's rotation {client.Rotation}: a client moves to keys in a rotation of its own. Set rotation to {since} as well."));
                }
            }
            else if (client.ImportId is not null)
            {
                // The adopted application comes with the client secret its consumer has: moving it to keys needs that
                // secret as the fallback of the move, which only a rotation of its own can hand out.
                problems.Add(new($"{path}.keysSinceRotation", $"is required for an adopted client (import) with authentication: private_key_jwt: it came with a client secret its consumer uses. Adopt it with client_secret_post at rotation 0 and deploy; then, in a change of its own, set authentication: private_key_jwt, raise rotation to 1 and set keysSinceRotation: 1 (docs/credential-lifecycle.md)."));
            }
        }
    }

    private static void ValidateLifecycle(AccessConfig config, string ns, DateOnly? today, List<ConfigProblem> problems)
    {
        // 0 (the project default) means no maximum.
        var max = config.Policy.MaxCredentialLifetimeDays is 0 ? null : config.Policy.MaxCredentialLifetimeDays;
        if (max is < 0 or > MaxCredentialLifetimeCeilingDays)
        {
            problems.Add(new($"{ns}:maxCredentialLifetimeDays", $"must be between 0 (no maximum) and {MaxCredentialLifetimeCeilingDays} days."));
            max = null;
        }

        for (var i = 0; i < config.Clients.Count; i++)
        {
            var client = config.Clients[i];
            var path = $"{ns}:clients[{i}]";
            if (client.Rotation < 0)
            {
                problems.Add(new($"{path}.rotation", "must be 0 or more: raise it by one to rotate the client's secret."));
            }

            // Plain null checks rather than `is not { } x` patterns: Stryker's mutants of a pattern break definite
            // assignment, and it then drops every mutant of this method, leaving it untested.
            if (client.Expires is null)
            {
                if (max is not null)
                {
                    problems.Add(new($"{path}.expires", $"is required in this stack ({ns}:maxCredentialLifetimeDays is {max}): set a date (YYYY-MM-DD) at most {max} days ahead."));
                }

                continue;
            }

            if (client.Expires.Value > LatestKeyVaultExpiry)
            {
                problems.Add(new($"{path}.expires", $"{client.Expires.Value:yyyy-MM-dd} is past {LatestKeyVaultExpiry:yyyy-MM-dd}, the last day Key Vault's expiry attribute can hold: the azure-native SDK sends it as a 32-bit count of Unix seconds, which overflows on 2038-01-19T03:14:08Z and would deploy a date in 1901 or 1902. Set {LatestKeyVaultExpiry:yyyy-MM-dd} or earlier, and renew before then."));
            }

            // Date checks need today; the offline diff compares access and passes none.
            if (today is null)
            {
                continue;
            }

            var expires = client.Expires.Value;
            var now = today.Value;

            // A date that has passed is not an error: the Action already refuses the client, and blocking the whole stack
            // would also block an emergency change to another client. Warnings() reports it.
            if (max is not null && expires > now.AddDays(max.Value))
            {
                problems.Add(new($"{path}.expires", $"{expires:yyyy-MM-dd} is more than {max} days ahead ({ns}:maxCredentialLifetimeDays): set {now.AddDays(max.Value):yyyy-MM-dd} or earlier."));
            }
        }

        ValidateApiLifetimeCaps(config, ns, max, today, problems);
    }

    // An API's owners may cap the credentials granted on it tighter than the stack does (partner-facing APIs, say).
    // Only a cap tighter than the stack's: the stack's own check above already reports the rest, at the same path.
    private static void ValidateApiLifetimeCaps(AccessConfig config, string ns, int? stackMax, DateOnly? today, List<ConfigProblem> problems)
    {
        var caps = config.Apis.Select((api, index) => (api, index))
            .Where(a => a.api.MaxCredentialLifetimeDays is > 0 and <= MaxCredentialLifetimeCeilingDays && (stackMax is null || a.api.MaxCredentialLifetimeDays < stackMax))
            .ToList();
        for (var i = 0; i < config.Clients.Count; i++)
        {
            var client = config.Clients[i];
            foreach (var (api, index) in caps.Where(c => client.Grants.Any(g => g.ApiKey == c.api.Key)).OrderBy(c => c.api.MaxCredentialLifetimeDays).ThenBy(c => c.index).Take(1))
            {
                var days = api.MaxCredentialLifetimeDays;
                var cap = $"{ns}:apis[{index}].maxCredentialLifetimeDays is {days} for {api.Key}";
                if (client.Expires is null)
                {
                    problems.Add(new($"{ns}:clients[{i}].expires", $"is required for a client granted {api.Key} ({cap}): set a date (YYYY-MM-DD) at most {days} days ahead."));
                }
                else if (today is not null && client.Expires.Value > today.Value.AddDays(days))
                {
                    problems.Add(new($"{ns}:clients[{i}].expires", $"{client.Expires.Value:yyyy-MM-dd} is more than {days} days ahead ({cap}): set {today.Value.AddDays(days):yyyy-MM-dd} or earlier, or remove the grant on {api.Key}."));
                }
            }
        }
    }

    private static void ValidateReader(SecretReader reader, string path, HashSet<string> seen, List<ConfigProblem> problems)
    {
        if (reader.ObjectId.Length > 0)
        {
            if (!Guid().IsMatch(reader.ObjectId))
            {
                problems.Add(new($"{path}.objectId", "must be the principal's object id, a GUID such as 3f2504e0-4f89-41d3-9a0c-0305e82c3301 (for a managed identity: `az identity show --query principalId`)."));
            }
            else if (!seen.Add(reader.ObjectId))
            {
                problems.Add(new($"{path}.objectId", "lists this principal twice for the client: remove the duplicate."));
            }
        }

        if (reader.PrincipalType.Length > 0 && reader.PrincipalType is not ("ServicePrincipal" or "Group"))
        {
            problems.Add(new($"{path}.principalType", "must be ServicePrincipal (a managed identity or an app registration) or Group."));
        }
    }

    /// <summary>
    /// A previous key becomes an alias: it must be a valid key, not the key of a current entry (two resources would
    /// claim one history), and not a previous key of another entry.
    /// </summary>
    private static void ValidatePreviousKeys(List<(string Key, IReadOnlyList<string> PreviousKeys)> entries, string listPath, string example, List<ConfigProblem> problems)
    {
        var current = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            current.TryAdd(entries[i].Key, i);
        }

        var claimed = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            for (var k = 0; k < entries[i].PreviousKeys.Count; k++)
            {
                var previous = entries[i].PreviousKeys[k];
                var path = $"{listPath}[{i}].previousKeys[{k}]";
                if (!ValidKey(previous, path, example, problems))
                {
                    continue;
                }

                if (current.TryGetValue(previous, out var owner))
                {
                    problems.Add(new(path, $"'{previous}' is the current key of {listPath}[{owner}]: list only keys no entry uses any more."));
                }
                else if (!claimed.TryAdd(previous, i))
                {
                    problems.Add(new(path, $"'{previous}' is already a previous key of {listPath}[{claimed[previous]}]: one old key can move to one new key only."));
                }
            }
        }
    }

    private static void ValidateImports(IEnumerable<(string? ImportId, string Path)> imports, Regex shape, string what, List<ConfigProblem> problems)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, path) in imports)
        {
            if (id is null || id.Length == 0)
            {
                continue;
            }

            if (!shape.IsMatch(id))
            {
                problems.Add(new(path, $"must be {what}."));
            }
            else if (!seen.TryAdd(id, path))
            {
                problems.Add(new(path, $"adopts the same Auth0 object as {seen[id]}: each can be adopted once."));
            }
        }
    }

    private static bool ValidKey(string key, string path, string example, List<ConfigProblem> problems)
    {
        if (key.Length == 0)
        {
            return false;
        }

        if (key.Length <= MaxKeyLength && StableKey().IsMatch(key))
        {
            return true;
        }

        problems.Add(new(path, $"must be at most {MaxKeyLength} lowercase letters and digits in groups joined by single hyphens, such as {example}: it names resources and Key Vault secrets."));
        return false;
    }

    // A stack name may hold letters, digits, hyphens, underscores and periods (pulumi/pulumi v3.259.0
    // sdk/go/common/tokens/stack_name.go:80); the period is what separates a team stack's name from its catalogue's.
    [GeneratedRegex("^[A-Za-z0-9_-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex CatalogueStackName();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex StableKey();

    [GeneratedRegex("^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HostName();

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex VaultName();

    [GeneratedRegex("^[-\\w.()]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ResourceGroupName();

    [GeneratedRegex("^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SecretPrefix();

    [GeneratedRegex("^[a-z0-9]{2,40}$", RegexOptions.CultureInvariant)]
    private static partial Regex AzureRegion();

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex Guid();

    [GeneratedRegex("^[0-9a-f]{24}$", RegexOptions.CultureInvariant)]
    private static partial Regex ResourceServerId();

    [GeneratedRegex("^[A-Za-z0-9]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex ClientId();

    [GeneratedRegex("^@(?=[A-Za-z0-9-]{1,39}(?:/|$))[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}(?:/[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex GitHubOwner();

    [GeneratedRegex("^cgr_[A-Za-z0-9]{16}$", RegexOptions.CultureInvariant)]
    private static partial Regex ClientGrantId();

    /// <summary>An API as the clients' grants see it: its definition, its declared scope values, its place in config.</summary>
    private sealed record DeclaredApi(ApiDefinition Api, HashSet<string> Scopes, int Index);
}
