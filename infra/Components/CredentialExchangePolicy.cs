using Pulumi;
using Pulumi.Auth0;
using Pulumi.Auth0.Inputs;

namespace Infra.Components;

/// <summary>
/// The Auth0 Action that enforces each client's lifecycle when it asks for a token (credentials-exchange trigger):
/// no token for a disabled client or after its expiry date. Deployed and bound to the trigger.
/// </summary>
public sealed class CredentialExchangePolicy : ComponentResource
{
    /// <summary>The component's Pulumi type token.</summary>
    public const string TypeToken = "infra:auth0:CredentialExchangePolicy";

    /// <summary>The Auth0 trigger of the client credentials grant.</summary>
    public const string Trigger = "credentials-exchange";

    /// <summary>The Action's name in the tenant (unique per tenant; one tenant per stack).</summary>
    public const string ActionName = "enforce-m2m-credential-lifecycle";

    /// <summary>Declares the Action and its binding.</summary>
    /// <param name="managedBy">The marker this project writes into its clients' metadata; the Action ignores other clients.</param>
    /// <param name="protect">Whether the Action is protected from deletion.</param>
    /// <param name="options">Component options.</param>
    public CredentialExchangePolicy(string managedBy, bool protect, ComponentResourceOptions? options = null)
        : base(TypeToken, "credential-lifecycle", options)
    {
        var action = new Pulumi.Auth0.Action("credential-lifecycle", new ActionArgs
        {
            Name = ActionName,
            Code = Code(),
            Runtime = "node22",
            Deploy = true,
            SupportedTriggers = new ActionSupportedTriggersArgs { Id = Trigger, Version = "v2" },
            // Not secret, but Action secrets are how an Action is configured.
            Secrets = { new ActionSecretArgs { Name = "MANAGED_BY", Value = managedBy } },
        }, new CustomResourceOptions { Parent = this, Protect = protect });

        // One binding for this Action only: bindings of Actions managed elsewhere on the trigger stay as they are.
        _ = new TriggerAction("credential-lifecycle", new TriggerActionArgs
        {
            Trigger = Trigger,
            ActionId = action.Id,
            DisplayName = ActionName,
        }, new CustomResourceOptions { Parent = this, Protect = protect });

        ActionId = action.Id;
        RegisterOutputs(new Dictionary<string, object?> { ["actionId"] = ActionId });
    }

    /// <summary>The Auth0 id of the Action.</summary>
    [Output("actionId")]
    public Output<string> ActionId { get; }

    /// <summary>The Action's JavaScript, shipped inside the program (tests/actions tests the same file).</summary>
    public static string Code()
    {
        using var stream = typeof(CredentialExchangePolicy).Assembly.GetManifestResourceStream("credentials-exchange.js")
            ?? throw new InvalidOperationException("The Action's code is not embedded in the program.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
