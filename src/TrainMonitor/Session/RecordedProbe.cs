using TrainMonitor.Outputs;
using TrainMonitor.Regimes;

namespace TrainMonitor.Session;

/// <summary>
/// A completed probe as the history took it: its numbered snapshot, the regime before it, and its probe-method fallback
/// reason when that reason is new (null when none or already said).
/// </summary>
internal readonly record struct RecordedProbe(ProbeSnapshot Snapshot, TrainingRegime PreviousRegime, string? NewFallbackReason);
