using TorchSharp;

namespace TrainMonitor.Torch;

/// <summary>Machine epsilon of torch's floating dtypes, and the coarser of two dtypes (the one whose round-off dominates).</summary>
internal static class FloatPrecision
{
    /// <summary>
    /// Machine epsilon 2^(1−p) for a p-bit significand (complex dtypes: that of their parts). Other dtypes count as
    /// float64, the finest, so an integer tensor (embedding indices) never coarsens the result.
    /// </summary>
    public static double Epsilon(torch.ScalarType dtype) => dtype switch
    {
        torch.ScalarType.Float32 or torch.ScalarType.ComplexFloat32 => Math.ScaleB(1, -23),
        torch.ScalarType.Float16 => Math.ScaleB(1, -10),
        torch.ScalarType.BFloat16 => Math.ScaleB(1, -7),
        _ => Math.ScaleB(1, -52),
    };

    /// <summary>The dtype with the larger epsilon (float64 when both are equally fine).</summary>
    public static torch.ScalarType Coarser(torch.ScalarType a, torch.ScalarType b) => Epsilon(b) > Epsilon(a) ? b : a;

    /// <summary>The coarsest floating dtype among <paramref name="dtypes"/>, float64 when there is none.</summary>
    public static torch.ScalarType Coarsest(IEnumerable<torch.ScalarType> dtypes) =>
        dtypes.Aggregate(torch.ScalarType.Float64, Coarser);
}
