using TrainMonitor.Operators;

namespace TrainMonitor.Probing;

/// <summary>Where a batch's kernel sketch comes from: a separate tangent-kernel operator, or the error operator itself.</summary>
internal abstract record KernelSource
{
    private KernelSource()
    {
    }

    /// <summary>The tangent kernel is its own operator, built (and disposed) by <paramref name="Decide"/>.</summary>
    public sealed record Separate(Func<ProbeMethodDecision> Decide) : KernelSource;

    /// <summary>The tangent kernel is the error operator (<see cref="Kernel.ScalarOutputKernel"/>); <paramref name="Outputs"/> gives its projected outputs.</summary>
    public sealed record ErrorOperator(Func<IErrorOperator, double[]> Outputs) : KernelSource;
}
