using TrainMonitor.Outputs;
using TrainMonitor.Shells;

namespace TrainMonitor.Checkpoints;

/// <summary>Compares one checkpoint's profiles across the depths of a sweep (<see cref="DepthSensitivity"/>).</summary>
internal static class DepthSweep
{
    /// <summary>The sensitivity of <paramref name="checkpoint"/>, or null when a probe at the smallest or largest depth failed.</summary>
    public static DepthSensitivity? Of(Checkpoint checkpoint, IReadOnlyList<int> depths, IReadOnlyList<CheckpointProbe> probes)
    {
        var byDepth = depths.Select(d => probes.Single(p => p.LanczosSteps == d)).ToArray();
        if (!byDepth[0].Succeeded || !byDepth[^1].Succeeded)
        {
            return null;
        }

        var indices = byDepth.Where(p => p.Succeeded).SelectMany(p => p.Snapshot!.Shells.Select(s => s.Index)).Distinct().Order().ToArray();
        var shells = indices.Select(index =>
        {
            var found = byDepth.Select(p => p.Snapshot?.Shells.FirstOrDefault(s => s.Index == index)).ToArray();
            var any = found.First(s => s is not null)!;
            return new ShellDepthEnergies(index, any.LambdaLower, any.LambdaUpper,
                found.Select((s, d) => Value(byDepth[d], s, s => s.Estimate, outside: 0.0)).ToArray(),
                found.Select((s, d) => Value(byDepth[d], s, s => s.Lower, outside: 0.0)).ToArray(),
                found.Select((s, d) => Value(byDepth[d], s, s => s.Upper, outside: double.PositiveInfinity)).ToArray());
        }).ToArray();

        // Two intervals that certify one value cannot be apart by more than the round-off of the operators they were
        // computed from; converged shells have intervals of no width, which round-off alone sets a few ulps apart.
        var errorEnergy = byDepth[^1].Snapshot!.ErrorEnergy;
        var slack = NullFloor.EpsilonMultiple * Math.Max(byDepth[0].UnitRoundoff, byDepth[^1].UnitRoundoff) * errorEnergy;
        var maxChange = 0.0;
        int? maxShell = null;
        var disjoint = 0;
        foreach (var shell in shells)
        {
            var change = Math.Abs(shell.Estimates[^1] - shell.Estimates[0]);
            if (change > maxChange)
            {
                maxChange = change;
                maxShell = shell.Index;
            }

            if (shell.Lower[^1] - shell.Upper[0] > slack || shell.Lower[0] - shell.Upper[^1] > slack)
            {
                disjoint++;
            }
        }

        return new DepthSensitivity
        {
            Checkpoint = checkpoint,
            Depths = depths,
            Shells = shells,
            MaxChange = maxChange,
            MaxChangeShell = maxShell,
            ErrorEnergy = errorEnergy,
            ShellsWithDisjointBounds = disjoint,
            IsExact = byDepth[0].IsExact && byDepth[^1].IsExact,
        };
    }

    /// <summary>
    /// A shell's value at one depth; <paramref name="outside"/> for a shell outside that profile's range (no node there, so
    /// an estimate and lower bound of 0, and no upper bound the profile computed); NaN for a failed probe.
    /// </summary>
    private static double Value(CheckpointProbe probe, ShellSnapshot? shell, Func<ShellSnapshot, double> pick, double outside) =>
        !probe.Succeeded ? double.NaN : shell is null ? outside : pick(shell);
}
