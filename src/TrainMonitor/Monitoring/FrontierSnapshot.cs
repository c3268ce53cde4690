namespace TrainMonitor.Monitoring;

/// <summary>The fitted resolution frontier of a probe; <see cref="Lambda"/> is NaN and <see cref="Reason"/> says why when undetermined.</summary>
public sealed record FrontierSnapshot(double Lambda, double TailExponent, double Amplitude, double R2, int ShellsUsed, int? PeakShell, string? Reason)
{
    /// <summary>True when the frontier was determined.</summary>
    public bool IsDetermined => Reason is null;
}
