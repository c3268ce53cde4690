using TorchSharp;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.NativeLibrary;

public sealed class TorchSharpLoadsTests
{
    [Fact]
    public void NativeLibraryLoadsAndAutogradMatchesClosedForm()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1.5, -2.0, 0.25 }, dtype: ScalarType.Float64, requires_grad: true);
        var y = (x.pow(3)).sum();
        var grad = autograd.grad(new[] { y }, new[] { x }, retain_graph: false, create_graph: false, allow_unused: true)[0];
        var expected = new[] { 3 * 1.5 * 1.5, 3 * 4.0, 3 * 0.0625 };
        var actual = grad.data<double>().ToArray();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], actual[i], 12);
        }
    }
}
