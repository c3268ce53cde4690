using TrainMonitor.Shells;
using TrainMonitor.Spectral;

namespace TrainMonitor.EnergyBudget;

/// <summary>
/// The energy budget of the error between two probes. The frozen-kernel prediction propagates the earlier probe's
/// measure with the learning rates used in between, <c>w_j ∏_k (1 − η_k θ_j)²</c>, and bins it on the later probe's
/// shells; measured minus predicted, per shell, is the energy that arrived by transport, its sum from the top the net
/// flux across each shell edge, and <see cref="TransportFraction"/> = Σ |residual| over the later error energy sums it
/// up. The prediction is exact for gradient descent on the probe set's own squared error with a kernel that does not
/// move (a linear model trained full-batch on the probe set); anything else shows as transport. Immutable (a record, so
/// a reader of saved snapshots can rebuild it).
/// </summary>
public sealed record TransportBudget
{
    /// <summary>Step of the earlier probe.</summary>
    public required long FromStep { get; init; }

    /// <summary>Step of the later probe.</summary>
    public required long ToStep { get; init; }

    /// <summary>
    /// One entry per shell, ascending: the later probe's shells, widened to every shell the prediction puts energy in.
    /// </summary>
    public required IReadOnlyList<ShellTransport> Shells { get; init; }

    /// <summary>The budget of the band below the later probe's null floor.</summary>
    public required NullTransport Null { get; init; }

    /// <summary>Error energy measured at the later probe.</summary>
    public required double MeasuredEnergy { get; init; }

    /// <summary>Error energy the frozen kernel predicts at the later probe.</summary>
    public required double PredictedEnergy { get; init; }

    /// <summary>
    /// Σ |residual| over the shells and the null band, divided by the later error energy: 0 when the frozen kernel
    /// explains every shell, and of order 1 when most of the energy moved. NaN when the later energy is 0.
    /// </summary>
    public required double TransportFraction { get; init; }

    /// <summary>Certified lower bound of <see cref="TransportFraction"/> (from the residuals' bounds).</summary>
    public required double TransportFractionLower { get; init; }

    /// <summary>Certified upper bound of <see cref="TransportFraction"/>.</summary>
    public required double TransportFractionUpper { get; init; }

    /// <summary>True when both measures are exact, so every bound equals its estimate.</summary>
    public required bool IsExact { get; init; }

    /// <summary>The budget from the probe that measured <paramref name="earlier"/> to the one that measured <paramref name="later"/>.</summary>
    /// <param name="earlier">The earlier probe's spectral measure.</param>
    /// <param name="later">The later probe's spectral measure.</param>
    /// <param name="laterProfile">The later probe's profile (computed from <paramref name="later"/>): its grid, floor and shells.</param>
    /// <param name="path">The learning rates of the optimiser steps in between.</param>
    /// <param name="fromStep">Step of the earlier probe; the later one is <c>fromStep + path.Steps</c>.</param>
    public static TransportBudget Compute(SpectralMeasure earlier, SpectralMeasure later, ShellProfile laterProfile, LearningRatePath path, long fromStep)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(later);
        ArgumentNullException.ThrowIfNull(laterProfile);
        ArgumentNullException.ThrowIfNull(path);

        var grid = laterProfile.Grid;
        var floor = laterProfile.NullEnergy.Floor;

        // The shells: the later profile's, widened to every shell an earlier node above the floor lands in.
        int? low = laterProfile.Shells.Count > 0 ? laterProfile.Shells[0].Index : null;
        int? high = laterProfile.Shells.Count > 0 ? laterProfile.Shells[^1].Index : null;
        foreach (var theta in earlier.Nodes)
        {
            if (!ShellProfile.IsNull(theta, floor))
            {
                var index = grid.IndexOf(theta);
                low = low is null ? index : Math.Min(low.Value, index);
                high = high is null ? index : Math.Max(high.Value, index);
            }
        }

        var count = low is null ? 0 : high!.Value - low.Value + 1;
        if (count > ShellProfile.MaxShells)
        {
            throw new ArgumentException($"The budget would span {count} shells; at most {ShellProfile.MaxShells} are allowed.", nameof(earlier));
        }

        var predicted = new double[count];
        var nullPredicted = 0.0;
        var predictedTotal = 0.0;
        var smallestNode = 0.0;
        for (var j = 0; j < earlier.Nodes.Count; j++)
        {
            var theta = earlier.Nodes[j];
            var carried = earlier.Weights[j] * path.Transfer(theta);
            predictedTotal += carried;
            smallestNode = Math.Min(smallestNode, theta);
            if (ShellProfile.IsNull(theta, floor))
            {
                nullPredicted += carried;
            }
            else
            {
                predicted[grid.IndexOf(theta) - low!.Value] += carried;
            }
        }

