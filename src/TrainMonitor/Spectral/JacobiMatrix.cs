namespace TrainMonitor.Spectral;

/// <summary>
/// The Lanczos tridiagonal (Jacobi) matrix <c>T_k</c> of one error measure, with the residual norm and the mass
/// of the measure: everything needed for Gauss and Gauss–Radau quadrature. Immutable.
/// </summary>
/// <remarks>
/// <c>T_k</c> has diagonal <see cref="Alpha"/> and off-diagonal <c>Beta[0..k−2]</c>; <c>Beta[k−1] = β_k</c> is
/// the norm of the last Lanczos residual, which couples <c>T_k</c> to the next (never computed) step and is
/// what the Gauss–Radau rule needs.
/// </remarks>
public sealed class JacobiMatrix
{
    private readonly double[] _alpha;
    private readonly double[] _beta;
    private readonly Lazy<QuadratureRule> _gauss;

    /// <summary>Creates a Jacobi matrix from its coefficients.</summary>
    /// <param name="alpha">Diagonal α₁…α_k.</param>
    /// <param name="beta">β₁…β_k: <c>beta[i]</c> couples step i and i+1; the last entry is the residual norm β_k.</param>
    /// <param name="mass">Total mass of the measure, <c>‖e‖²/n</c> (non-negative).</param>
    /// <param name="brokeDown">True when the Krylov space is invariant, so the Gauss rule is the measure itself.</param>
    public JacobiMatrix(IReadOnlyList<double> alpha, IReadOnlyList<double> beta, double mass, bool brokeDown)
        : this(alpha, beta, mass, brokeDown, exactRule: null)
    {
    }

    // exactRule, when given, is the measure itself (the Jacobi matrix was reconstructed from it): it is returned as the
    // Gauss rule instead of re-deriving nodes and weights from the tridiagonal matrix, which would only add round-off.
    private JacobiMatrix(IReadOnlyList<double> alpha, IReadOnlyList<double> beta, double mass, bool brokeDown, QuadratureRule? exactRule)
    {
        ArgumentNullException.ThrowIfNull(alpha);
        ArgumentNullException.ThrowIfNull(beta);
        if (alpha.Count != beta.Count)
        {
            throw new ArgumentException($"Alpha has {alpha.Count} entries and beta {beta.Count}; they must have the same length k.", nameof(beta));
        }

        if (!double.IsFinite(mass) || mass < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(mass), mass, "The mass must be finite and non-negative.");
        }

        if (mass > 0 && alpha.Count == 0)
        {
            throw new ArgumentException("A measure with positive mass needs at least one Lanczos step.", nameof(alpha));
        }

        _alpha = alpha.ToArray();
        _beta = beta.ToArray();
        foreach (var a in _alpha)
        {
            if (!double.IsFinite(a))
            {
                throw new ArgumentException("Alpha entries must be finite.", nameof(alpha));
            }
        }

        foreach (var b in _beta)
        {
            if (!double.IsFinite(b) || b < 0)
            {
                throw new ArgumentException("Beta entries must be finite and non-negative.", nameof(beta));
            }
        }

        Mass = mass;
        BrokeDown = brokeDown;
        Alpha = Array.AsReadOnly(_alpha);
        Beta = Array.AsReadOnly(_beta);
        _gauss = exactRule is null
            ? new Lazy<QuadratureRule>(() => SymmetricTridiagonalEigen.Decompose(_alpha, _beta, Mass))
            : new Lazy<QuadratureRule>(exactRule);
    }

    /// <summary>
    /// The Jacobi matrix of the discrete measure <c>Σ_j w_j δ(x − x_j)</c>: what Lanczos run to breakdown on an
    /// operator with eigenvalues <paramref name="nodes"/> would produce from a start vector whose squared components
    /// in the eigenbasis are proportional to <paramref name="weights"/>, reconstructed without any operator product
    /// (Gragg and Harrod's rational Kahan–Pal–Walker algorithm, O(k²) operations, see
    /// <see cref="DiscreteMeasureReconstruction"/>). The result is marked broken down, and its Gauss rule is the
    /// given measure itself, so shell energies and their bounds are exact.
    /// </summary>
    /// <param name="nodes">Nodes in ascending order (e.g. the eigenvalues of M from <c>eigh</c>).</param>
    /// <param name="weights">Non-negative weights, one per node; their sum is the mass.</param>
    /// <exception cref="ArgumentException">Lengths differ, a value is not finite, a weight is negative, or nodes are not ascending.</exception>
    public static JacobiMatrix FromDiscreteMeasure(IReadOnlyList<double> nodes, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(weights);
        if (nodes.Count != weights.Count)
        {
            throw new ArgumentException($"There are {nodes.Count} nodes and {weights.Count} weights; they must pair up.", nameof(weights));
        }

        var x = nodes.ToArray();
        var w = weights.ToArray();
        for (var j = 0; j < x.Length; j++)
        {
            if (!double.IsFinite(x[j]) || (j > 0 && x[j] < x[j - 1]))
            {
                throw new ArgumentException("Nodes must be finite and in ascending order.", nameof(nodes));
            }

            if (!double.IsFinite(w[j]) || w[j] < 0)
            {
                throw new ArgumentException("Weights must be finite and non-negative.", nameof(weights));
            }
        }

        var mass = w.Sum();
        if (x.Length == 0 || mass == 0)
        {
            return Empty;
        }

        var (alpha, beta) = DiscreteMeasureReconstruction.Reconstruct(x, w);
        return new JacobiMatrix(alpha, beta, mass, brokeDown: true, new QuadratureRule(x, w));
    }

    /// <summary>The measure of a zero error vector: no steps, mass 0.</summary>
    public static JacobiMatrix Empty { get; } = new([], [], 0, brokeDown: true);

    /// <summary>Diagonal α₁…α_k of <c>T_k</c>; α₁ = eᵀMe/eᵀe is the spectral position of the batch.</summary>
    public IReadOnlyList<double> Alpha { get; }

    /// <summary>β₁…β_k; <c>Beta[i]</c> couples step i and i+1, the last entry is the residual norm β_k.</summary>
    public IReadOnlyList<double> Beta { get; }

    /// <summary>Total mass of the measure, <c>‖e‖²/n</c>.</summary>
    public double Mass { get; }

    /// <summary>True when the Krylov space is invariant (breakdown, or k = n): the Gauss rule is exact.</summary>
    public bool BrokeDown { get; }

    /// <summary>Number of Lanczos steps k.</summary>
    public int Steps => _alpha.Length;

    /// <summary>The residual norm β_k (0 when k = 0).</summary>
    public double ResidualNorm => _beta.Length == 0 ? 0 : _beta[^1];

    /// <summary>
    /// The k-point Gauss rule of the measure: nodes are the Ritz values θ_j (eigenvalues of <c>T_k</c>, ascending),
    /// weights <c>w_j = Mass · S₁ⱼ²</c> with S the eigenvectors. Exact for polynomials of degree ≤ 2k − 1.
    /// Computed once and cached.
    /// </summary>
    public QuadratureRule GaussRule() => _gauss.Value;

    /// <summary>Gershgorin bound on ‖T_k‖ including the coupling β_k (0 when k = 0).</summary>
    internal double GershgorinNorm()
    {
        var norm = 0.0;
        for (var i = 0; i < _alpha.Length; i++)
        {
            var row = Math.Abs(_alpha[i]) + _beta[i] + (i > 0 ? _beta[i - 1] : 0);
            norm = Math.Max(norm, row);
        }

        return norm;
    }
}
