using TorchSharp;
using static TorchSharp.torch;

namespace TrainMonitor.Errors;

/// <summary>Short human-readable descriptions of tensors for exception messages.</summary>
internal static class TensorDescription
{
    /// <summary>"[4, 3]".</summary>
    public static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";

    /// <summary>"Float32 [4, 3] on cpu".</summary>
    public static string Describe(Tensor t) => $"{t.dtype} {Shape(t)} on {t.device}";

    /// <summary>True when both tensors live on the same device (type and index).</summary>
    public static bool SameDevice(Tensor a, Tensor b) => a.device_type == b.device_type && a.device_index == b.device_index;
}