        var measuredEstimate = new double[count];
        foreach (var theta in later.Nodes.Select((node, j) => (node, j)))
        {
            if (!ShellProfile.IsNull(theta.node, floor))
            {
                measuredEstimate[grid.IndexOf(theta.node) - low!.Value] += later.Weights[theta.j];
            }
        }

        var earlierExact = MeasureExactness.IsExact(earlier);
        var laterExact = MeasureExactness.IsExact(later);
        var edges = new double[count == 0 ? 0 : count + 1];
        for (var i = 0; i < edges.Length; i++)
        {
            edges[i] = i == 0 && floor > 0 ? floor : grid.LowerEdge(low!.Value + i);
        }

        // Each edge's cumulative bounds once per measure (a Gauss–Radau solve per batch and edge); none on an exact path.
        var laterEdges = laterExact ? null : new EdgeMassBounds(later, edges);
        var earlierEdges = earlierExact ? null : new EdgeMassBounds(earlier, edges);

        var shells = new ShellTransport[count];
        var rows = new (double Residual, double Lower, double Upper)[count];
        for (var i = 0; i < count; i++)
        {
            var (mLower, mUpper) = laterEdges?.Between(i) ?? (measuredEstimate[i], measuredEstimate[i]);
            var (pLower, pUpper) = earlierEdges is null ? (predicted[i], predicted[i]) : Scaled(earlierEdges.Between(i), path.TransferRange(edges[i], edges[i + 1]));
            rows[i] = (measuredEstimate[i] - predicted[i], mLower - pUpper, mUpper - pLower);
            shells[i] = new ShellTransport(low!.Value + i, edges[i], edges[i + 1], measuredEstimate[i], predicted[i], pLower, pUpper,
                rows[i].Residual, rows[i].Lower, rows[i].Upper, 0, 0, 0);
        }

        // Flux across a shell's lower edge: the residuals from the top down to that shell.
        double flux = 0, fluxLower = 0, fluxUpper = 0;
        for (var i = count - 1; i >= 0; i--)
        {
            flux += rows[i].Residual;
            fluxLower += rows[i].Lower;
            fluxUpper += rows[i].Upper;
            shells[i] = shells[i] with { Flux = flux, FluxLower = fluxLower, FluxUpper = fluxUpper };
        }

        var measuredNull = laterProfile.NullEnergy;
        var (nullLower, nullUpper) = earlierExact
            ? (nullPredicted, nullPredicted)
            : Scaled(earlierEdges is not null && floor > 0 ? earlierEdges.BelowFirst() : EdgeMassBounds.Below(earlier, Math.Max(floor, 0)),
                path.TransferRange(Math.Min(0, smallestNode), Math.Max(floor, 0)));
        var (nmLower, nmUpper) = laterExact ? (measuredNull.Estimate, measuredNull.Estimate) : (measuredNull.Lower, measuredNull.Upper);
        var nullBand = new NullTransport(floor, measuredNull.Estimate, nullPredicted, nullLower, nullUpper,
            measuredNull.Estimate - nullPredicted, nmLower - nullUpper, nmUpper - nullLower);

        var energy = later.TotalMass;
        var sum = Math.Abs(nullBand.Residual);
        var sumLower = Distance(nullBand.ResidualLower, nullBand.ResidualUpper);
        var sumUpper = Math.Max(Math.Abs(nullBand.ResidualLower), Math.Abs(nullBand.ResidualUpper));
        foreach (var r in rows)
        {
            sum += Math.Abs(r.Residual);
            sumLower += Distance(r.Lower, r.Upper);
            sumUpper += Math.Max(Math.Abs(r.Lower), Math.Abs(r.Upper));
        }

        var known = energy > 0 && double.IsFinite(energy);
        return new TransportBudget
        {
            FromStep = fromStep,
            ToStep = fromStep + path.Steps,
            Shells = Array.AsReadOnly(shells),
            Null = nullBand,
            MeasuredEnergy = energy,
            PredictedEnergy = predictedTotal,
            TransportFraction = known ? sum / energy : double.NaN,
            TransportFractionLower = known ? sumLower / energy : double.NaN,
            TransportFractionUpper = known ? sumUpper / energy : double.NaN,
            IsExact = earlierExact && laterExact,
        };
    }

    // |x| for x in [lower, upper] is at least the interval's distance from 0.
    private static double Distance(double lower, double upper) => lower > 0 ? lower : upper < 0 ? -upper : 0;

    // The earlier mass on an interval times the transfer's range there: the propagated weight of any measure with that mass.
    private static (double Lower, double Upper) Scaled((double Lower, double Upper) mass, (double Min, double Max) transfer) =>
        (transfer.Min * mass.Lower, transfer.Max * mass.Upper);
}
