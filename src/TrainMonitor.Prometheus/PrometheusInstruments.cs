using Prometheus;
using TrainMonitor.Regimes;
using static TrainMonitor.Prometheus.PrometheusMetricNames;

namespace TrainMonitor.Prometheus;

/// <summary>
/// The gauges, counters and histogram <see cref="PrometheusSink"/> exports, each created on one registry with its name
/// (from <see cref="PrometheusMetricNames"/>), help text and label names.
/// </summary>
internal sealed class PrometheusInstruments
{
    /// <summary>Creates every instrument on <paramref name="registry"/>, in the order the sink always registered them.</summary>
    /// <param name="registry">The registry of the sink.</param>
    public PrometheusInstruments(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);

        Gauge RunGauge(string name, string help) => factory.CreateGauge(name, help, RunLabel);

        ShellEnergy = factory.CreateGauge(
            PrometheusMetricNames.ShellEnergy,
            "Error energy in one eigenvalue shell [lambda_lower, q*lambda_lower) of the latest probe: Gauss quadrature "
            + "estimate and certified lower/upper bounds (bound label); same unit as error_energy (squared error per entry).",
            RunLabel, ShellLabel, LambdaLowerLabel, BoundLabel);
        ShellOccupancy = factory.CreateGauge(
            PrometheusMetricNames.ShellOccupancy,
            "Quadrature nodes (eigenvalues on the exact paths, Ritz values under Lanczos) in one eigenvalue shell "
            + "[lambda_lower, q*lambda_lower) of the latest probe, over all batches (count).",
            RunLabel, ShellLabel, LambdaLowerLabel);
        ErrorEnergy = RunGauge(PrometheusMetricNames.ErrorEnergy, "Error energy |e|^2/n on the probe set at the latest probe (squared error per entry; NaN if unknown).");
        NullEnergy = RunGauge(PrometheusMetricNames.NullEnergy, "Error energy below the null floor, which the current kernel cannot move (squared error per entry).");
        FrontierLambda = factory.CreateGauge(
            PrometheusMetricNames.FrontierLambda,
            "Energy-quantile frontier lambda_f(p): the eigenvalue above which a fraction p (frontier_energy_fraction) of the "
            + "non-null error energy lies, as the quadrature estimate and its certified lower/upper ends (bound label; upper "
            + "may be +Inf under Lanczos; eigenvalue of M = J J^T / n; NaN when undetermined).",
            RunLabel, BoundLabel);
        FrontierEnergyFraction = RunGauge(PrometheusMetricNames.FrontierEnergyFraction, "Fraction p of the non-null error energy that lies above the frontier lambda_f(p) (dimensionless, in (0, 1)).");
        FrontierFitLambda = RunGauge(PrometheusMetricNames.FrontierFitLambda, "Cutoff lambda_fit of the amplitude-frontier fit ln E = a + s ln lambda - lambda/lambda_fit of the shell profile (eigenvalue units; NaN when the fit is undetermined).");
        FrontierTailExponent = RunGauge(PrometheusMetricNames.FrontierTailExponent, "Tail exponent s of the amplitude-frontier fit of the shell energy profile (dimensionless; NaN when undetermined).");
        FrontierFitR2 = RunGauge(PrometheusMetricNames.FrontierFitR2, "Coefficient of determination R^2 of the amplitude-frontier fit (dimensionless, at most 1; NaN when no fit was made).");
        FrontierOutlierEnergy = RunGauge(PrometheusMetricNames.FrontierOutlierEnergy, "Error energy of the sparse top shells the amplitude-frontier fit left out; same unit as error_energy (squared error per entry; NaN if unknown).");
        FrontierVelocity = RunGauge(PrometheusMetricNames.FrontierVelocity, "Frontier velocity c = -d ln lambda_f / d ln t over recent probes (dimensionless; 1 in the lazy linear case; NaN with too little history).");
        PredictedLossExponent = RunGauge(PrometheusMetricNames.PredictedLossExponent, "Predicted error-energy exponent gamma = c*s, E_total ~ t^-gamma (dimensionless; NaN with too little history).");
        MeasuredLossExponent = RunGauge(PrometheusMetricNames.MeasuredLossExponent, "Measured error-energy exponent: -slope of ln E_total against ln t over recent probes (dimensionless; NaN with too little history).");
        SpectralPosition = RunGauge(PrometheusMetricNames.SpectralPosition, "Spectral position alpha_1 = e^T M e / e^T e: energy-weighted mean eigenvalue of the error (eigenvalue units).");
        LambdaMax = RunGauge(PrometheusMetricNames.LambdaMax, "Largest eigenvalue of the error operator M seen by the latest probe (eigenvalue units).");
        StabilityMargin = RunGauge(PrometheusMetricNames.StabilityMargin, "Stability margin eta*lambda_max (dimensionless; gradient descent on squared error diverges above 2; NaN when the learning rate is unknown).");
        KernelDistance = RunGauge(PrometheusMetricNames.KernelDistance, "Kernel distance S between the latest probe and the previous one (dimensionless, 0 = same kernel; NaN for the first probe or without sketch).");
        KernelVelocity = RunGauge(PrometheusMetricNames.KernelVelocity, "Kernel velocity: kernel distance S per unit of ln t over recent probes (per unit ln step; NaN with too little history).");
        Regime = factory.CreateGauge(
            PrometheusMetricNames.Regime,
            "Training regime at the latest probe as a state set: 1 for the current regime, 0 for the others (regime label: "
            + string.Join(", ", TrainingRegimeNames.All.Select(r => r.ToWireName())) + ").",
            RunLabel, RegimeLabel);
        TrainingStep = RunGauge(PrometheusMetricNames.TrainingStep, "Last optimiser step reported by the training loop (steps).");
        ProbesTotal = factory.CreateCounter(PrometheusMetricNames.ProbesTotal, "Probes completed (count).", RunLabel);
        ProbeFailuresTotal = factory.CreateCounter(PrometheusMetricNames.ProbeFailuresTotal, "Probes that failed and were skipped over; the run went on (count).", RunLabel);
        ProbesSkippedTotal = factory.CreateCounter(PrometheusMetricNames.ProbesSkippedTotal, "Probes due but not taken because the previous one was still running (count).", RunLabel);
        ProbeDuration = factory.CreateHistogram(
            PrometheusMetricNames.ProbeDurationSeconds,
            "Wall time of one completed probe (seconds).",
            new HistogramConfiguration { LabelNames = [RunLabel], Buckets = [.. PrometheusSink.ProbeDurationBuckets] });
        OperatorApplicationsTotal = factory.CreateCounter(PrometheusMetricNames.OperatorApplicationsTotal, "Operator products M v computed over all probes (count).", RunLabel);
        OverheadRatio = RunGauge(PrometheusMetricNames.OverheadRatio, "Probe wall time over training wall time so far (ratio; NaN before training time is known).");
    }

    public Gauge ShellEnergy { get; }

    public Gauge ShellOccupancy { get; }

    public Gauge ErrorEnergy { get; }

    public Gauge NullEnergy { get; }

    public Gauge FrontierLambda { get; }

    public Gauge FrontierEnergyFraction { get; }

    public Gauge FrontierFitLambda { get; }

    public Gauge FrontierTailExponent { get; }

    public Gauge FrontierFitR2 { get; }

    public Gauge FrontierOutlierEnergy { get; }

    public Gauge FrontierVelocity { get; }

    public Gauge PredictedLossExponent { get; }

    public Gauge MeasuredLossExponent { get; }

    public Gauge SpectralPosition { get; }

    public Gauge LambdaMax { get; }

    public Gauge StabilityMargin { get; }

    public Gauge KernelDistance { get; }

    public Gauge KernelVelocity { get; }

    public Gauge Regime { get; }

    public Gauge TrainingStep { get; }

    public Counter ProbesTotal { get; }

    public Counter ProbeFailuresTotal { get; }

    public Counter ProbesSkippedTotal { get; }

    public Histogram ProbeDuration { get; }

    public Counter OperatorApplicationsTotal { get; }

    public Gauge OverheadRatio { get; }
}
