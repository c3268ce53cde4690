namespace TrainMonitor.Spectral;

/// <summary>
/// Settings of the Lanczos iteration run on an error operator.
/// </summary>
/// <remarks>
/// Reorthogonalisation is always full: every new direction is orthogonalised against the whole basis by
/// classical Gram–Schmidt applied twice, in float64. That keeps the basis orthonormal to working precision,
/// so the Jacobi matrix is the projection of the operator and the quadrature is exact to round-off.
/// </remarks>
public sealed record LanczosOptions
{
    /// <summary>Default number of Lanczos steps (64).</summary>
    public const int DefaultSteps = 64;

    /// <summary>Default relative breakdown tolerance (1e-12).</summary>
    public const double DefaultBreakdownTolerance = 1e-12;

    private readonly int _steps = DefaultSteps;
    private readonly double _breakdownTolerance = DefaultBreakdownTolerance;

    /// <summary>Options with every default.</summary>
    public static LanczosOptions Default { get; } = new();

    /// <summary>
    /// Maximum number of Lanczos steps k (at least 1). The iteration stops earlier on breakdown and never runs
    /// more than n steps (n = operator size).
    /// </summary>
    public int Steps
    {
        get => _steps;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Steps));
            _steps = value;
        }
    }

    /// <summary>
    /// Relative breakdown tolerance τ. Step j breaks down when the new residual norm satisfies
    /// <c>β_j ≤ τ · max_{i≤j} ‖M q_i‖</c>. The scale <c>max_i ‖M q_i‖</c> is a lower estimate of ‖M‖ obtained for
    /// free from the products already computed (each <c>q_i</c> is a unit vector), so the test is invariant under
    /// rescaling of the operator. With full reorthogonalisation in float64 the residual of an invariant Krylov
    /// space is of the order of <c>√n · ε · ‖M‖</c> (docs/engine.md, "Lanczos and Gauss quadrature"), well below the default 1e-12.
    /// Must lie in [0, 1).
    /// </summary>
    public double BreakdownTolerance
    {
        get => _breakdownTolerance;
        init
        {
            if (!(value >= 0 && value < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(BreakdownTolerance), value, "The breakdown tolerance must lie in [0, 1).");
            }

            _breakdownTolerance = value;
        }
    }
}
