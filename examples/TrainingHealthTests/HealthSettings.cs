using TrainMonitor.Session;
using TrainMonitor.Testing;

namespace TrainingHealthTests;

/// <summary>The monitor settings this suite was calibrated with.</summary>
internal static class HealthSettings
{
    /// <summary>
    /// 32 Lanczos steps on 256 probe examples, and the regime thresholds written out: the library's defaults are
    /// provisional, so the suite pins the values its expectations were checked against. A change of defaults then shows
    /// up as a deliberate edit here, not as a red CI run.
    /// </summary>
    public static MonitoredTrainingOptions Options(string? runName = null) => new()
    {
        RunName = runName,
        Monitor = new MonitorOptions
        {
            Probe = { LanczosSteps = 32, SketchVectors = 8 },
            Regime =
            {
                MinimumProbes = 3,
                Window = 4,
                KernelVelocityThreshold = 0.02,
                FrontierStallVelocity = 0.1,
                EnergyStallExponent = 0.1,
                StagnationProbes = 3,
                EnergyGrowthTolerance = 0.05,
                StabilityMarginLimit = 2,
            },
        },
    };
}
