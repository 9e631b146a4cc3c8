using System.Reflection;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Pulumi;

namespace Infra.Bench.Checkpoint;

/// <summary>
/// What the program sent the engine, in the order it sent it: every <c>RegisterResource</c> request (type, name,
/// parent, inputs with their secrets, dependencies, property dependencies, options) and every
/// <c>RegisterResourceOutputs</c> request. <see cref="Pulumi.Testing.IMocks"/> sees only type, name and plain inputs,
/// so the tap sits between the SDK and its mock monitor.
/// </summary>
internal sealed class RegistrationLog
{
    private readonly List<(string Kind, JsonObject Request)> _events = [];

    /// <summary>
    /// Register and outputs requests, in the order the SDK made them, as their protobuf JSON (the SDK's gRPC types are
    /// internal; field names are the proto's, camel-cased, defaults omitted).
    /// </summary>
    public IReadOnlyList<(string Kind, JsonObject Request)> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public void Add(string kind, JsonObject request)
    {
        lock (_events)
        {
            _events.Add((kind, request));
        }
    }

    /// <summary>
    /// Puts a tap in front of the running deployment's monitor. Pulumi 3.112.1 keeps it in the internal
    /// <c>Deployment.Monitor</c> (sdk/Pulumi/Deployment/Deployment.cs:110) and sends every registration through it
    /// (sdk/Pulumi/Deployment/Deployment_RegisterResource.cs:55); the package version is pinned exactly
    /// (Directory.Packages.props), and this fails loudly if the shape ever changes. Call it first thing in the program.
    /// </summary>
    public void Install()
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.NonPublic;
        var instance = Deployment.Instance;
        var deployment = typeof(DeploymentInstance).GetField("_deployment", flags)?.GetValue(instance)
            ?? throw new InvalidOperationException("DeploymentInstance._deployment not found (Pulumi SDK changed)");
        var field = deployment.GetType().GetField("<Monitor>k__BackingField", flags)
            ?? throw new InvalidOperationException("Deployment.Monitor not found (Pulumi SDK changed)");
        var monitorType = typeof(Deployment).Assembly.GetType("Pulumi.IMonitor", throwOnError: true)!;
        var inner = field.GetValue(deployment)!;
        if (inner is MonitorTap)
        {
            return;
        }

        var proxy = DispatchProxy.Create(monitorType, typeof(MonitorTap));
        ((MonitorTap)proxy).Attach(inner, this);
        field.SetValue(deployment, proxy);
    }
}

/// <summary>The proxy behind <see cref="RegistrationLog.Install"/>: records, then forwards every call unchanged.</summary>
public class MonitorTap : DispatchProxy
{
    private object _inner = null!;
    private RegistrationLog _log = null!;

    internal void Attach(object inner, RegistrationLog log)
    {
        _inner = inner;
        _log = log;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (args is { Length: > 0 })
        {
            if (args[^1] is IMessage { Descriptor.Name: "RegisterResourceRequest" or "RegisterResourceOutputsRequest" } message)
            {
                _log.Add(message.Descriptor.Name, JsonNode.Parse(JsonFormatter.Default.Format(message))!.AsObject());
            }
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}
