namespace TrainMonitor.Checkpoints;

/// <summary>
/// How far the frontier moved between two consecutive checkpoints, in ln λ against ln t: under frozen-kernel gradient
/// descent λ_f ∝ 1/t, so the ratio is −1 there (frontier velocity c = 1).
/// </summary>
/// <param name="FromStep">The earlier checkpoint's step.</param>
/// <param name="ToStep">The later checkpoint's step.</param>
/// <param name="DeltaLogStep">ln(ToStep / FromStep).</param>
/// <param name="DeltaLogLambda">Δ ln λ_f of the energy-quantile frontier; NaN when either is undetermined.</param>
/// <param name="DeltaLogLambdaLower">Certified lower end of Δ ln λ_f: ln(lower at ToStep) − ln(upper at FromStep); may be −∞.</param>
/// <param name="DeltaLogLambdaUpper">Certified upper end: ln(upper at ToStep) − ln(lower at FromStep); may be +∞.</param>
/// <param name="FitDeltaLogLambda">Δ ln λ of the amplitude–frontier fit; NaN when either fit is undetermined.</param>
public sealed record FrontierDisplacement(long FromStep, long ToStep, double DeltaLogStep, double DeltaLogLambda, double DeltaLogLambdaLower,
    double DeltaLogLambdaUpper, double FitDeltaLogLambda)
{
    /// <summary>Δ ln λ_f / Δ ln t of the quantile frontier (−c over the interval).</summary>
    public double Ratio => DeltaLogLambda / DeltaLogStep;

    /// <summary>Δ ln λ / Δ ln t of the fit's frontier.</summary>
    public double FitRatio => FitDeltaLogLambda / DeltaLogStep;
}
