using TorchSharp;
using TrainMonitor.Kernel;
using TrainMonitor.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Kernel;

/// <summary>Reads torch's process-wide generator, so it must not run beside tests that draw from it.</summary>
[CollectionDefinition(nameof(KernelSketchRngIsolationTests), DisableParallelization = true)]
public sealed class KernelSketchRngIsolationCollection
{
}

[Collection(nameof(KernelSketchRngIsolationTests))]
public sealed class KernelSketchRngIsolationTests
{
    [Fact]
    public void CaptureDoesNotMoveTheGlobalTorchGenerator()
    {
        using var scope = NewDisposeScope();
        using var op = new MatrixErrorOperator(torch.eye(16, dtype: ScalarType.Float64), torch.zeros(16, dtype: ScalarType.Float64));

        torch.manual_seed(1234);
        var expected = torch.rand(8, dtype: ScalarType.Float64).data<double>().ToArray();
        torch.manual_seed(1234);
        KernelSketch.Capture([op], 8, 99);
        var actual = torch.rand(8, dtype: ScalarType.Float64).data<double>().ToArray();

        Assert.Equal(expected, actual);
    }
}
