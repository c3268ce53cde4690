namespace Validation.Scenarios;

/// <summary>
/// One probe of the monitor as the benchmark scores it: 1-based index in the history, step, the harness's held-out loss
/// at that step, the monitor's error energy, the signals its regime rests on (kernel velocity, output change), and the
/// regime by wire name (strings, so the benchmark compiles against any version of the regime enum).
/// </summary>
internal sealed record ProbeRecord(int Index, long Step, double HeldOutLoss, double TrainingLoss, double ErrorEnergy, double KernelVelocity,
    double OutputChange, string Regime, string Reason);
