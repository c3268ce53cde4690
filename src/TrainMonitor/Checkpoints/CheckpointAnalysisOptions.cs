using TrainMonitor.Probing;
using TrainMonitor.Regimes;

namespace TrainMonitor.Checkpoints;

/// <summary>
/// Settings of an offline analysis of a checkpoint series (<see cref="CheckpointAnalysis"/>). Every setting has a
/// documented default; <see cref="Validate"/> names the bad one.
/// </summary>
public sealed class CheckpointAnalysisOptions
{
    /// <summary>
    /// Name of the analysis: the <c>run</c> of its snapshots (default <c>checkpoints</c>). With several Lanczos depths,
    /// each depth is a run of its own named <c>{RunName}-m{depth}</c>.
    /// </summary>
    public string RunName { get; set; } = "checkpoints";

    /// <summary>
    /// The Lanczos depths m at which the whole series is probed, e.g. 50, 100 and 200 for the depth sweep of the protocol
    /// (docs/engine.md, "Checkpoint analysis"). Empty (the default) means the one depth <see cref="SpectralProbeOptions.LanczosSteps"/>
    /// of <see cref="Probe"/>. Each at least 2, no repeats; several depths need a method that uses them (Lanczos or Auto).
    /// </summary>
    public IReadOnlyList<int> LanczosSteps { get; set; } = [];

    /// <summary>Settings of every probe (method, shells, null floor, sketch, frontier fit); its LanczosSteps is replaced by each depth.</summary>
    public SpectralProbeOptions Probe { get; set; } = new();

    /// <summary>Thresholds of the regime each checkpoint is assessed in, from the checkpoints before it.</summary>
    public RegimeThresholds Regime { get; set; } = new();

    /// <summary>The depths to run, ascending: <see cref="LanczosSteps"/>, or the probe's own depth when it is empty.</summary>
    public IReadOnlyList<int> Depths => LanczosSteps is { Count: > 0 } depths ? [.. depths.Order()] : [Probe.LanczosSteps];

    /// <summary>The run name of the probes at <paramref name="depth"/>: <see cref="RunName"/> alone when there is one depth.</summary>
    public string RunNameAt(int depth) => Depths.Count == 1 ? RunName : $"{RunName}-m{depth}";

    /// <summary>Throws naming the first invalid setting (<see cref="ArgumentException"/> or <see cref="ArgumentOutOfRangeException"/>).</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(RunName))
        {
            throw new ArgumentException($"{nameof(RunName)} must be a non-empty name (it labels every snapshot).", nameof(RunName));
        }

        ArgumentNullException.ThrowIfNull(LanczosSteps, nameof(LanczosSteps));
        ArgumentNullException.ThrowIfNull(Probe, nameof(Probe));
        ArgumentNullException.ThrowIfNull(Regime, nameof(Regime));
        Probe.Validate();
        Regime.Validate();
        foreach (var depth in LanczosSteps)
        {
            if (depth < 2)
            {
                throw new ArgumentOutOfRangeException(nameof(LanczosSteps), depth, $"{nameof(LanczosSteps)} holds {depth}; every depth must be at least 2.");
            }
        }

        if (LanczosSteps.Distinct().Count() != LanczosSteps.Count)
        {
            throw new ArgumentException($"{nameof(LanczosSteps)} names a depth twice ({string.Join(", ", LanczosSteps)}).", nameof(LanczosSteps));
        }

        if (LanczosSteps.Count > 1 && Probe.Method is ProbeMethod.Exact or ProbeMethod.Gram)
        {
            throw new ArgumentException(
                $"{nameof(LanczosSteps)} lists {LanczosSteps.Count} depths, but {nameof(Probe)}.{nameof(Probe.Method)} is {Probe.Method}, which does not use m: " +
                $"give one depth, or use {ProbeMethod.Lanczos} or {ProbeMethod.Auto}.",
                nameof(LanczosSteps));
        }
    }

    /// <summary>A deep copy, so that an analysis keeps settings nobody else can change.</summary>
    internal CheckpointAnalysisOptions Copy()
    {
        var copy = (CheckpointAnalysisOptions)MemberwiseClone();
        copy.LanczosSteps = [.. LanczosSteps];
        copy.Probe = Probe.Copy();
        copy.Regime = Regime.Clone();
        return copy;
    }
}
