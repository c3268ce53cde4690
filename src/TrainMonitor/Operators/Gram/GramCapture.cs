using TorchSharp;
using static TorchSharp.torch;

namespace TrainMonitor.Operators.Gram;

/// <summary>
/// Forward hooks on the layers of a <see cref="GramPlan"/> that record every call's input and output while attached.
/// </summary>
/// <remarks>
/// <para>The hook keeps the layer's own output tensor and hands the rest of the model a copy. Output gradients are
/// taken with respect to the kept tensor, so an in-place op after the layer (an in-place ReLU, say) cannot turn them
/// into gradients with respect to something else; and <c>Sequential</c>, which disposes intermediate results, only
/// disposes the copy.</para>
/// <para>Hooks fire through <c>module.call</c>. Only calls on the thread that attached the hooks are recorded.</para>
/// </remarks>
internal sealed class GramCapture : IDisposable
{
    private readonly List<LayerCall> _calls = [];
    private readonly List<Action> _removers = [];
    private readonly int _threadId = Environment.CurrentManagedThreadId;
    private bool _recording = true;

    private GramCapture(GramPlan plan)
    {
        try
        {
            foreach (var layer in plan.Layers)
            {
                var remover = layer.Module.register_forward_hook((_, input, output) => Record(layer, input, output));
                _removers.Add(remover.remove);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IReadOnlyList<LayerCall> Calls => _calls;

    public static GramCapture Attach(GramPlan plan) => new(plan);

    /// <summary>Removes the hooks; the recorded calls stay until <see cref="Dispose"/>.</summary>
    public void StopRecording()
    {
        _recording = false;
        foreach (var remove in _removers)
        {
            remove();
        }

        _removers.Clear();
    }

    public void Dispose()
    {
        StopRecording();
        foreach (var call in _calls)
        {
            call.Input.Dispose();
            call.Output.Dispose();
            call.OutputGradient?.Dispose();
        }

        _calls.Clear();
    }

    private Tensor Record(GramLayer layer, Tensor input, Tensor output)
    {
        if (!_recording || Environment.CurrentManagedThreadId != _threadId)
        {
            return output;
        }

        var kept = input.detach().DetachFromDisposeScope();
        _calls.Add(new LayerCall(layer, kept, output.DetachFromDisposeScope()));
        return output.clone();
    }
}
