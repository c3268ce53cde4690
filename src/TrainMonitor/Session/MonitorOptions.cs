using TrainMonitor.Defaults;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Scheduling;

namespace TrainMonitor.Session;

/// <summary>
/// Settings of a <see cref="TrainingMonitor"/>. Every setting is a plain settable property with a documented default,
/// so the options bind from configuration; <see cref="Validate"/> names the bad setting. Read once at attach: the
/// monitor validates them and keeps its own copy, so a change made afterwards reaches no probe.
/// </summary>
public sealed class MonitorOptions
{
    /// <summary>
    /// Name of the run: the <c>run</c> label of every metric and event, and the JSON-lines file name under hosting (default:
    /// the entry assembly's name, lower-cased — <c>quickstart</c> for a program <c>QuickStart</c> —, or <c>"run"</c> when
    /// there is none or it is the test host).
    /// </summary>
    public string RunName { get; set; } = MonitorDefaults.RunName();

    /// <summary>
    /// Whether the monitor probes (default true, or the project's MSBuild property <c>TrainMonitorEnabled</c>).
    /// When false, <c>OnStep</c> only records the step.
    /// </summary>
    public bool Enabled { get; set; } = MonitorDefaults.Enabled(MSBuildDefaultsReader.FromAppContext);

    /// <summary>When to probe (default: log-spaced 1, 2, 4, … within 5% of training time).</summary>
    public ScheduleOptions Schedule { get; set; } = new();

    /// <summary>Where probes run (default <see cref="ExecutionMode.Inline"/>; background needs a model factory).</summary>
    public ExecutionMode Mode { get; set; } = ExecutionMode.Inline;

    /// <summary>Settings of each spectral probe (Lanczos steps, shells, sketch, frontier fit).</summary>
    public SpectralProbeOptions Probe { get; set; } = new();

    /// <summary>Thresholds of the regime tracker.</summary>
    public RegimeThresholds Regime { get; set; } = new();

    /// <summary>
    /// Most snapshots <see cref="TrainingMonitor.History"/> keeps (default 10,000; at least 1). Beyond it the oldest are
    /// dropped from memory, so a run probing every few steps for months does not grow without bound; sinks (JSON lines,
    /// metrics, logs) still receive every snapshot, and the regime tracker keeps its own bounded state.
    /// </summary>
    public int HistoryLimit { get; set; } = 10_000;

    /// <summary>
    /// Most probe-set examples the monitor probes: it takes the first ones, the same at every probe (default
    /// <see cref="DefaultMaxProbeExamples"/>; 0 probes the whole set). Why a cap by default: a probe's cost grows with the
    /// examples faster than linearly (the exact path's Gram matrix and eigendecomposition), and on a small model a probe of
    /// a few hundred examples costs tens of training steps, so a 5 % budget allowed one or two probes in 1000 steps. 64
    /// examples probe in about three training steps of the QuickStart's model (docs/engine.md "Schedule and budget").
    /// </summary>
    public int MaxProbeExamples { get; set; } = DefaultMaxProbeExamples;

    /// <summary>
    /// libtorch intra-op threads of the background probe's worker thread (default 0: the process's count). Only for
    /// <see cref="ExecutionMode.Background"/>; an inline probe runs on the training thread with its count. The count is per
    /// thread, so the training loop's own threads are not changed.
    /// </summary>
    public int BackgroundProbeThreads { get; set; }

    /// <summary>The default of <see cref="MaxProbeExamples"/>.</summary>
    public const int DefaultMaxProbeExamples = 64;

    /// <summary>Throws naming the first invalid setting (<see cref="ArgumentException"/> or <see cref="ArgumentOutOfRangeException"/>).</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(RunName))
        {
            throw new ArgumentException($"{nameof(RunName)} must be a non-empty name (it labels every metric and event).", nameof(RunName));
        }

        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, $"{nameof(Mode)} is not a known execution mode.");
        }

        if (MaxProbeExamples < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxProbeExamples), MaxProbeExamples,
                $"{nameof(MaxProbeExamples)} must be at least 0 (0 probes every example of the probe set).");
        }

        if (BackgroundProbeThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BackgroundProbeThreads), BackgroundProbeThreads,
                $"{nameof(BackgroundProbeThreads)} must be at least 0 (0 keeps the process's thread count).");
        }

        if (HistoryLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(HistoryLimit), HistoryLimit, $"{nameof(HistoryLimit)} must be at least 1 snapshot.");
        }

        ArgumentNullException.ThrowIfNull(Schedule, nameof(Schedule));
        ArgumentNullException.ThrowIfNull(Probe, nameof(Probe));
        ArgumentNullException.ThrowIfNull(Regime, nameof(Regime));
        Schedule.Validate();
        Probe.Validate();
        Regime.Validate();
    }

    /// <summary>A deep copy (the one a monitor keeps from attach on), nested settings included.</summary>
    internal MonitorOptions Copy()
    {
        var copy = (MonitorOptions)MemberwiseClone();
        copy.Schedule = Schedule.Copy();
        copy.Probe = Probe.Copy();
        copy.Regime = Regime.Clone();
        return copy;
    }
}
