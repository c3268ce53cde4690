using TorchSharp;
using static TorchSharp.torch;

namespace TrainMonitor.Session;

/// <summary>
/// The second model instance that background probes run on: built once from the user's factory, checked against the
/// live model, and refreshed from it at each probe by <c>copy_</c> under no-grad.
/// </summary>
/// <remarks>
/// The live model is only read: no parameter, buffer, gradient, flag or version counter of it changes. The factory
/// usually draws initial weights from the global CPU generator; its state is saved before and restored after the call,
/// so the user's random stream is where it was (generators of other devices are not touched by this and are the
/// factory's business).
/// </remarks>
internal sealed class ShadowModel : IDisposable
{
    private readonly (string Name, Tensor Tensor)[] _parameters;
    private readonly (string Name, Tensor Tensor)[] _buffers;

    private ShadowModel(nn.Module<Tensor, Tensor> model)
    {
        Model = model;
        _parameters = [.. model.named_parameters().Select(p => (p.name, (Tensor)p.parameter))];
        _buffers = [.. model.named_buffers().Select(b => (b.name, b.buffer))];
    }

    /// <summary>The instance probes run on.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>Creates the shadow of <paramref name="source"/> from <paramref name="factory"/>.</summary>
    /// <exception cref="ArgumentException">(parameter <c>modelFactory</c>) The factory returned null or the live model itself, or an architecture whose parameters or buffers differ in name, shape or dtype.</exception>
    public static ShadowModel Create(nn.Module<Tensor, Tensor> source, Func<nn.Module<Tensor, Tensor>> factory)
    {
        const string parameterName = "modelFactory";
        nn.Module<Tensor, Tensor>? model;
        var rng = torch.random.get_rng_state();
        try
        {
            model = factory();
        }
        finally
        {
            torch.random.set_rng_state(rng);
            rng.Dispose();
        }

        if (model is null)
        {
            throw new ArgumentException("The model factory returned null.", parameterName);
        }

        if (ReferenceEquals(model, source))
        {
            throw new ArgumentException("The model factory must build a new instance, not return the live model.", parameterName);
        }

        try
        {
            var reference = source.parameters().First();
            model.to(reference.device);
            if (model.parameters().Any(p => p.is_floating_point() && p.dtype != reference.dtype)
                && source.parameters().All(p => !p.is_floating_point() || p.dtype == reference.dtype))
            {
                model.to(reference.dtype);
            }

            // module.to replaced the Parameter objects: read them only now.
            var shadow = new ShadowModel(model);
            Compare("parameter", [.. source.named_parameters().Select(p => (p.name, (Tensor)p.parameter))], shadow._parameters, parameterName);
            Compare("buffer", [.. source.named_buffers().Select(b => (b.name, b.buffer))], shadow._buffers, parameterName);
            return shadow;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Copies every parameter, buffer and <c>requires_grad</c> flag of <paramref name="source"/> into the shadow.</summary>
    /// <exception cref="InvalidOperationException">The live model's parameters or buffers no longer match the shadow's.</exception>
    public void CopyFrom(nn.Module<Tensor, Tensor> source)
    {
        // Read afresh each time: module.to on the live model replaces its Parameter objects.
        var parameters = source.named_parameters().ToArray();
        var buffers = source.named_buffers().ToArray();
        if (parameters.Length != _parameters.Length || buffers.Length != _buffers.Length)
        {
            throw new InvalidOperationException(
                $"The model now has {parameters.Length} parameters and {buffers.Length} buffers; the probe copy has {_parameters.Length} and {_buffers.Length}.");
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (var i = 0; i < parameters.Length; i++)
        {
            var (name, target) = _parameters[i];
            var live = parameters[i].parameter;
            Check(name, target, parameters[i].name, live);
            target.copy_(live);
            if (target.requires_grad != live.requires_grad)
            {
                target.requires_grad_(live.requires_grad);
            }
        }

        for (var i = 0; i < buffers.Length; i++)
        {
            var (name, target) = _buffers[i];
            var live = buffers[i].buffer;
            Check(name, target, buffers[i].name, live);
            target.copy_(live);
        }
    }

    /// <summary>Frees the shadow model.</summary>
    public void Dispose() => Model.Dispose();

    private static void Check(string name, Tensor target, string liveName, Tensor live)
    {
        if (name != liveName || !target.shape.SequenceEqual(live.shape) || target.dtype != live.dtype || target.device_type != live.device_type)
        {
            throw new InvalidOperationException(
                $"The model's '{liveName}' ({Describe(live)}) no longer matches the probe copy's '{name}' ({Describe(target)}).");
        }
    }

    private static void Compare(string kind, (string Name, Tensor Tensor)[] live, (string Name, Tensor Tensor)[] shadow, string parameterName)
    {
        var liveByName = live.ToDictionary(t => t.Name, t => t.Tensor);
        var shadowByName = shadow.ToDictionary(t => t.Name, t => t.Tensor);
        var missing = liveByName.Keys.Except(shadowByName.Keys).ToArray();
        var extra = shadowByName.Keys.Except(liveByName.Keys).ToArray();
        if (missing.Length > 0 || extra.Length > 0)
        {
            throw new ArgumentException(
                $"The model factory builds a different architecture: {kind}s missing from the factory's model: [{string.Join(", ", missing)}]; " +
                $"{kind}s the live model does not have: [{string.Join(", ", extra)}].", parameterName);
        }

        for (var i = 0; i < live.Length; i++)
        {
            var (name, tensor) = live[i];
            if (shadow[i].Name != name)
            {
                throw new ArgumentException(
                    $"The model factory registers {kind}s in a different order: '{shadow[i].Name}' where the live model has '{name}'.", parameterName);
            }

            var other = shadow[i].Tensor;
            if (!tensor.shape.SequenceEqual(other.shape) || tensor.dtype != other.dtype)
            {
                throw new ArgumentException(
                    $"The model factory builds a different architecture: {kind} '{name}' is {Describe(tensor)} in the live model but {Describe(other)} in the factory's model.",
                    parameterName);
            }
        }
    }

    private static string Describe(Tensor t) => $"[{string.Join(", ", t.shape)}] {t.dtype} on {t.device}";
}
