using TrainMonitor.Frontier;
using TrainMonitor.Shells;
using TrainMonitor.Spectral;

namespace TrainMonitor.Tests.Checkpoints;

/// <summary>
/// A profile given shell by shell — each shell's energy and how many eigenvalues carry it — turned into an exact discrete
/// measure, and the unimodality screen and deepest dip worked out by brute force from the same numbers, without the
/// engine's profile.
/// </summary>
/// <remarks>
/// Shell k is [2^(first+k), 2^(first+k+1)); its c nodes sit at 2^(first+k+(j+1)/(c+1)), at least 1/7 of an octave from
/// either edge, so no node is within the bounds' node tolerance (64 ε λ_max) of an edge and the exact measure's
/// certified bounds equal its estimates up to summation round-off. A shell of energy 0 holds no node (a gap).
/// </remarks>
internal sealed class ShellLayout
{
    public ShellLayout(int firstShell, double[] energies, int[] nodesPerShell)
    {
        Assert.Equal(energies.Length, nodesPerShell.Length);
        FirstShell = firstShell;
        Energies = energies;
        NodesPerShell = nodesPerShell;
    }

    public int FirstShell { get; }

    public double[] Energies { get; }

    public int[] NodesPerShell { get; }

    public double Total => Energies.Sum();

    public int NodeCount => NodesPerShell.Where((_, k) => Energies[k] > 0).Sum();

    /// <summary>The exact measure of the layout, binned with an absolute floor at the lower edge of the first shell.</summary>
    public ShellProfile Profile()
    {
        var nodes = new List<double>();
        var weights = new List<double>();
        for (var k = 0; k < Energies.Length; k++)
        {
            if (Energies[k] <= 0)
            {
                continue;
            }

            var count = NodesPerShell[k];
            for (var j = 0; j < count; j++)
            {
                nodes.Add(Math.Pow(2, FirstShell + k + ((j + 1.0) / (count + 1))));
                weights.Add(Energies[k] / count);
            }
        }

        var measure = new SpectralMeasure(JacobiMatrix.FromDiscreteMeasure(nodes, weights));
        return ShellProfile.Compute(measure, new ShellGrid(2), NullFloor.Absolute(Math.Pow(2, FirstShell)));
    }

    /// <summary>
    /// The screen by hand: the run of top shells with fewer than MinimumOccupancy nodes dropped (all kept when every
    /// shell is sparse), empty shells skipped, shells past the peak below DynamicRange × peak dropped; then, when at least
    /// MinimumShells remain, the deepest dip over every shell j: min(max left of j, max right of j) / E_j, O(n²).
    /// </summary>
    public ReferenceDip Screen(FrontierFitOptions options)
    {
        var top = Array.FindLastIndex(Energies, e => e > 0);
        var kept = top + 1;
        while (kept > 0 && Occupancy(kept - 1) < options.MinimumOccupancy)
        {
            kept--;
        }

        if (kept == 0)
        {
            kept = top + 1;
        }

        var shells = Enumerable.Range(0, kept).Where(k => Energies[k] > 0).ToList();
        if (shells.Count == 0)
        {
            return new ReferenceDip(0, null, double.NaN, null, null, Undecided: true);
        }

        var peak = shells.MaxBy(k => Energies[k]);
        shells.RemoveAll(k => k > peak && Energies[k] < options.DynamicRange * Energies[peak]);
        if (shells.Count < options.MinimumShells)
        {
            return new ReferenceDip(shells.Count, FirstShell + peak, double.NaN, null, null, Undecided: true);
        }

        var e = shells.Select(k => Energies[k]).ToArray();
        (double Depth, int Left, int Right)? deepest = null;
        for (var j = 1; j < e.Length - 1; j++)
        {
            var left = Enumerable.Range(0, j).MaxBy(i => e[i]);
            var right = Enumerable.Range(j + 1, e.Length - j - 1).MaxBy(i => e[i]);
            var depth = Math.Min(e[left], e[right]) / e[j];
            if (depth > 1 && (deepest is null || depth > deepest.Value.Depth))
            {
                deepest = (depth, left, right);
            }
        }

        return deepest is { } d
            ? new ReferenceDip(shells.Count, FirstShell + peak, d.Depth, FirstShell + shells[d.Left], FirstShell + shells[d.Right], Undecided: false)
            : new ReferenceDip(shells.Count, FirstShell + peak, 1.0, null, null, Undecided: false);
    }

    /// <summary>Nodes in shell k: an empty shell holds none.</summary>
    public int Occupancy(int k) => Energies[k] > 0 ? NodesPerShell[k] : 0;

    /// <summary>
    /// Relative round-off of a dip computed from the exact measure's bounds instead of the energies: each bound is a
    /// difference of two cumulative sums of at most N weights, off by at most 2 N ε · total; a dip is a ratio of two of
    /// them, so its relative error is at most 4 N ε · total / (smallest energy screened).
    /// </summary>
    public double DipRelativeRoundOff() =>
        4 * NodeCount * GaussRadauBounds.MachineEpsilon * Total / Energies.Where(e => e > 0).Min();
}
