using TrainMonitor.Shells;

namespace TrainMonitor.Tests.Checkpoints;

/// <summary>
/// The exact spectral measure of one error under an explicit M, from <c>eigh</c> in the test (eigenvalues λᵢ, weights
/// (uᵢᵀe)²/n), binned into the shells [2^α, 2^(α+1)) by hand, with a bound on how far round-off in M can move a shell's
/// energy.
/// </summary>
internal sealed class ExactMeasure
{
    public ExactMeasure(double[] eigenvalues, double[] weights)
    {
        Assert.Equal(eigenvalues.Length, weights.Length);
        Eigenvalues = eigenvalues;
        Weights = weights;
    }

    public double[] Eigenvalues { get; }

    public double[] Weights { get; }

    public double Total => Weights.Sum();

    public double LambdaMax => Eigenvalues.Max();

    /// <summary>μ([lo, hi)) summed by hand.</summary>
    public double EnergyIn(double lo, double hi) => Eigenvalues.Zip(Weights).Where(p => p.First >= lo && p.First < hi).Sum(p => p.Second);

    /// <summary>Energy of shell α of the ratio-2 grid, its lower edge clipped up to <paramref name="floor"/>.</summary>
    public double Shell(int index, double floor) => EnergyIn(Math.Max(Math.Pow(2, index), floor), Math.Pow(2, index + 1));

    /// <summary>
    /// How far a symmetric perturbation of M of norm ≤ <paramref name="perturbation"/> can move μ([lo, hi)).
    /// </summary>
    /// <remarks>
    /// With aᵢ = uᵢᵀe/√n (so wᵢ = aᵢ²), first-order perturbation theory gives δaᵢ = Σ_{j≠i} aⱼ ΔMⱼᵢ/(λᵢ − λⱼ) and
    /// δμ(S) = 2 Σ_{i∈S} aᵢ δaᵢ; the terms with i and j both in S cancel in pairs (the shell's projector does not see
    /// rotations inside it), so |δμ(S)| ≤ 2 ‖ΔM‖ Σ_{i∈S, j∉S} |aᵢ aⱼ| / |λᵢ − λⱼ|. The result is twice that, a margin for
    /// the second-order terms, which are smaller by ‖ΔM‖/gap (below 1e-6 wherever this is used). It holds only while no
    /// eigenvalue can cross an edge: <see cref="AssertAwayFromEdges"/> checks that first.
    /// </remarks>
    public double PerturbationBound(double lo, double hi, double perturbation)
    {
        var sum = 0.0;
        for (var i = 0; i < Eigenvalues.Length; i++)
        {
            if (!(Eigenvalues[i] >= lo && Eigenvalues[i] < hi))
            {
                continue;
            }

            for (var j = 0; j < Eigenvalues.Length; j++)
            {
                if (!(Eigenvalues[j] >= lo && Eigenvalues[j] < hi))
                {
                    sum += Math.Sqrt(Weights[i] * Weights[j]) / Math.Abs(Eigenvalues[i] - Eigenvalues[j]);
                }
            }
        }

        return 2 * 2 * perturbation * sum;
    }

    /// <summary>
    /// Every eigenvalue above <paramref name="floor"/> lies farther than 10 × <paramref name="perturbation"/> from every
    /// edge of the ratio-2 grid (and from the floor), so no perturbation that small moves it to another shell.
    /// </summary>
    public void AssertAwayFromEdges(double floor, double perturbation)
    {
        foreach (var lambda in Eigenvalues.Where(l => l >= floor))
        {
            var index = new ShellGrid(2).IndexOf(lambda);
            var gap = Math.Min(lambda - Math.Max(Math.Pow(2, index), floor), Math.Pow(2, index + 1) - lambda);
            Assert.True(gap > 10 * perturbation, $"eigenvalue {lambda:R} is {gap:g3} from a shell edge; round-off of {perturbation:g3} could move it");
        }
    }
}
