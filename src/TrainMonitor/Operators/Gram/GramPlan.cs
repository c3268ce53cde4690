using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TrainMonitor.Operators.Gram;

/// <summary>
/// The structural half of the Gram path's applicability test: every trainable parameter of the model must belong to
/// exactly one module of a supported type (<see cref="GramLayerKind"/>) in a configuration whose per-example gradient
/// has a closed form here. Separability across examples is the other half, checked numerically
/// (<see cref="GramSeparability"/>).
/// </summary>
internal sealed class GramPlan
{
    private GramPlan(IReadOnlyList<GramLayer> layers) => Layers = layers;

    public IReadOnlyList<GramLayer> Layers { get; }

    /// <summary>The plan for <paramref name="model"/>, or null with the reason the Gram path does not apply.</summary>
    public static GramPlan? TryCreate(nn.Module model, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(model);
        // Parameters are identified by their storage, not their handle: TorchSharp hands out a fresh handle for the same
        // tensor in places (native modules' weight getters), and tied weights are one storage behind two handles.
        var trainable = new Dictionary<(IntPtr, long), string>();
        foreach (var (name, p) in model.named_parameters())
        {
            if (p.requires_grad)
            {
                trainable.TryAdd(Identity(p), name);
            }
        }

        if (trainable.Count == 0)
        {
            reason = "the model has no trainable parameter";
            return null;
        }

        var owners = new Dictionary<(IntPtr, long), string>();
        var layers = new List<GramLayer>();
        var modules = new List<(string Name, nn.Module Module)> { ("(root)", model) };
        modules.AddRange(model.named_modules().Select(m => (m.name, m.module)));
        foreach (var (name, module) in modules)
        {
            var own = module.named_parameters(recurse: false).Where(p => p.parameter.requires_grad).ToArray();
            if (own.Length == 0)
            {
                continue;
            }

            foreach (var (_, p) in own)
            {
                if (!owners.TryAdd(Identity(p), name))
                {
                    reason = $"parameter '{trainable.GetValueOrDefault(Identity(p))}' is shared by modules '{owners[Identity(p)]}' and '{name}' (tied weights)";
                    return null;
                }
            }

            var layer = Describe(name, module, own.Select(p => p.name).ToHashSet(), out reason);
            if (layer is null)
            {
                return null;
            }

            layers.Add(layer);
        }

        // A parameter the walk above never met would be one a module holds without registering it as its own.
        foreach (var (identity, parameterName) in trainable)
        {
            if (!owners.ContainsKey(identity))
            {
                reason = $"parameter '{parameterName}' has no owning module the Gram path can see";
                return null;
            }
        }

        reason = null;
        return new GramPlan(layers);
    }

    private static (IntPtr Storage, long Elements) Identity(Tensor p)
    {
        // storage<T>() converts when T is not the tensor's dtype (a copy with its own storage): ask in the tensor's dtype.
        using var scope = NewDisposeScope();
        var pointer = p.dtype switch
        {
            ScalarType.Float32 => p.storage<float>().data_ptr(),
            ScalarType.Float64 => p.storage<double>().data_ptr(),
            _ => p.Handle,
        };
        return (pointer, p.numel());
    }

    private static GramLayer? Describe(string name, nn.Module module, HashSet<string> ownTrainable, out string? reason)
    {
        reason = null;
        var weight = ownTrainable.Contains("weight");
        var bias = ownTrainable.Contains("bias");
        var others = ownTrainable.Where(p => p is not "weight" and not "bias").ToArray();
        if (others.Length > 0)
        {
            reason = $"module '{name}' ({module.GetType().Name}) has parameter '{others[0]}', which the Gram path has no per-example gradient for";
            return null;
        }

        switch (module)
        {
            case Linear linear:
                return new GramLayer(name, linear, GramLayerKind.Linear, weight, bias);
            case Conv2d conv:
                if (conv.groups != 1)
                {
                    reason = $"Conv2d '{name}' has groups = {conv.groups}; the Gram path supports groups = 1";
                    return null;
                }

                if (conv.padding_mode != PaddingModes.Zeros)
                {
                    reason = $"Conv2d '{name}' pads with mode {conv.padding_mode}; the Gram path supports zero padding";
                    return null;
                }

                return new GramLayer(name, conv, GramLayerKind.Conv2d, weight, bias);
            case LayerNorm norm:
                return new GramLayer(name, norm, GramLayerKind.LayerNorm, weight, bias);
            case Embedding embedding:
                return new GramLayer(name, embedding, GramLayerKind.Embedding, weight, false);
            default:
                reason = $"module '{name}' ({module.GetType().Name}) holds trainable parameters and is not one of Linear, Conv2d, LayerNorm, Embedding";
                return null;
        }
    }
}
