using TorchSharp;

namespace TrainMonitor.Torch;

/// <summary>
/// Disables the flash SDPA kernel for a scope and restores the previous value: a graph built with it cannot
/// be differentiated twice on CPU, and TorchSharp 0.107 turns that libtorch error into a process abort.
/// </summary>
/// <remarks>
/// The flag is process-wide, so scopes are reference-counted: the first scope to enter records the caller's value
/// and switches the kernel off, the last to leave restores it. Overlapping probes on different threads therefore
/// cannot switch the kernel back on under each other's feet.
/// </remarks>
internal readonly struct FlashAttentionOff : IDisposable
{
    private static readonly object Gate = new();
    private static int _depth;
    private static bool _saved;

    private readonly bool _entered;

    private FlashAttentionOff(bool entered, bool wasEnabled)
    {
        _entered = entered;
        WasEnabled = wasEnabled;
    }

    /// <summary>The flag's value when the outermost scope was entered (what will be restored).</summary>
    public bool WasEnabled { get; }

    public static FlashAttentionOff Enter()
    {
        lock (Gate)
        {
            if (_depth == 0)
            {
                _saved = torch.backends.cuda.flash_sdp_enabled();
                torch.backends.cuda.enable_flash_sdp(false);
            }

            _depth++;
            return new FlashAttentionOff(entered: true, wasEnabled: _saved);
        }
    }

    public void Dispose()
    {
        if (!_entered)
        {
            return;
        }

        lock (Gate)
        {
            if (--_depth == 0)
            {
                torch.backends.cuda.enable_flash_sdp(_saved);
            }
        }
    }
}
