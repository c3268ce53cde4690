using TrainMonitor.Shells;
using TrainMonitor.Spectral;

namespace TrainMonitor.EnergyBudget;

/// <summary>Certified bounds of a measure's mass on <c>[a, b)</c>, by the rule <see cref="ShellProfile"/> bounds shells with.</summary>
internal static class IntervalMass
{
    /// <summary>
    /// <c>[max(0, lower(b) − upper(a)), upper(b) − lower(a)]</c> from the Gauss–Radau bounds at the two edges, clamped to
    /// <c>[0, total mass]</c>.
    /// </summary>
    public static (double Lower, double Upper) Bounds(SpectralMeasure measure, double a, double b)
    {
        var total = Math.Max(measure.TotalMass, 0);
        if (!(total > 0))
        {
            return (0, 0);
        }

        var at = GaussRadauBounds.Evaluate(measure, a);
        var bt = GaussRadauBounds.Evaluate(measure, b);
        return (Math.Clamp(bt.Lower - at.Upper, 0, total), Math.Clamp(bt.Upper - at.Lower, 0, total));
    }

    /// <summary>Bounds of the mass below <paramref name="floor"/> (the null band).</summary>
    public static (double Lower, double Upper) Below(SpectralMeasure measure, double floor)
    {
        var total = Math.Max(measure.TotalMass, 0);
        if (!(total > 0))
        {
            return (0, 0);
        }

        var at = GaussRadauBounds.Evaluate(measure, floor);
        return (Math.Clamp(at.Lower, 0, total), Math.Clamp(at.Upper, 0, total));
    }
}
