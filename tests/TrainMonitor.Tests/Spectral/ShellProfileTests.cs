using TorchSharp;
using TrainMonitor.Operators;
using TrainMonitor.Shells;
using TrainMonitor.Spectral;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Spectral;

public sealed class ShellProfileTests
{
    private static SpectralMeasure MeasureOf(KnownSpectrumOperator known, int steps) =>
        new(LanczosIteration.Run(known.Operator, new LanczosOptions { Steps = steps }));

    [Theory]
    [InlineData(2.0, 16)]
    [InlineData(10.0, 8)]
    [InlineData(1.5, 32)]
    public void EstimatesAndNullEnergySumToTheTotalAndShellsAreContiguous(double ratio, int steps)
    {
        var spectrum = Enumerable.Range(1, 200).Select(i => 4.0 * Math.Pow(i, -2.0)).ToArray();
        using var known = KnownSpectrumOperator.Create(spectrum, seed: 31);
        var measure = MeasureOf(known, steps);
        var grid = new ShellGrid(ratio);
        var floor = NullFloor.Relative(1e-3);
        var profile = ShellProfile.Compute(measure, grid, floor);

        // Σ estimates + null = Σ weights = total up to summation round-off (k terms of size ≤ total: ≲ kε).
        var sum = profile.Shells.Sum(s => s.Estimate) + profile.NullEnergy.Estimate;
        Assert.Equal(profile.TotalEnergy, sum, 1e-12 * profile.TotalEnergy);
        Assert.Equal(known.Mass, profile.TotalEnergy, 1e-12 * known.Mass);
        Assert.Same(grid, profile.Grid);

        var floorValue = 1e-3 * measure.LambdaMax;
        Assert.Equal(floorValue, profile.NullEnergy.Floor);
        Assert.Equal(floorValue, profile.Shells[0].LambdaLower);
        Assert.Equal(grid.IndexOf(floorValue), profile.Shells[0].Index);
        Assert.Equal(grid.IndexOf(measure.LambdaMax), profile.Shells[^1].Index);
        for (var i = 0; i < profile.Shells.Count; i++)
        {
            var shell = profile.Shells[i];
            Assert.Equal(grid.UpperEdge(shell.Index), shell.LambdaUpper);
            if (i > 0)
            {
                Assert.Equal(profile.Shells[i - 1].Index + 1, shell.Index);
                Assert.Equal(profile.Shells[i - 1].LambdaUpper, shell.LambdaLower);
            }

            Assert.InRange(shell.Lower, 0, shell.Upper);
            Assert.InRange(shell.Upper, shell.Lower, profile.TotalEnergy);
            var expected = 0.0;
            for (var j = 0; j < measure.Nodes.Count; j++)
            {
                if (measure.Nodes[j] >= shell.LambdaLower && measure.Nodes[j] < shell.LambdaUpper)
                {
                    expected += measure.Weights[j];
                }
            }

            Assert.Equal(expected, shell.Estimate);
        }

        var peak = profile.Shells.MaxBy(s => s.Estimate)!;
        Assert.Equal(peak.Index, profile.PeakShell);
    }

    [Fact]
    public void ZeroErrorGivesAnEmptyProfile()
    {
        using var scope = NewDisposeScope();
        using var op = new MatrixErrorOperator(eye(5, dtype: ScalarType.Float64), zeros(5, dtype: ScalarType.Float64));
        var measure = new SpectralMeasure(LanczosIteration.Run(op, LanczosOptions.Default));
        var profile = ShellProfile.Compute(measure, ShellGrid.Default, NullFloor.Default);

        Assert.Equal(0.0, measure.TotalMass);
        Assert.True(double.IsNaN(measure.LambdaMax));
        Assert.True(double.IsNaN(measure.SpectralPosition));
        Assert.Empty(profile.Shells);
        Assert.Null(profile.PeakShell);
        Assert.Equal(0.0, profile.TotalEnergy);
        Assert.Equal(new NullEnergy(0, 0, 0, 0), profile.NullEnergy);
    }

    [Fact]
    public void ErrorWithOnlyNullSpaceComponentsIsAllNullEnergy()
    {
        using var scope = NewDisposeScope();
        var matrix = diag(tensor(new[] { 0.0, 0.0, 1.0, 2.0 }, dtype: ScalarType.Float64));
        using var op = new MatrixErrorOperator(matrix, tensor(new[] { 1.0, 1.0, 0.0, 0.0 }, dtype: ScalarType.Float64));
        var measure = new SpectralMeasure(LanczosIteration.Run(op, LanczosOptions.Default));
        var profile = ShellProfile.Compute(measure, ShellGrid.Default, NullFloor.Default);

        Assert.Empty(profile.Shells);
        Assert.Equal(0.5, profile.NullEnergy.Estimate, 1e-15);
        Assert.Equal(0.5, profile.NullEnergy.Upper, 1e-15);
    }

    [Fact]
    public void AbsoluteFloorAboveEveryNodeSendsEverythingToNull()
    {
        var spectrum = Enumerable.Range(1, 30).Select(i => 1.0 / i).ToArray();
        using var known = KnownSpectrumOperator.Create(spectrum, seed: 4);
        var profile = ShellProfile.Compute(MeasureOf(known, 8), ShellGrid.Default, NullFloor.Absolute(10.0));
        Assert.Empty(profile.Shells);
        Assert.Equal(profile.TotalEnergy, profile.NullEnergy.Estimate, 1e-12 * profile.TotalEnergy);
    }

    [Fact]
    public void InvalidFloorsThrow()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NullFloor.Absolute(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => NullFloor.Absolute(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => NullFloor.Relative(-1e-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => NullFloor.Relative(1.0));
    }
}
