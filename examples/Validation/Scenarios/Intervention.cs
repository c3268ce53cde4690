namespace Validation.Scenarios;

/// <summary>A change applied to every optimizer step numbered at or after the scenario's onset.</summary>
internal sealed record Intervention(InterventionKind Kind, double Value = double.NaN)
{
    public static Intervention CutRateTo(double rate) => new(InterventionKind.SetRate, rate);

    public static Intervention ScaleRateBy(double factor) => new(InterventionKind.ScaleRate, factor);

    public static Intervention StopStepping() => new(InterventionKind.StopStepping);

    /// <summary>The learning rate in force after the onset, given the base rate.</summary>
    public double RateAfter(double baseRate) => Kind switch
    {
        InterventionKind.SetRate => Value,
        InterventionKind.ScaleRate => baseRate * Value,
        _ => baseRate,
    };

    public bool Steps => Kind != InterventionKind.StopStepping;

    public override string ToString() => Kind switch
    {
        InterventionKind.SetRate => $"rate → {Value:g2}",
        InterventionKind.ScaleRate => $"rate ×{Value:g3}",
        _ => "optimizer stops",
    };
}
