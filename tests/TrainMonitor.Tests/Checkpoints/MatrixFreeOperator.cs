using TrainMonitor.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Checkpoints;

/// <summary>
/// An explicit matrix seen only through v ↦ M v: a caller-supplied operator that is not a <see cref="MatrixErrorOperator"/>,
/// so the probe measures it by Lanczos instead of eigh.
/// </summary>
internal sealed class MatrixFreeOperator(MatrixErrorOperator inner) : IErrorOperator
{
    public int Size => inner.Size;

    public Device Device => inner.Device;

    public Tensor Error => inner.Error;

    public long Applications => inner.Applications;

    public Tensor Apply(Tensor v) => inner.Apply(v);

    public void Dispose() => inner.Dispose();
}
