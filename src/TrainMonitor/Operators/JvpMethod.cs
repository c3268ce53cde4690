namespace TrainMonitor.Operators;

/// <summary>How <see cref="AutogradErrorOperator"/> computes Jacobian-vector products <c>J w</c>.</summary>
public enum JvpMethod
{
    /// <summary>
    /// Exact, through the double-backward trick: <c>J w = ∂(g(u)·w)/∂u</c> with <c>g(u) = Jᵀ u</c> built once with
    /// <c>create_graph</c>. Needs every op of the model to have a double backward.
    /// </summary>
    DoubleBackward = 0,

    /// <summary>
    /// Approximate, by central finite differences <c>(e(θ + h w) − e(θ − h w)) / 2h</c>: two extra forward passes
    /// per product and no double backward, for models with ops that lack one. Parameters are perturbed in place
    /// and restored bit-exactly.
    /// </summary>
    FiniteDifference = 1,
}
