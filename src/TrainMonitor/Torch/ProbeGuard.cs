using TorchSharp;
using static TorchSharp.torch;

namespace TrainMonitor.Torch;

/// <summary>
/// Puts the process and a model into the state a probe needs and restores the previous state exactly on
/// <see cref="Dispose"/>: grad mode enabled, every module of the model in evaluation mode, and the flash
/// scaled-dot-product-attention kernel disabled.
/// </summary>
/// <remarks>
/// <para>
/// Evaluation mode keeps BatchNorm from updating its running statistics and makes dropout the identity, so
/// the operator is deterministic. Each module's <c>training</c> flag is recorded and restored individually,
/// so a model with a mix of training and evaluation submodules gets its exact mix back.
/// </para>
/// <para>
/// The flash SDPA kernel has no double backward on CPU in libtorch 2.10, and TorchSharp 0.107 turns that
/// libtorch error into a process abort; with the flag off SDPA takes the math kernel. The flag is
/// process-wide (overlapping guards and operator scopes are reference-counted: the last one out restores it);
/// grad mode is per thread: create and dispose the guard on one thread, and nest guards last-in-first-out.
/// </para>
/// <para>The guard never touches parameters, gradients, buffers or random-number generators.</para>
/// </remarks>
public sealed class ProbeGuard : IDisposable
{
    private readonly List<(int Depth, nn.Module Module, bool Training)> _modules = [];
    private readonly IDisposable? _gradMode;
    private readonly FlashAttentionOff _flash;
    private readonly int _threadId;
    private bool _disposed;

    /// <summary>Enters the probe state for <paramref name="model"/> (grad mode, evaluation mode, flash SDPA off).</summary>
    /// <param name="model">The model whose modules are switched to evaluation mode for the guard's lifetime.</param>
    public ProbeGuard(nn.Module model)
        : this(model, manageGradMode: true)
    {
    }

    /// <param name="model">The model, or null to leave module modes alone.</param>
    /// <param name="manageGradMode">Whether to enable grad mode for the guard's lifetime.</param>
    internal ProbeGuard(nn.Module? model, bool manageGradMode)
    {
        _threadId = Environment.CurrentManagedThreadId;
        if (model is not null)
        {
            _modules.Add((0, model, model.training));
            foreach (var (name, module) in model.named_modules())
            {
                _modules.Add((name.Count(c => c == '.') + 1, module, module.training));
            }
        }

        _flash = FlashAttentionOff.Enter();
        try
        {
            _gradMode = manageGradMode ? enable_grad() : null;
            if (model is not null)
            {
                model.eval();
                // A module whose train() override does not recurse still has to end up in evaluation mode.
                foreach (var (_, module, _) in _modules)
                {
                    if (module.training)
                    {
                        module.eval();
                    }
                }
            }
        }
        catch
        {
            Restore();
            throw;
        }
    }

    /// <summary>
    /// Whether the flash SDPA kernel was enabled before probing began (restored when the last overlapping guard or
    /// operator scope ends).
    /// </summary>
    public bool FlashAttentionWasEnabled => _flash.WasEnabled;

    /// <summary>Restores grad mode, every module's training flag and the flash-SDPA flag.</summary>
    /// <exception cref="InvalidOperationException">
    /// Disposed on another thread than the one that created it (grad mode is per thread, so it cannot be
    /// restored there; module flags and the flash flag are restored nevertheless).
    /// </exception>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Restore();
    }

    private void Restore()
    {
        // Parents first: Module.train(bool) recurses into children, so children are set after their parents.
        foreach (var (_, module, training) in _modules.OrderBy(m => m.Depth))
        {
            if (module.training != training || module.children().Any())
            {
                module.train(training);
            }
        }

        _flash.Dispose();
        if (_gradMode is not null)
        {
            if (Environment.CurrentManagedThreadId != _threadId)
            {
                throw new InvalidOperationException(
                    "A ProbeGuard must be disposed on the thread that created it: grad mode is per thread and could not be restored.");
            }

            _gradMode.Dispose();
        }
    }
}
