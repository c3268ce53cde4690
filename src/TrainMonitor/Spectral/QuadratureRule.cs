namespace TrainMonitor.Spectral;

/// <summary>
/// A positive quadrature rule: nodes in ascending order and their weights.
/// </summary>
public sealed class QuadratureRule
{
    private readonly double[] _nodes;
    private readonly double[] _weights;

    internal QuadratureRule(double[] nodes, double[] weights)
    {
        _nodes = nodes;
        _weights = weights;
        Nodes = Array.AsReadOnly(_nodes);
        Weights = Array.AsReadOnly(_weights);
    }

    /// <summary>Nodes in ascending order.</summary>
    public IReadOnlyList<double> Nodes { get; }

    /// <summary>Weights, one per node (non-negative).</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>Number of nodes.</summary>
    public int Count => _nodes.Length;

    /// <summary>Sum of the weights.</summary>
    public double TotalWeight => _weights.Sum();

    /// <summary>Returns <c>Σ_j w_j f(x_j)</c>.</summary>
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
