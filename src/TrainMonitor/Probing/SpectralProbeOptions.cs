using TrainMonitor.Defaults;
using TrainMonitor.Frontier;
using TrainMonitor.Kernel;
using TrainMonitor.Operators;
using TrainMonitor.Operators.Gram;
using TrainMonitor.Shells;
using TrainMonitor.Spectral;
using static TorchSharp.torch;

namespace TrainMonitor.Probing;

/// <summary>Settings of one spectral probe. Every setting has a documented default; <see cref="Validate"/> names the bad one.</summary>
public sealed class SpectralProbeOptions
{
    /// <summary>
    /// Lanczos steps m per batch (default 64, or the project's MSBuild property <c>TrainMonitorLanczosSteps</c>; at least 2).
    /// Quadrature is exact for polynomials of degree ≤ 2m−1.
    /// </summary>
    public int LanczosSteps { get; set; } = MonitorDefaults.LanczosSteps(MSBuildDefaultsReader.FromAppContext);

    /// <summary>Relative breakdown tolerance of the Lanczos iteration (default 1e-12, in [0, 1)).</summary>
    public double BreakdownTolerance { get; set; } = LanczosOptions.DefaultBreakdownTolerance;

    /// <summary>
    /// Ratio q of the absolute logarithmic shell grid λ_α = q^α (default 2, or the project's MSBuild property
    /// <c>TrainMonitorShellRatio</c>; must exceed 1).
    /// </summary>
    public double ShellRatio { get; set; } = MonitorDefaults.ShellRatio(MSBuildDefaultsReader.FromAppContext);

    /// <summary>
    /// Null floor as a fraction of λ_max, in [0, 1); ignored when <see cref="NullFloorAbsolute"/> is set. Unset (the
    /// default) means it follows the precision of the operator: <see cref="NullFloor.DefaultFractionFor"/> of the coarsest
    /// dtype among the model's trainable parameters and the batches' operators — 1e-10 for float64, 7.6e-6 for
    /// float32, whose round-off would otherwise show up as energy in shells that do not exist.
    /// </summary>
    public double? NullFloorFraction { get; set; }

    /// <summary>Absolute null floor (finite, positive); when set, energy at eigenvalues below it counts as null energy.</summary>
    public double? NullFloorAbsolute { get; set; }

    /// <summary>Kernel sketch vectors k per batch (default 8; 0 turns the kernel sketch off). Costs k operator applications per batch.</summary>
    public int SketchVectors { get; set; } = KernelSketch.DefaultVectors;

    /// <summary>Seed of the Rademacher sketch; keep it fixed for a run so probes are comparable.</summary>
    public int SketchSeed { get; set; } = 20_201;

    /// <summary>How Jacobian-vector products are computed (default double backward).</summary>
    public JvpMethod JvpMethod { get; set; } = JvpMethod.DoubleBackward;

    /// <summary>
    /// How each batch's spectral measure is obtained (default <see cref="ProbeMethod.Auto"/>: the exact Gram path where
    /// the model's layers and error allow it and the batch is at most <see cref="GramMaxBatchSize"/>, Lanczos
    /// otherwise). Force <see cref="ProbeMethod.Lanczos"/> to keep every probe matrix-free.
    /// </summary>
    public ProbeMethod Method { get; set; } = ProbeMethod.Auto;

    /// <summary>Largest batch (error entries) the exact method accepts (default 2048).</summary>
    public int ExactMaxBatchSize { get; set; } = ExactErrorOperator.DefaultMaxSize;

    /// <summary>
    /// Largest batch (error entries) the Gram path takes (default 2048: M is n²·8 bytes and its <c>eigh</c> costs O(n³);
    /// timings in docs/engine.md, "Options"). With <see cref="ProbeMethod.Auto"/> larger batches go to
    /// Lanczos; with <see cref="ProbeMethod.Gram"/> they fail.
    /// </summary>
    public int GramMaxBatchSize { get; set; } = GramErrorOperator.DefaultMaxSize;

    /// <summary>
    /// Fraction p of the non-null error energy that lies above the reported frontier λ_f(p) (default 0.5, the energy
    /// median; chosen from the validation runs, docs/validation.md). In (0, 1): smaller values follow the top of the
    /// spectrum, larger ones the slow modes near the null floor.
    /// </summary>
    public double FrontierEnergyFraction { get; set; } = QuantileFrontier.DefaultEnergyFraction;

    /// <summary>Settings of the amplitude–frontier fit.</summary>
    public FrontierFitOptions Frontier { get; set; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (LanczosSteps < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(LanczosSteps), LanczosSteps, $"{nameof(LanczosSteps)} must be at least 2.");
        }

        if (!(BreakdownTolerance >= 0 && BreakdownTolerance < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(BreakdownTolerance), BreakdownTolerance, $"{nameof(BreakdownTolerance)} must lie in [0, 1).");
        }

        if (!ShellGrid.IsValidRatio(ShellRatio))
        {
            throw new ArgumentOutOfRangeException(nameof(ShellRatio), ShellRatio, $"{nameof(ShellRatio)} must be a finite number greater than 1.");
        }

        if (NullFloorFraction is { } fraction && !(fraction >= 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(NullFloorFraction), fraction, $"{nameof(NullFloorFraction)} must lie in [0, 1).");
        }

        // The same rule as NullFloor.Absolute, so a bad value fails here, at start-up, instead of at every probe.
        if (NullFloorAbsolute is { } floor && !(floor > 0 && double.IsFinite(floor)))
        {
            throw new ArgumentOutOfRangeException(nameof(NullFloorAbsolute), floor,
                $"{nameof(NullFloorAbsolute)} must be a finite number > 0 (leave it unset for a relative floor).");
        }

        if (SketchVectors < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(SketchVectors), SketchVectors, $"{nameof(SketchVectors)} must be ≥ 0 (0 turns the kernel sketch off).");
        }

        if (!Enum.IsDefined(JvpMethod))
        {
            throw new ArgumentOutOfRangeException(nameof(JvpMethod), JvpMethod, $"{nameof(JvpMethod)} is not a known method.");
        }

        if (!Enum.IsDefined(Method))
        {
            throw new ArgumentOutOfRangeException(nameof(Method), Method, $"{nameof(Method)} is not a known method.");
        }

        if (ExactMaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ExactMaxBatchSize), ExactMaxBatchSize, $"{nameof(ExactMaxBatchSize)} must be positive.");
        }

        if (GramMaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(GramMaxBatchSize), GramMaxBatchSize, $"{nameof(GramMaxBatchSize)} must be positive.");
        }

        if (!(FrontierEnergyFraction > 0 && FrontierEnergyFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(FrontierEnergyFraction), FrontierEnergyFraction,
                $"{nameof(FrontierEnergyFraction)} is the fraction of the error energy above the frontier and must lie in (0, 1).");
        }

        ArgumentNullException.ThrowIfNull(Frontier, nameof(Frontier));
        Frontier.Validate();
    }

    /// <summary>A deep copy, the frontier-fit settings included.</summary>
    internal SpectralProbeOptions Copy()
    {
        var copy = (SpectralProbeOptions)MemberwiseClone();
        copy.Frontier = Frontier.Copy();
        return copy;
    }

    /// <summary>The floor for operators computed in <paramref name="computeDtype"/>; a floor the caller set wins.</summary>
    internal NullFloor ResolveNullFloor(ScalarType computeDtype) =>
        NullFloorAbsolute is { } absolute ? NullFloor.Absolute(absolute)
        : NullFloorFraction is { } fraction ? NullFloor.Relative(fraction)
        : NullFloor.DefaultFor(computeDtype);
}
