using TrainMonitor.Spectral;

namespace TrainMonitor.Shells;

/// <summary>
/// Chebyshev–Markov–Stieltjes bounds on the cumulative mass of a spectral measure from the Gauss–Radau rule
/// with a node prescribed at the evaluation point. No operator applications are needed: only the Jacobi matrix
/// and its residual norm β_k.
/// </summary>
/// <remarks>
/// <para>For a Jacobi matrix <c>T_k</c> with residual β_k and a point b: the last pivot <c>d</c> of the
/// elimination of <c>T_k − bI</c> from the top gives the last entry <c>δ_k = β_k²/d</c> of the solution of
/// <c>(T_k − bI) δ = β_k² e_k</c>; <c>α_{k+1} = b + δ_k</c> and the (k+1)×(k+1) matrix
/// <c>[[T_k, β_k e_k], [β_k e_kᵀ, α_{k+1}]]</c> has b as an eigenvalue. Its eigenvalues x_j and weights
/// <c>Mass · (first eigenvector components)²</c> form the Radau rule, and
/// <c>Σ_{x_j&lt;b} w_j ≤ μ((−∞,b)) ≤ μ((−∞,b]) ≤ Σ_{x_j≤b} w_j</c>.</para>
/// <para>Round-off is handled conservatively: the computed node closest to b is the prescribed one (excluded
/// from the lower sum, included in the upper sum whatever side of b it was computed on), and any other node
/// within <c>64 ε ‖T‖</c> of b (‖T‖ a Gershgorin bound of the matrix eigen-decomposed, the scale of the
/// eigen-solver's absolute error) is treated the same way. When b coincides with a Ritz value to round-off
/// (|d| ≤ 64 ε ‖T_k‖) the Radau rule degenerates into the Gauss rule (its extra node goes to infinity with zero
/// weight) and the Gauss rule is used, its node at b excluded from the lower and included in the upper sum.
/// After breakdown the Gauss rule is the measure itself and is used directly, with the same tolerance.</para>
/// <para>"Certified" is with respect to the operator as computed, up to the round-off of the float64
/// eigen-decompositions (a relative 1e-13 or so of the mass).</para>
/// </remarks>
public static class GaussRadauBounds
{
    /// <summary>Machine epsilon of float64 (2⁻⁵², the spacing of doubles at 1); <see cref="double.Epsilon"/> is the smallest subnormal instead.</summary>
    internal const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>Multiple of ε·‖T‖ within which a computed node is taken to coincide with b.</summary>
    internal const double NodeToleranceFactor = 64 * MachineEpsilon;

    /// <summary>Bounds on <c>μ((−∞,b))</c> and <c>μ((−∞,b])</c> for the measure of one batch.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="b"/> is not finite.</exception>
    public static CumulativeMassBounds Evaluate(JacobiMatrix jacobi, double b)
    {
        ArgumentNullException.ThrowIfNull(jacobi);
        if (!double.IsFinite(b))
        {
            throw new ArgumentOutOfRangeException(nameof(b), b, "The evaluation point must be finite.");
        }

        var k = jacobi.Steps;
        if (k == 0 || jacobi.Mass == 0)
        {
            return new CumulativeMassBounds(0, 0);
        }

        var normT = Math.Max(jacobi.GershgorinNorm(), Math.Abs(b));
        var gaussTolerance = NodeToleranceFactor * normT;
        var betaK = jacobi.ResidualNorm;
        if (jacobi.BrokeDown || betaK == 0)
        {
            return FromRule(jacobi.GaussRule(), b, gaussTolerance, prescribed: -1, jacobi.Mass);
        }

        // Last pivot of Gaussian elimination (no pivoting, from the top) of T_k − bI. A zero intermediate pivot is
        // replaced by a tiny one, as in Sturm-sequence counts; the computed pivots are exact for a matrix whose
        // off-diagonals are perturbed by a few ulps (Kahan), so the last one is backward stable.
        var alpha = jacobi.Alpha;
        var beta = jacobi.Beta;
        var tiny = MachineEpsilon * normT;
        var pivot = alpha[0] - b;
        for (var i = 1; i < k; i++)
        {
            if (pivot == 0)
            {
                pivot = tiny;
            }

            pivot = (alpha[i] - b) - (beta[i - 1] * beta[i - 1] / pivot);
        }

        if (Math.Abs(pivot) <= gaussTolerance)
        {
            // b is a Ritz value to round-off: the Radau rule is the Gauss rule with that node at b.
            return FromRule(jacobi.GaussRule(), b, gaussTolerance, prescribed: -1, jacobi.Mass);
        }

        var diagonal = new double[k + 1];
        var offDiagonal = new double[k];
        for (var i = 0; i < k; i++)
        {
            diagonal[i] = alpha[i];
            offDiagonal[i] = beta[i];
        }

        diagonal[k] = b + (betaK * betaK / pivot);
        var radau = SymmetricTridiagonalEigen.Decompose(diagonal, offDiagonal, jacobi.Mass);

        var normRadau = Math.Abs(b);
        for (var i = 0; i <= k; i++)
        {
            var row = Math.Abs(diagonal[i]) + (i < k ? offDiagonal[i] : 0) + (i > 0 ? offDiagonal[i - 1] : 0);
            normRadau = Math.Max(normRadau, row);
        }

        var prescribed = 0;
        for (var j = 1; j < radau.Count; j++)
        {
            if (Math.Abs(radau.Nodes[j] - b) < Math.Abs(radau.Nodes[prescribed] - b))
            {
                prescribed = j;
            }
        }

        return FromRule(radau, b, NodeToleranceFactor * normRadau, prescribed, jacobi.Mass);
    }

    /// <summary>
    /// Bounds for a measure averaged over batches: the 1/B-weighted sums of the batches' bounds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="b"/> is not finite.</exception>
    public static CumulativeMassBounds Evaluate(SpectralMeasure measure, double b)
    {
        ArgumentNullException.ThrowIfNull(measure);
        var lower = 0.0;
        var upper = 0.0;
        foreach (var component in measure.Components)
        {
            var bounds = Evaluate(component, b);
            lower += bounds.Lower;
            upper += bounds.Upper;
        }

        var share = 1.0 / measure.Components.Count;
        return new CumulativeMassBounds(lower * share, upper * share);
    }

    private static CumulativeMassBounds FromRule(QuadratureRule rule, double b, double tolerance, int prescribed, double mass)
    {
        var lower = 0.0;
        var upper = 0.0;
        for (var j = 0; j < rule.Count; j++)
        {
            var x = rule.Nodes[j];
            var w = rule.Weights[j];
            var atB = j == prescribed || Math.Abs(x - b) <= tolerance;
            if (atB)
            {
                upper += w;
            }
            else if (x < b)
            {
                lower += w;
                upper += w;
            }
        }

        return new CumulativeMassBounds(Math.Clamp(lower, 0, mass), Math.Clamp(upper, 0, mass));
    }
}
