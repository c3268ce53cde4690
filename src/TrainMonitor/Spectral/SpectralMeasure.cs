namespace TrainMonitor.Spectral;

/// <summary>
/// The spectral measure of the error averaged over the probe batches: the Gauss rules of the batches'
/// Jacobi matrices, each batch's weights divided by the number of batches B. Immutable.
/// </summary>
public sealed class SpectralMeasure
{
    private readonly double[] _nodes;
    private readonly double[] _weights;

    /// <summary>Averages the measures of <paramref name="components"/> (one Jacobi matrix per batch).</summary>
    /// <exception cref="ArgumentException">No components were given.</exception>
    public SpectralMeasure(IEnumerable<JacobiMatrix> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        var list = components.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("A spectral measure needs at least one batch.", nameof(components));
        }

        foreach (var c in list)
        {
            ArgumentNullException.ThrowIfNull(c, nameof(components));
        }

        Components = Array.AsReadOnly(list);
        var share = 1.0 / list.Length;
        var pairs = new List<(double Node, double Weight)>();
        var mass = 0.0;
        foreach (var component in list)
        {
            mass += component.Mass;
            var rule = component.GaussRule();
            for (var j = 0; j < rule.Count; j++)
            {
                pairs.Add((rule.Nodes[j], rule.Weights[j] * share));
            }
        }

        // Stable sort by node: the order inside a batch is already ascending, ties keep batch order.
        var ordered = pairs.OrderBy(p => p.Node).ToArray();
        _nodes = ordered.Select(p => p.Node).ToArray();
        _weights = ordered.Select(p => p.Weight).ToArray();
        Nodes = Array.AsReadOnly(_nodes);
        Weights = Array.AsReadOnly(_weights);
        TotalMass = mass * share;

        var weightSum = _weights.Sum();
        LambdaMax = _nodes.Length == 0 ? double.NaN : _nodes[^1];
        SpectralPosition = weightSum > 0 ? Integrate(x => x) / weightSum : double.NaN;
    }

    /// <summary>Creates the measure of a single batch.</summary>
    public SpectralMeasure(JacobiMatrix component)
        : this(new[] { component ?? throw new ArgumentNullException(nameof(component)) })
    {
    }

    /// <summary>Gauss nodes (Ritz values) of all batches, in ascending order.</summary>
    public IReadOnlyList<double> Nodes { get; }

    /// <summary>Weights matching <see cref="Nodes"/>: each batch's Gauss weights divided by B.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>The batches' Jacobi matrices, kept so that certified bounds can be computed.</summary>
    public IReadOnlyList<JacobiMatrix> Components { get; }

    /// <summary>Total mass: the mean over batches of <c>‖e_b‖²/n_b</c> (equals Σ weights up to round-off).</summary>
    public double TotalMass { get; }

    /// <summary>Largest node, an estimate (from below) of the largest eigenvalue; NaN when there are no nodes.</summary>
    public double LambdaMax { get; }

    /// <summary>
    /// First moment over mass, <c>Σ w θ / Σ w</c>; equals the mass-weighted average of each batch's
    /// α₁ = eᵀMe/eᵀe (where the loss is being reduced right now). NaN when the mass is zero.
    /// </summary>
    public double SpectralPosition { get; }

    /// <summary>Returns <c>Σ_j w_j f(θ_j)</c>, the quadrature estimate of <c>mean_b (1/n_b) e_bᵀ f(M_b) e_b</c>.</summary>
    public double Integrate(Func<double, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var sum = 0.0;
        for (var j = 0; j < _nodes.Length; j++)
        {
            sum += _weights[j] * f(_nodes[j]);
        }

        return sum;
    }
}
