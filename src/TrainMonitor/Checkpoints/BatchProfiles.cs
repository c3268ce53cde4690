using TrainMonitor.Frontier;
using TrainMonitor.Probing;
using TrainMonitor.Shells;
using TrainMonitor.Spectral;

namespace TrainMonitor.Checkpoints;

/// <summary>
/// The profile of each probe batch on its own, binned exactly as the batch-averaged profile (same grid, same absolute
/// floor), so that their mean is the probe's profile and their spread is the batches' disagreement.
/// </summary>
internal static class BatchProfiles
{
    /// <summary>Each shell's spread over the batches, and each batch's unimodality outcome, from the measure's per-batch components.</summary>
    public static (ShellBatchSpread[] Spread, UnimodalityOutcome[] Outcomes) Of(SpectralProbeResult result, FrontierFitOptions fit)
    {
        if (result.IsNonFinite)
        {
            return ([], []);
        }

        var averaged = result.Profile;
        var floorValue = averaged.NullEnergy.Floor;
        var floor = floorValue > 0 && double.IsFinite(floorValue) ? NullFloor.Absolute(floorValue) : NullFloor.Relative(0);
        var profiles = result.Measure.Components.Select(c => ShellProfile.Compute(new SpectralMeasure(c), averaged.Grid, floor)).ToArray();
        var spread = averaged.Shells.Select(shell =>
        {
            var energies = profiles.Select(p => EnergyOf(p, shell.Index)).ToArray();
            var mean = energies.Average();
            var sd = energies.Length > 1
                ? Math.Sqrt(energies.Sum(e => (e - mean) * (e - mean)) / (energies.Length - 1))
                : double.NaN;
            return new ShellBatchSpread(shell.Index, mean, sd, energies.Min(), energies.Max());
        }).ToArray();
        return (spread, profiles.Select(p => UnimodalityVerdict.Of(p, fit).Outcome).ToArray());
    }

    private static double EnergyOf(ShellProfile profile, int index)
    {
        // Contiguous shells: the one at index α sits at α − first.
        if (profile.Shells.Count == 0)
        {
            return 0.0;
        }

        var slot = index - profile.Shells[0].Index;
        return slot >= 0 && slot < profile.Shells.Count ? profile.Shells[slot].Estimate : 0.0;
    }
}
