using TrainMonitor.Operators;

namespace TrainMonitor.Probing;

/// <summary>
/// How one batch of a probe is measured: the operator, the method that built it and, when <see cref="ProbeMethod.Auto"/>
/// fell back to Lanczos, why the Gram path did not apply. Immutable; whoever takes the decision owns the operator.
/// </summary>
internal sealed class ProbeMethodDecision
{
    private ProbeMethodDecision(IErrorOperator @operator, MatrixErrorOperator? explicitMatrix, ProbeMethod method, string? fallbackReason)
    {
        Operator = @operator;
        ExplicitMatrix = explicitMatrix;
        Method = method;
        FallbackReason = fallbackReason;
    }

    /// <summary>The operator of the batch (disposed by the probe after the batch).</summary>
    public IErrorOperator Operator { get; }

    /// <summary>M itself when it has been formed (exact or Gram path): its exact measure comes from eigh, no Lanczos needed.</summary>
    public MatrixErrorOperator? ExplicitMatrix { get; }

    /// <summary>The method the batch used: <see cref="ProbeMethod.Exact"/>, <see cref="ProbeMethod.Gram"/> or <see cref="ProbeMethod.Lanczos"/>.</summary>
    public ProbeMethod Method { get; }

    /// <summary>Why <see cref="ProbeMethod.Auto"/> took Lanczos instead of Gram for this batch, or null.</summary>
    public string? FallbackReason { get; }

    /// <summary>An explicitly formed M, by <paramref name="method"/> (exact or Gram).</summary>
    public static ProbeMethodDecision Explicit(MatrixErrorOperator matrix, ProbeMethod method) => new(matrix, matrix, method, null);

    /// <summary>A matrix-free operator for Lanczos; <paramref name="fallbackReason"/> when Auto could not take Gram.</summary>
    public static ProbeMethodDecision MatrixFree(IErrorOperator @operator, string? fallbackReason) =>
        new(@operator, null, ProbeMethod.Lanczos, fallbackReason);

    /// <summary>
    /// A caller-supplied operator: an explicit matrix is measured exactly, anything else by Lanczos. Such an operator says
    /// what it is only through its type (<see cref="IErrorOperator"/> is public API and has no member for it).
    /// </summary>
    public static ProbeMethodDecision Supplied(IErrorOperator @operator) =>
        @operator is MatrixErrorOperator matrix ? Explicit(matrix, ProbeMethod.Exact) : MatrixFree(@operator, null);
}
