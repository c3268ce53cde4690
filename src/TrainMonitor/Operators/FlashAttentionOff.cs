using TorchSharp;

namespace TrainMonitor.Operators;

/// <summary>
/// Disables the flash SDPA kernel for a scope and restores the previous value: a graph built with it cannot
/// be differentiated twice on CPU, and TorchSharp 0.107 turns that libtorch error into a process abort.
/// </summary>
internal readonly struct FlashAttentionOff : IDisposable
{
    private readonly bool _wasEnabled;

    private FlashAttentionOff(bool wasEnabled) => _wasEnabled = wasEnabled;

    public static FlashAttentionOff Enter()
    {
        var wasEnabled = torch.backends.cuda.flash_sdp_enabled();
        torch.backends.cuda.enable_flash_sdp(false);
        return new FlashAttentionOff(wasEnabled);
    }

    public void Dispose() => torch.backends.cuda.enable_flash_sdp(_wasEnabled);
}
