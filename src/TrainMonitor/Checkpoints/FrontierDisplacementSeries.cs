namespace TrainMonitor.Checkpoints;

/// <summary>
/// The frontier's displacement over a checkpoint series at one Lanczos depth: interval by interval, and as one slope of
/// ln λ_f against ln t fitted by least squares over every checkpoint where it is determined.
/// </summary>
/// <param name="LanczosSteps">The depth m of the probes.</param>
/// <param name="Intervals">One entry per pair of consecutive checkpoints whose probes succeeded.</param>
/// <param name="Slope">d ln λ_f / d ln t of the quantile frontier (the frontier velocity is −Slope); NaN with fewer than two determined checkpoints.</param>
/// <param name="SlopeCheckpoints">How many checkpoints the slope was fitted to.</param>
/// <param name="FitSlope">The same slope for the fit's frontier.</param>
/// <param name="FitSlopeCheckpoints">How many checkpoints <paramref name="FitSlope"/> was fitted to.</param>
public sealed record FrontierDisplacementSeries(int LanczosSteps, IReadOnlyList<FrontierDisplacement> Intervals, double Slope, int SlopeCheckpoints,
    double FitSlope, int FitSlopeCheckpoints);
