using TrainMonitor.Frontier;
using TrainMonitor.Operators;
using TrainMonitor.Shells;
using TrainMonitor.Spectral;

namespace TrainMonitor.Benchmarks;

/// <summary>
/// Lanczos on one operator against the exact eigendecomposition of the same operator: the shell profile
/// (default grid and null floor) with its certified intervals, each compared with the exact energy.
/// </summary>
internal sealed class CaseAccuracy
{
    /// <summary>Energy fractions p at which the quantile frontier is checked.</summary>
    public static readonly double[] QuantileFractions = [0.1, 0.25, 0.5, 0.75, 0.9];

    private CaseAccuracy(string name, int size, JacobiMatrix jacobi, ShellProfile profile, ExactSpectrum exact, IReadOnlyList<IntervalCheck> checks,
        IReadOnlyList<QuantileCheck> quantiles)
    {
        Quantiles = quantiles;
        Name = name;
        Size = size;
        Steps = jacobi.Steps;
        BrokeDown = jacobi.BrokeDown;
        Total = profile.TotalEnergy;
        Floor = profile.NullEnergy.Floor;
        LambdaMax = profile.LambdaMax;
        Exact = exact;
        Checks = checks;
    }

    public string Name { get; }

    public int Size { get; }

    public int Steps { get; }

    public bool BrokeDown { get; }

    /// <summary>Total energy of the Lanczos measure, ‖e‖²/n: the unit of every width and error reported.</summary>
    public double Total { get; }

    public double Floor { get; }

    public double LambdaMax { get; }

    /// <summary>The reference: eigh of the explicit operator.</summary>
    public ExactSpectrum Exact { get; }

    public double ExactLambdaMax => Exact.LambdaMax;

    public double ExactLambdaMin => Exact.LambdaMin;

    /// <summary>Σ of the exact weights (should equal <see cref="Total"/> to round-off).</summary>
    public double ExactMass => Exact.Mass;

    /// <summary>The null interval, every shell of the profile, and the interval above the top shell.</summary>
    public IReadOnlyList<IntervalCheck> Checks { get; }

    /// <summary>The quantile frontier at each of <see cref="QuantileFractions"/> against the exact quantile.</summary>
    public IReadOnlyList<QuantileCheck> Quantiles { get; }

    public IEnumerable<IntervalCheck> Shells => Checks.Where(c => c.IsShell);

    /// <summary>
    /// Shells that meet the exact spectrum's range [λ_min, λ_max]; the profile also spans empty shells down to
    /// the null floor, whose intervals are trivially narrow and would flatter a median.
    /// </summary>
    public IEnumerable<IntervalCheck> OccupiedShells => Shells.Where(s => s.LambdaUpper > ExactLambdaMin && s.LambdaLower <= ExactLambdaMax);

    public double Seconds { get; set; }

    public string Note { get; set; } = "";

    public double LambdaMaxRelativeError => Math.Abs(LambdaMax - ExactLambdaMax) / ExactLambdaMax;

    public double MaxEstimateError => Checks.Max(c => c.EstimateError) / Total;

    public double MedianWidthOccupied => Median(OccupiedShells.Select(s => s.Width / Total));

    public double MedianWidthAll => Median(Shells.Select(s => s.Width / Total));

    public IntervalCheck WidestShell => Shells.MaxBy(s => s.Width)!;

    /// <summary>Largest amount by which an exact energy lies outside its certified interval, before any slack.</summary>
    public double MaxExcess => Checks.Max(c => c.Excess) / Total;

    /// <summary>
    /// Containment slack of an interval in absolute units, for cases whose reference is not the operator as computed
    /// (float32 models against their float64 twin); null: the suite's relative float64 slack.
    /// </summary>
    public Func<IntervalCheck, double>? SlackOf { get; set; }

    /// <summary>True when the reference is the float64 twin of a float32 operator (<see cref="SlackOf"/> set).</summary>
    public bool IsFloat32 => SlackOf is not null;

    public IEnumerable<IntervalCheck> Violations(double slack) => Checks.Where(c => c.Excess > (SlackOf?.Invoke(c) ?? slack * Total));

    /// <summary>Largest excess as a fraction of its own slack (float32 cases).</summary>
    public double MaxExcessOverSlack(double slack) => Checks.Max(c => c.Excess / (SlackOf?.Invoke(c) ?? slack * Total));

    /// <summary>Lanczos on <paramref name="op"/>; the null floor is the default for the operator's dtype.</summary>
    public static CaseAccuracy Measure(string name, IErrorOperator op, ExactSpectrum exact, int steps)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(exact);
        var jacobi = LanczosIteration.Run(op, new LanczosOptions { Steps = steps });
        var measure = new SpectralMeasure(jacobi);
        var profile = ShellProfile.Compute(measure, ShellGrid.Default, NullFloor.DefaultFor(op.ComputeDtype));
        var floor = profile.NullEnergy.Floor;
        var quantiles = QuantileFractions.Select(p => new QuantileCheck(p, QuantileFrontier.Compute(measure, floor, p), exact, floor)).ToArray();
        return new CaseAccuracy(name, op.Size, jacobi, profile, exact, CheckIntervals(profile, measure, exact), quantiles);
    }

    /// <summary>
    /// Every interval of <paramref name="profile"/> (null, shells, above the top shell) with its exact energy from
    /// <paramref name="exact"/>.
    /// </summary>
    public static IReadOnlyList<IntervalCheck> CheckIntervals(ShellProfile profile, SpectralMeasure measure, ExactSpectrum exact)
    {
        var total = profile.TotalEnergy;

        // Same edges as the profile: the null interval is (−∞, floor), the lowest shell starts at the floor
        // (ShellEnergy.LambdaLower already carries the clipped edge), each shell is [lower, upper).
        var checks = new List<IntervalCheck>();
        var nullEnergy = profile.NullEnergy;
        checks.Add(new IntervalCheck(
            "null", double.NegativeInfinity, nullEnergy.Floor, nullEnergy.Estimate, nullEnergy.Lower, nullEnergy.Upper,
            exact.MassIn(double.NegativeInfinity, nullEnergy.Floor), IsShell: false));
        foreach (var shell in profile.Shells)
        {
            checks.Add(new IntervalCheck(
                shell.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), shell.LambdaLower, shell.LambdaUpper,
                shell.Estimate, shell.Lower, shell.Upper, exact.MassIn(shell.LambdaLower, shell.LambdaUpper), IsShell: true));
        }

        // The profile stops at the shell holding the largest Ritz value; the exact λ_max may lie above its upper edge.
        // μ([top, ∞)) = total − μ((−∞, top)), and the CMS bounds at top bracket μ((−∞, top)).
        var top = profile.Shells.Count > 0 ? profile.Shells[^1].LambdaUpper : nullEnergy.Floor;
        var atTop = GaussRadauBounds.Evaluate(measure, top);
        var aboveEstimate = measure.Nodes.Zip(measure.Weights).Where(p => p.First >= top).Sum(p => p.Second);
        checks.Add(new IntervalCheck(
            "above", top, double.PositiveInfinity, aboveEstimate, Math.Max(0, total - atTop.Upper), total - atTop.Lower,
            exact.MassIn(top, double.PositiveInfinity), IsShell: false));
        return checks;
    }

    private static double Median(IEnumerable<double> values)
    {
        var list = values.ToArray();
        return list.Length == 0 ? double.NaN : PairedTiming.Median(list);
    }
}
