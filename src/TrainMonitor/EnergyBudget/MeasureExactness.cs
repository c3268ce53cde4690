using TrainMonitor.Spectral;

namespace TrainMonitor.EnergyBudget;

/// <summary>Whether a measure's quadrature is the measure itself, so integrals of any function over it are exact.</summary>
internal static class MeasureExactness
{
    /// <summary>
    /// True when every batch's Jacobi matrix broke down (an invariant Krylov space, or a spectrum built exactly by the
    /// exact and Gram paths): the Gauss rule then carries the measure's true nodes and weights.
    /// </summary>
    public static bool IsExact(SpectralMeasure measure) => measure.Components.All(c => c.BrokeDown);
}
