using System.Text.Json.Nodes;
using Infra.Config;

namespace Infra.Tool.Environments;

/// <summary>One stack of an environment with its validated config; <see cref="Access"/> is null when its config is invalid.</summary>
/// <param name="Config">The stack's config as read from its files.</param>
/// <param name="Access">The validated model, or null.</param>
public sealed record CheckedStack(StackConfig Config, AccessConfig? Access);

/// <summary>An environment's stacks, each validated on its own, and what is wrong across them.</summary>
/// <param name="Environment">The environment.</param>
/// <param name="Stacks">Its stacks in deploy order, each with its model.</param>
/// <param name="Problems">Every problem: each stack's own, under its file's name, then those across stacks.</param>
public sealed record EnvironmentCheckResult(StackEnvironment Environment, IReadOnlyList<CheckedStack> Stacks, IReadOnlyList<ConfigProblem> Problems)
{
    /// <summary>Whether every stack may deploy.</summary>
    public bool Valid => Problems.Count == 0;
}

/// <summary>
/// What must hold across the stacks of one environment before any of them deploys: they share one tenant, one
/// catalogue, one Action and its marker, their Key Vaults and their subscription's role-assignment limit. Offline:
/// only the stack files are read.
/// </summary>
public static class EnvironmentCheck
{
    /// <summary>The Azure provider's subscription key: stacks that leave it unset share the deploying identity's subscription.</summary>
    public const string SubscriptionKey = "azure-native:subscriptionId";

    /// <summary>Validates each stack of <paramref name="environment"/>, then the rules across them.</summary>
    /// <param name="environment">The environment.</param>
    /// <param name="projectDefaults">What <c>Pulumi.yaml</c> alone provides: the catalogue team stacks see.</param>
    /// <param name="today">Today (UTC), for the stacks' expiry checks; null skips them.</param>
    public static EnvironmentCheckResult Run(StackEnvironment environment, StackConfig projectDefaults, DateOnly? today)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(projectDefaults);
        var problems = new List<ConfigProblem>();
        var stacks = environment.Stacks.Select(stack => Validate(stack, today, problems)).ToList();
        var valid = stacks.Where(s => s.Access is not null).Select(s => (s.Config, Access: s.Access!)).ToList();
        if (environment.Teams.Count > 0)
        {
            SameCatalogue(environment, projectDefaults, problems);
            SameTenantAndPolicy(environment.Catalogue, valid, problems);
        }

