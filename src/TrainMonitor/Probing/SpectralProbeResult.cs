using TrainMonitor.Frontier;
using TrainMonitor.Kernel;
using TrainMonitor.Shells;
using TrainMonitor.Spectral;

namespace TrainMonitor.Probing;

/// <summary>Everything one probe measured on the probe set. Immutable.</summary>
public sealed class SpectralProbeResult
{
    internal SpectralProbeResult(SpectralMeasure measure, ShellProfile profile, FrontierEstimate frontier, QuantileFrontier quantileFrontier,
        KernelSketch? sketch, long operatorApplications, int errorEntries, TimeSpan duration, double probeLoss)
    {
        ProbeLoss = probeLoss;
        Measure = measure;
        Profile = profile;
        Frontier = frontier;
        QuantileFrontier = quantileFrontier;
        Sketch = sketch;
        OperatorApplications = operatorApplications;
        ErrorEntries = errorEntries;
        Duration = duration;
        Methods = [];
    }

    private SpectralProbeResult(SpectralProbeResult source, IReadOnlyList<ProbeMethod> methods, string? gramUnavailableReason)
        : this(source.Measure, source.Profile, source.Frontier, source.QuantileFrontier, source.Sketch, source.OperatorApplications, source.ErrorEntries, source.Duration,
            source.ProbeLoss)
    {
        Methods = methods;
        GramUnavailableReason = gramUnavailableReason;
        _nonFiniteEnergy = source._nonFiniteEnergy;
    }

    private readonly double? _nonFiniteEnergy;

    /// <summary>The probe of a model whose errors are not finite: an empty measure, both frontiers undetermined.</summary>
    internal static SpectralProbeResult NonFinite(double errorEnergy, double probeLoss, int errorEntries, TimeSpan duration, SpectralProbeOptions options)
    {
        const string reason = "the error energy is not finite (the run diverged)";
        var measure = new SpectralMeasure(JacobiMatrix.Empty);
        var profile = ShellProfile.Compute(measure, new ShellGrid(options.ShellRatio), NullFloor.Default);
        var energy = double.IsFinite(errorEnergy) ? double.NaN : errorEnergy;
        return new SpectralProbeResult(measure, profile, FrontierEstimate.Undetermined(reason, 0, null),
            QuantileFrontier.Undetermined(options.FrontierEnergyFraction, reason), null, 0, errorEntries, duration, probeLoss, energy);
    }

    private SpectralProbeResult(SpectralMeasure measure, ShellProfile profile, FrontierEstimate frontier, QuantileFrontier quantileFrontier,
        KernelSketch? sketch, long operatorApplications, int errorEntries, TimeSpan duration, double probeLoss, double nonFiniteEnergy)
        : this(measure, profile, frontier, quantileFrontier, sketch, operatorApplications, errorEntries, duration, probeLoss)
    {
        _nonFiniteEnergy = nonFiniteEnergy;
    }

    /// <summary>
    /// The method each batch actually used, in batch order (with <see cref="ProbeMethod.Auto"/>: Gram or Lanczos);
    /// empty when the probe ran on caller-supplied operators.
    /// </summary>
    public IReadOnlyList<ProbeMethod> Methods { get; }

    /// <summary>Why <see cref="ProbeMethod.Auto"/> fell back to Lanczos (the first batch's reason), or null.</summary>
    public string? GramUnavailableReason { get; }

    /// <summary>The spectral measure μ_e of the error, averaged over the probe batches.</summary>
    public SpectralMeasure Measure { get; }

    /// <summary>Shell energies with certified bounds, and the null energy.</summary>
    public ShellProfile Profile { get; }

    /// <summary>The amplitude–frontier fit to the shell profile (or why it is undetermined).</summary>
    public FrontierEstimate Frontier { get; }

    /// <summary>The energy-quantile frontier with its certified interval: the frontier a probe reports.</summary>
    public QuantileFrontier QuantileFrontier { get; }

    /// <summary>
    /// The kernel sketch Y = K Z of the model's tangent kernel (of the operators themselves for a probe without a model) with
    /// the outputs it was built on, or null when <see cref="SpectralProbeOptions.SketchVectors"/> is 0.
    /// </summary>
    public KernelSketch? Sketch { get; }

    /// <summary>
    /// Error energy ‖e‖²/n averaged over batches (the total mass of the measure); NaN or +∞ for a probe whose errors were
    /// not finite (<see cref="IsNonFinite"/>).
    /// </summary>
    public double ErrorEnergy => _nonFiniteEnergy ?? Measure.TotalMass;

    /// <summary>
    /// True when some batch's errors were NaN or infinite (a diverged run): no spectrum was computed, the measure is empty,
    /// both frontiers are undetermined and <see cref="ErrorEnergy"/> is not finite.
    /// </summary>
    public bool IsNonFinite => _nonFiniteEnergy is not null;

    /// <summary>
    /// The held-out loss on the probe set, averaged over batches like <see cref="ErrorEnergy"/>: the mean of the errors for
    /// surprisal errors (cross-entropy: the usual validation loss), the mean of e² for residuals (squared error and user
    /// functions: equal to <see cref="ErrorEnergy"/>, what <c>mse_loss</c> reports). Not finite for a diverged probe.
    /// </summary>
    public double ProbeLoss { get; }

    /// <summary>Largest eigenvalue seen (largest Ritz value; exact for the exact method).</summary>
    public double LambdaMax => Measure.LambdaMax;

    /// <summary>Spectral position α₁ = eᵀMe / eᵀe: where the loss is being reduced right now.</summary>
    public double SpectralPosition => Measure.SpectralPosition;

    /// <summary>Operator products <c>M v</c> this probe computed (Lanczos steps plus sketch vectors).</summary>
    public long OperatorApplications { get; }

    /// <summary>Error entries (examples, outputs or tokens) over all batches.</summary>
    public int ErrorEntries { get; }

    /// <summary>Wall time of the probe.</summary>
    public TimeSpan Duration { get; }

    internal SpectralProbeResult WithMethods(IReadOnlyList<ProbeMethod> methods, string? gramUnavailableReason) =>
        new(this, Array.AsReadOnly(methods.ToArray()), gramUnavailableReason);
}
