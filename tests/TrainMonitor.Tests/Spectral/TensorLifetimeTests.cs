using TorchSharp;
using TrainMonitor.Shells;
using TrainMonitor.Spectral;

namespace TrainMonitor.Tests.Spectral;

public sealed class TensorLifetimeTests
{
    [Fact]
    public void LanczosBoundsAndProfileLeaveNoLiveTensorsBehind()
    {
        var spectrum = Enumerable.Range(1, 60).Select(i => Math.Pow(i, -1.5)).ToArray();
        using var known = KnownSpectrumOperator.Create(spectrum, seed: 9);
        var statistics = DisposeScopeManager.Statistics;
        var before = statistics.ThreadTotalLiveCount;

        var jacobi = LanczosIteration.Run(known.Operator, new LanczosOptions { Steps = 16 });
        var measure = new SpectralMeasure(jacobi);
        var profile = ShellProfile.Compute(measure, ShellGrid.Default, NullFloor.Default);

        Assert.NotEmpty(profile.Shells);
        Assert.Equal(before, statistics.ThreadTotalLiveCount);
    }
}