        UsedOnce(valid, problems);
        RoleAssignmentsPerSubscription(environment.Catalogue, valid, problems);
        ApplicationCredentialsPerTenant(environment.Catalogue, valid, problems);
        return new EnvironmentCheckResult(environment, stacks, problems);
    }

    private static CheckedStack Validate(StackConfig stack, DateOnly? today, List<ConfigProblem> problems)
    {
        try
        {
            // As the plan reads it: a stack file may leave the tenant to AUTH0_DOMAIN, as the provider does.
            var access = AccessConfigParser.Parse(RawStackConfig.FromMap(stack.Project, stack.Stack, stack.Values, Environment.GetEnvironmentVariable("AUTH0_DOMAIN"), today));
            return new CheckedStack(stack, access);
        }
        catch (ConfigValidationException e)
        {
            problems.AddRange(e.Problems.Select(p => p with { Path = ProjectStacks.Path(stack, p.Path) }));
            return new CheckedStack(stack, null);
        }
    }

    // A team stack grants on the APIs its catalogue stack deploys; it reads them from Pulumi.yaml, so neither may set its own.
    private static void SameCatalogue(StackEnvironment environment, StackConfig projectDefaults, List<ConfigProblem> problems)
    {
        var apisKey = $"{environment.Catalogue.Project}:apis";
        var shared = Json(projectDefaults.Values.GetValueOrDefault(apisKey));
        foreach (var stack in environment.Stacks)
        {
            if (JsonNode.DeepEquals(Json(stack.Values.GetValueOrDefault($"{stack.Project}:apis")), shared))
            {
                continue;
            }

            problems.Add(new(
                ProjectStacks.Path(stack, apisKey),
                stack == environment.Catalogue
                    ? $"is set in the catalogue stack of an environment with team stacks ({string.Join(", ", environment.Teams.Select(t => t.Stack))}), which grant on Pulumi.yaml's {apisKey}: move this catalogue into Pulumi.yaml, so that every stack of the environment sees the APIs that are deployed."
                    : $"is set in a team stack, which owns no API: remove it from Pulumi.{stack.Stack}.yaml. The stack grants on Pulumi.yaml's {apisKey}, which its catalogue stack '{environment.Name}' deploys; add an API or a scope there."));
        }
    }

    private static void SameTenantAndPolicy(StackConfig catalogue, List<(StackConfig Config, AccessConfig Access)> valid, List<ConfigProblem> problems)
    {
        var owner = valid.FirstOrDefault(s => s.Config == catalogue).Access;
        if (owner is null)
        {
            // The catalogue's own problems are reported; what its team stacks must agree with is not known yet.
            return;
        }

        foreach (var (config, access) in valid.Where(s => s.Config != catalogue))
        {
            string At(string key) => ProjectStacks.Path(config, key);
            var ns = config.Project;
            if (access.Tenant.Domain != owner.Tenant.Domain)
            {
                problems.Add(new(At("auth0:domain"), $"is '{access.Tenant.Domain}', but the catalogue stack '{catalogue.Stack}' deploys into '{owner.Tenant.Domain}': every stack of an environment deploys into its tenant, where the APIs and the Action are. Set auth0:domain: {owner.Tenant.Domain}."));
            }

            if (access.Policy.Production != owner.Policy.Production)
            {
                problems.Add(new(At($"{ns}:production"), $"is {ReportFormat.Lower(access.Policy.Production)}, but the catalogue stack '{catalogue.Stack}' sets {ReportFormat.Lower(owner.Policy.Production)}: a team stack is as much production as its environment. Set {ns}:production: {ReportFormat.Lower(owner.Policy.Production)}."));
            }

            if (owner.Policy.Protect && !access.Policy.Protect)
            {
                problems.Add(new(At($"{ns}:protect"), $"must be true: the catalogue stack '{catalogue.Stack}' protects its resources, and a team stack's clients, credentials and grants are as live as its."));
            }

            var most = owner.Policy.MaxCredentialLifetimeDays ?? 0;
            var own = access.Policy.MaxCredentialLifetimeDays ?? 0;
            if (most > 0 && (own <= 0 || own > most))
            {
                problems.Add(new(At($"{ns}:maxCredentialLifetimeDays"), FormattableString.Invariant($"must be between 1 and {most} days: the catalogue stack '{catalogue.Stack}' caps every credential of the environment at {most} days, and a team stack may be stricter, not looser.")));
            }

            if (owner.KeyVault.Create is not null && string.Equals(access.KeyVault.Name, owner.KeyVault.Name, StringComparison.OrdinalIgnoreCase)
                && access.KeyVault.PrivateDataPlane != owner.KeyVault.PrivateDataPlane)
            {
                problems.Add(new(At($"{ns}:keyVault.privateDataPlane"), owner.KeyVault.PrivateDataPlane
                    ? $"must be true: the vault {owner.KeyVault.Name} that the catalogue stack '{catalogue.Stack}' creates has its data plane closed to public networks, so a hosted pipeline cannot delete this stack's secrets there; with privateDataPlane: true they are retained when removed, and the preview knows it."
                    : $"must be false or unset: the vault {owner.KeyVault.Name} that the catalogue stack '{catalogue.Stack}' creates is reachable from public networks."));
            }

            if (AuditMarker(config) != AuditMarker(catalogue))
            {
                problems.Add(new(At($"{ns}:clients"), $"are marked managed_by '{AuditMarker(config)}', but the Action of the catalogue stack '{catalogue.Stack}' enforces expiry and disabling only for '{AuditMarker(catalogue)}': deploy the team stack from the catalogue's project, {catalogue.Project}."));
            }
        }
    }

    // Keys name secrets and the clients' records in the tenant; names are what the dashboard and the logs show; an
    // adopted object may be managed by one stack only.
    private static void UsedOnce(List<(StackConfig Config, AccessConfig Access)> valid, List<ConfigProblem> problems)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var secrets = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var imports = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (config, access) in valid)
        {
            var ns = config.Project;
            for (var i = 0; i < access.Clients.Count; i++)
            {
                var client = access.Clients[i];
                var path = ProjectStacks.Path(config, $"{ns}:clients[{i}]");
                var keyClash = !keys.TryAdd(client.Key, path);
                if (keyClash)
                {
                    problems.Add(new($"{path}.key", $"'{client.Key}' is also the key of {keys[client.Key]}: a key names the client's Key Vault secret and its record in the tenant, so it is used once per environment. Give one of them another key."));
                }

                if (!names.TryAdd(client.Name, path))
                {
                    problems.Add(new($"{path}.name", $"'{client.Name}' is also the name of {names[client.Name]}: the Auth0 dashboard, its logs and the audit show applications by name. Give each its own, such as the team's name in it."));
                }

                var secret = $"{access.KeyVault.Name}/{ConsumerSecretLayout.SecretName(access.KeyVault, client)}";
                if (!secrets.TryAdd(secret, path) && !keyClash)
                {
                    problems.Add(new($"{path}.key", $"writes the Key Vault secret {secret}, which {secrets[secret]} writes too: the two would overwrite each other's document. Give one another key, or its stack another keyVault.secretPrefix."));
                }

                var adopted = client.Grants.Select((g, j) => (Id: g.ImportId, At: $"{path}.grants[{j}].import")).Prepend((Id: client.ImportId, At: $"{path}.import"));
                foreach (var (id, at) in adopted)
                {
                    if (id is not null && !imports.TryAdd(id, at))
                    {
                        problems.Add(new(at, $"adopts {id}, which {imports[id]} adopts too: two stacks would both manage one Auth0 object, and each deploy would undo the other's. Keep the import in one of them."));
                    }
                }
            }
        }
    }

    // Azure's limit is per subscription, whichever stacks declare the assignments.
    private static void RoleAssignmentsPerSubscription(StackConfig catalogue, List<(StackConfig Config, AccessConfig Access)> valid, List<ConfigProblem> problems)
    {
        foreach (var group in valid.GroupBy(s => s.Config.Values.GetValueOrDefault(SubscriptionKey), StringComparer.OrdinalIgnoreCase))
        {
            if (group.Count() < 2)
            {
                // One stack alone is held to its own budget by its validation.
                continue;
            }

            var owner = group.FirstOrDefault(s => s.Config == catalogue);
            var budget = owner.Access?.Policy.RoleAssignmentBudget ?? StackPolicy.AzureRoleAssignmentLimit;
            var counts = group.Select(s => (s.Config.Stack, Count: StackCapacity.Of(s.Access).RoleAssignments)).ToList();
            var total = counts.Sum(c => c.Count);
            if (total <= budget)
            {
                continue;
            }

            var subscription = group.Key is null ? "the deploying identity's subscription" : $"subscription {group.Key}";
            var at = owner.Access is not null ? ProjectStacks.Path(catalogue, $"{catalogue.Project}:roleAssignmentBudget") : ProjectStacks.Path(group.First().Config, SubscriptionKey);
            var whose = owner.Access is not null ? $"the environment's budget of {budget:N0} ({catalogue.Project}:roleAssignmentBudget of '{catalogue.Stack}')" : $"Azure's {budget:N0} per subscription";
            problems.Add(new(at, FormattableString.Invariant(
                $"the stacks in {subscription} declare {total:N0} Azure role assignments together ({string.Join(", ", counts.Select(c => $"{c.Stack} {c.Count:N0}"))}), over {whose}; Azure allows {StackPolicy.AzureRoleAssignmentLimit:N0} per subscription, shared with everything else in it. ")
                + $"Ways out: let one group read several clients' secrets, remove readers that are no longer needed, or deploy a team stack into another subscription ({SubscriptionKey} in its file)."));
        }
    }

    // Auth0's limit is per tenant, and every stack of an environment deploys into one (SameTenantAndPolicy).
    private static void ApplicationCredentialsPerTenant(StackConfig catalogue, List<(StackConfig Config, AccessConfig Access)> valid, List<ConfigProblem> problems)
    {
        if (valid.Count < 2)
        {
            // One stack alone is held to the limit by its validation.
            return;
        }

        var owner = valid.FirstOrDefault(s => s.Config == catalogue);
        var limit = owner.Access?.Policy.ApplicationCredentialLimit ?? StackPolicy.Auth0ApplicationCredentialLimit;
        var counts = valid.Select(s => (s.Config.Stack, Count: StackCapacity.Of(s.Access).ApplicationCredentials)).Where(c => c.Count > 0).ToList();
        var total = counts.Sum(c => c.Count);
        if (total <= limit)
        {
            return;
        }

        var at = owner.Access is not null ? ProjectStacks.Path(catalogue, $"{catalogue.Project}:applicationCredentialLimit") : ProjectStacks.Path(valid[0].Config, $"{valid[0].Config.Project}:clients");
        problems.Add(new(at, FormattableString.Invariant(
            $"the stacks of environment '{catalogue.Stack}' declare {total:N0} Auth0 application credentials together ({string.Join(", ", counts.Select(c => $"{c.Stack} {c.Count:N0}"))}), over the tenant's limit of {limit:N0} ({catalogue.Project}:applicationCredentialLimit of '{catalogue.Stack}'). ")
            + "Each private_key_jwt client holds two once it has rotated. Ways out: give clients that do not need keys new clients with a client secret, remove clients that are no longer used, or raise the limit if Auth0 has raised it for the tenant."));
    }

    private static string AuditMarker(StackConfig stack) => Audit.AuditComparison.ManagedBy(stack.Project);

    private static JsonNode? Json(string? text) => text is null ? null : JsonNode.Parse(text);
}
