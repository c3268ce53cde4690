using TrainMonitor.Spectral;

namespace TrainMonitor.Shells;

/// <summary>
/// Error energy per spectral shell, with certified bounds, and the null energy below the floor. Immutable.
/// </summary>
/// <remarks>
/// Shells run from the one containing the null floor (its lower edge clipped up to the floor) to the one
/// containing λ_max, including empty shells in between: an empty shell has estimate 0 but may have a positive
/// upper bound, since the quadrature cannot exclude energy there. With a floor of 0 (relative floor and
/// λ_max ≤ 0 or fraction 0) the shells start at the one containing the smallest positive node. Nodes at or below
/// 0 always count as null energy. Bounds are the differences of the Chebyshev–Markov–Stieltjes bounds of
/// <see cref="GaussRadauBounds"/> at the shell edges: <c>Lower = max(0, lower(b) − upper(a))</c>,
/// <c>Upper = upper(b) − lower(a)</c>, clamped to <c>[0, TotalEnergy]</c>.
/// </remarks>
public sealed class ShellProfile
{
    /// <summary>Largest number of shells a profile may span (guards against absurd floors or ratios).</summary>
    public const int MaxShells = 10_000;

    private ShellProfile(ShellGrid grid, double totalEnergy, double lambdaMax, NullEnergy nullEnergy, ShellEnergy[] shells, int batches)
    {
        Grid = grid;
        Batches = batches;
        TotalEnergy = totalEnergy;
        LambdaMax = lambdaMax;
        NullEnergy = nullEnergy;
        Shells = Array.AsReadOnly(shells);
        var peak = -1;
        for (var i = 0; i < shells.Length; i++)
        {
            if (shells[i].Estimate > 0 && (peak < 0 || shells[i].Estimate > shells[peak].Estimate))
            {
                peak = i;
            }
        }

        PeakShell = peak < 0 ? null : shells[peak].Index;
    }

    /// <summary>The grid the shells are defined on.</summary>
    public ShellGrid Grid { get; }

    /// <summary>Total error energy (the measure's total mass: mean over batches of ‖e‖²/n).</summary>
    public double TotalEnergy { get; }

    /// <summary>Largest Ritz value of the measure (NaN when the error is zero).</summary>
    public double LambdaMax { get; }

    /// <summary>Number of probe batches the measure averages (the occupancy of a shell counts nodes over all of them).</summary>
    public int Batches { get; }

    /// <summary>Energy below the null floor, with bounds.</summary>
    public NullEnergy NullEnergy { get; }

    /// <summary>Shells in ascending order of index, contiguous.</summary>
    public IReadOnlyList<ShellEnergy> Shells { get; }

    /// <summary>Index α of the shell with the largest estimate; null when no shell holds any estimated energy.</summary>
    public int? PeakShell { get; }

    /// <summary>Bins <paramref name="measure"/> into the shells of <paramref name="grid"/> above <paramref name="floor"/>.</summary>
    /// <exception cref="ArgumentException">The profile would span more than <see cref="MaxShells"/> shells.</exception>
    public static ShellProfile Compute(SpectralMeasure measure, ShellGrid grid, NullFloor floor)
    {
        ArgumentNullException.ThrowIfNull(measure);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(floor);

        var total = measure.TotalMass;
        var lambdaMax = measure.LambdaMax;
        var floorValue = floor.Resolve(lambdaMax);
        var nodes = measure.Nodes;
        var weights = measure.Weights;

        var nullEstimate = 0.0;
        var smallestAbove = double.PositiveInfinity;
        for (var j = 0; j < nodes.Count; j++)
        {
            if (IsNull(nodes[j], floorValue))
            {
                nullEstimate += weights[j];
            }
            else
            {
                smallestAbove = Math.Min(smallestAbove, nodes[j]);
            }
        }

        var nullBounds = total > 0 ? GaussRadauBounds.Evaluate(measure, floorValue) : new CumulativeMassBounds(0, 0);
        var nullEnergy = new NullEnergy(floorValue, nullEstimate, Clamp(nullBounds.Lower, total), Clamp(nullBounds.Upper, total));

        if (double.IsPositiveInfinity(smallestAbove))
        {
            return new ShellProfile(grid, total, lambdaMax, nullEnergy, [], measure.Components.Count);
        }

        var lowIndex = grid.IndexOf(floorValue > 0 ? floorValue : smallestAbove);
        var highIndex = grid.IndexOf(lambdaMax);
        if ((long)highIndex - lowIndex + 1 > MaxShells)
        {
            throw new ArgumentException(
                $"The profile would span {(long)highIndex - lowIndex + 1} shells (floor {floorValue:G3}, λ_max {lambdaMax:G3}, ratio {grid.Ratio}); at most {MaxShells} are allowed.",
                nameof(floor));
        }

        var count = highIndex - lowIndex + 1;
        var estimates = new double[count];
        var occupancy = new int[count];
        for (var j = 0; j < nodes.Count; j++)
        {
            if (!IsNull(nodes[j], floorValue))
            {
                var slot = grid.IndexOf(nodes[j]) - lowIndex;
                estimates[slot] += weights[j];
                occupancy[slot]++;
            }
        }

        // Cumulative bounds at every edge, each computed once: edge i is the lower edge of shell lowIndex + i.
        var edges = new CumulativeMassBounds[count + 1];
        var edgeValues = new double[count + 1];
        for (var i = 0; i <= count; i++)
        {
            edgeValues[i] = i == 0 && floorValue > 0 ? floorValue : grid.LowerEdge(lowIndex + i);
            edges[i] = i == 0 && floorValue > 0 ? nullBounds : GaussRadauBounds.Evaluate(measure, edgeValues[i]);
        }

        var shells = new ShellEnergy[count];
        for (var i = 0; i < count; i++)
        {
            var a = edges[i];
            var b = edges[i + 1];
            var lower = Clamp(b.Lower - a.Upper, total);
            var upper = Clamp(b.Upper - a.Lower, total);
            shells[i] = new ShellEnergy(lowIndex + i, edgeValues[i], edgeValues[i + 1], estimates[i], lower, upper, occupancy[i]);
        }

        return new ShellProfile(grid, total, lambdaMax, nullEnergy, shells, measure.Components.Count);
    }

    /// <summary>
    /// Whether a node at <paramref name="theta"/> is null energy under the absolute floor <paramref name="floor"/>: below
    /// it, or at or below 0. The one binning rule for everything measured against a profile's shells.
    /// </summary>
    internal static bool IsNull(double theta, double floor) => theta < floor || theta <= 0;

    private static double Clamp(double value, double total) => Math.Clamp(value, 0, Math.Max(total, 0));
}
