using TrainMonitor.Outputs;

namespace TrainMonitor.Testing;

/// <summary>
/// The least-squares fit of ln E on ln t behind <see cref="MonitoredRun.ErrorEnergyExponent"/>: the exponent γ of
/// E ∝ t^(−γ), and the probes it used (for the failure message). Exponent NaN with fewer than two probes.
/// </summary>
internal readonly record struct ErrorEnergyFit(double Exponent, int Probes, long FirstStep, long LastStep, double FirstEnergy, double LastEnergy)
{
    /// <summary>Fits the probes at step ≥ <paramref name="fromStep"/> (and ≥ 1) with finite E &gt; 0.</summary>
    public static ErrorEnergyFit Over(IEnumerable<ProbeSnapshot> snapshots, long fromStep)
    {
        var points = snapshots.Where(s => s.Step >= fromStep && s.Step >= 1 && double.IsFinite(s.ErrorEnergy) && s.ErrorEnergy > 0).ToArray();
        if (points.Length < 2)
        {
            return new(double.NaN, points.Length, 0, 0, double.NaN, double.NaN);
        }

        // Centred two-pass sums: exact for points on a line up to round-off.
        var mx = points.Average(p => Math.Log(p.Step));
        var my = points.Average(p => Math.Log(p.ErrorEnergy));
        double sxy = 0, sxx = 0;
        foreach (var p in points)
        {
            var dx = Math.Log(p.Step) - mx;
            sxy += dx * (Math.Log(p.ErrorEnergy) - my);
            sxx += dx * dx;
        }

        return new(0.0 - sxy / sxx, points.Length, points[0].Step, points[^1].Step, points[0].ErrorEnergy, points[^1].ErrorEnergy);
    }
}
