using System.Collections.Immutable;
using Infra.Config;
using Pulumi;
using Pulumi.Auth0;
using Pulumi.Auth0.Inputs;

namespace Infra.Components;

/// <summary>An API in Auth0: its resource server and, in one resource, all of its scopes.</summary>
public sealed class ApiResourceServer : ComponentResource
{
    /// <summary>The component's Pulumi type token.</summary>
    public const string TypeToken = "infra:auth0:ApiResourceServer";

    /// <summary>Declares the API under the stable key <see cref="ApiDefinition.Key"/>.</summary>
    /// <param name="api">The API from config.</param>
    /// <param name="protect">Whether the resource server and its scopes are protected from deletion.</param>
    /// <param name="options">Component options; the API's previous keys are added as aliases.</param>
    public ApiResourceServer(ApiDefinition api, bool protect, ComponentResourceOptions? options = null)
        : base(TypeToken, Require(api).Key, PreviousKeyAliases.Add(options, api.PreviousKeys))
    {
        Definition = api;
        var server = new ResourceServer(api.Key, new ResourceServerArgs
        {
            Name = api.Name,
            Identifier = api.Identifier,
            SigningAlg = api.SigningAlgorithm,
            TokenLifetime = api.TokenLifetimeSeconds,
            // Auth0 rejects token_lifetime_for_web above token_lifetime, and its default for it is 7200 s: an API with a
            // shorter lifetime must set it. Browser flows never use these APIs, so it simply follows token_lifetime.
            TokenLifetimeForWeb = Math.Min(api.TokenLifetimeSeconds, MaxWebTokenLifetimeSeconds),
            // Machine-to-machine tokens are never refreshed and never need a user's consent.
            AllowOfflineAccess = false,
            SkipConsentForVerifiableFirstPartyClients = true,
        }, new CustomResourceOptions { Parent = this, Protect = protect, ImportId = api.ImportId });

        // Scope order carries no meaning; sorting keeps a reordered YAML from showing up as a change.
        var scopes = api.Scopes.OrderBy(s => s.Value, StringComparer.Ordinal).ToList();
        var scopeSet = new ResourceServerScopes(api.Key, new ResourceServerScopesArgs
        {
            ResourceServerIdentifier = server.Identifier,
            Scopes = scopes.Select(s => new ResourceServerScopesScopeArgs { Name = s.Value, Description = s.Description }).ToList(),
        }, new CustomResourceOptions
        {
            Parent = this,
            Protect = protect,
            // Adopting an API adopts its scope list too; Auth0 addresses that list by the API's identifier.
            ImportId = api.ImportId is null ? null : api.Identifier,
        });

        // Taken from the scopes resource so that a grant on this API waits until its scopes exist.
        Identifier = scopeSet.ResourceServerIdentifier;
        Scopes = Output.Create(scopes.Select(s => s.Value).ToImmutableArray());
        ResourceServerId = server.Id;
        RegisterOutputs(new Dictionary<string, object?>
        {
            ["identifier"] = Identifier,
            ["scopes"] = Scopes,
            ["resourceServerId"] = ResourceServerId,
        });
    }

    /// <summary>Auth0's default <c>token_lifetime_for_web</c>, in seconds; it must not exceed <c>token_lifetime</c>.</summary>
    public const int MaxWebTokenLifetimeSeconds = 7200;

    /// <summary>The API as configured.</summary>
    public ApiDefinition Definition { get; }

    /// <summary>The API's identifier: the audience of its tokens.</summary>
    [Output("identifier")]
    public Output<string> Identifier { get; }

    /// <summary>The scope values the API defines, sorted.</summary>
    [Output("scopes")]
    public Output<ImmutableArray<string>> Scopes { get; }

    /// <summary>The Auth0 id of the resource server.</summary>
    [Output("resourceServerId")]
    public Output<string> ResourceServerId { get; }

    private static ApiDefinition Require(ApiDefinition api) => api ?? throw new ArgumentNullException(nameof(api));
}
