namespace TrainMonitor.EnergyBudget;

/// <summary>
/// The learning rates of the optimiser steps between two probes, run-length encoded (a constant rate is one segment,
/// so the path costs memory only when the rate changes). Under gradient descent with a frozen kernel each step
/// multiplies the error's weight at eigenvalue θ by <c>(1 − ηθ)²</c>; the path's <see cref="Transfer"/> is the
/// product over its steps. Immutable.
/// </summary>
public sealed class LearningRatePath
{
    private readonly RateSegment[] _segments;

    /// <summary>Creates the path of <paramref name="segments"/>, in step order.</summary>
    /// <exception cref="ArgumentException">A segment has no steps, or a rate that is not finite.</exception>
    public LearningRatePath(IEnumerable<RateSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        _segments = segments.ToArray();
        foreach (var s in _segments)
        {
            if (s.Steps < 1 || !double.IsFinite(s.LearningRate))
            {
                throw new ArgumentException($"A rate segment needs at least one step and a finite rate; got {s.Steps} steps at {s.LearningRate}.", nameof(segments));
            }
        }

        Segments = Array.AsReadOnly(_segments);
        Steps = _segments.Sum(s => s.Steps);
    }

    /// <summary>The segments in step order.</summary>
    public IReadOnlyList<RateSegment> Segments { get; }

    /// <summary>Optimiser steps on the path.</summary>
    public long Steps { get; }

    /// <summary><c>∏_k (1 − η_k θ)²</c>: the factor a frozen kernel applies to the weight at eigenvalue θ over the path.</summary>
    public double Transfer(double theta)
    {
        var product = 1.0;
        foreach (var s in _segments)
        {
            var factor = (1 - s.LearningRate * theta) * (1 - s.LearningRate * theta);
            product *= Math.Pow(factor, s.Steps);
        }

        return product;
    }

    /// <summary>
    /// Bounds of <see cref="Transfer"/> over <c>[a, b]</c>: the product of each step factor's own range, so the bounds
    /// hold whatever the path does (each factor is a non-negative parabola in θ; its extremes on an interval are at the
    /// ends or at its root 1/η).
    /// </summary>
    public (double Min, double Max) TransferRange(double a, double b)
    {
        var min = 1.0;
        var max = 1.0;
        foreach (var s in _segments)
        {
            var (fMin, fMax) = SquaredFactorRange(s.LearningRate, a, b);
            min *= Math.Pow(fMin, s.Steps);
            max *= Math.Pow(fMax, s.Steps);
        }

        return (min, max);
    }

    private static (double Min, double Max) SquaredFactorRange(double eta, double a, double b)
    {
        double At(double x) => (1 - eta * x) * (1 - eta * x);
        var fa = At(a);
        var fb = At(b);
        var min = Math.Min(fa, fb);
        var max = Math.Max(fa, fb);
        if (eta != 0)
        {
            var root = 1 / eta;
            if (root > a && root < b)
            {
                min = 0;
            }
        }

        return (min, max);
    }
}
