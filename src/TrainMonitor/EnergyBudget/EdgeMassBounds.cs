using TrainMonitor.Shells;
using TrainMonitor.Spectral;

namespace TrainMonitor.EnergyBudget;

/// <summary>
/// A measure's certified cumulative bounds at a row of shell edges, each edge evaluated once, and the mass bounds of the
/// intervals between them by the rule <see cref="ShellProfile"/> bounds shells with.
/// </summary>
internal sealed class EdgeMassBounds
{
    private readonly CumulativeMassBounds[] _at;
    private readonly double _total;

    public EdgeMassBounds(SpectralMeasure measure, IReadOnlyList<double> edges)
    {
        _total = Math.Max(measure.TotalMass, 0);
        _at = _total > 0 ? [.. edges.Select(e => GaussRadauBounds.Evaluate(measure, e))] : new CumulativeMassBounds[edges.Count];
    }

    /// <summary>
    /// Mass on <c>[edge i, edge i+1)</c>: <c>[max(0, lower(b) − upper(a)), upper(b) − lower(a)]</c>, clamped to
    /// <c>[0, total mass]</c>.
    /// </summary>
    public (double Lower, double Upper) Between(int i) =>
        (Clamp(_at[i + 1].Lower - _at[i].Upper), Clamp(_at[i + 1].Upper - _at[i].Lower));

    /// <summary>Mass below the first edge (the null band when the first edge is the null floor).</summary>
    public (double Lower, double Upper) BelowFirst() => (Clamp(_at[0].Lower), Clamp(_at[0].Upper));

    /// <summary>Mass of <paramref name="measure"/> below <paramref name="floor"/>.</summary>
    public static (double Lower, double Upper) Below(SpectralMeasure measure, double floor) => new EdgeMassBounds(measure, [floor]).BelowFirst();

    private double Clamp(double value) => Math.Clamp(value, 0, _total);
}
