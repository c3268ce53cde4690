using TrainMonitor.Shells;

namespace TrainMonitor.Tests.Spectral;

public sealed class ShellGridTests
{
    [Theory]
    [InlineData(2.0, -60, 60)]
    [InlineData(10.0, -20, 20)]
    [InlineData(1.4142135623730951, -80, 80)]
    [InlineData(1.5, -50, 50)]
    [InlineData(3.0, -30, 30)]
    [InlineData(1.1, -200, 200)]
    public void ExactPowersMapToTheirIndexAndTheirPredecessorsToTheShellBelow(double ratio, int from, int to)
    {
        // ln(q^α)/ln q is off by round-off for most q (e.g. ln(1e-3)/ln 10 = -2.9999999999999996); the index must
        // nevertheless be α at the edge itself and α − 1 one ulp below it.
        var grid = new ShellGrid(ratio);
        for (var alpha = from; alpha <= to; alpha++)
        {
            var edge = grid.LowerEdge(alpha);
            Assert.Equal(alpha, grid.IndexOf(edge));
            Assert.Equal(alpha - 1, grid.IndexOf(Math.BitDecrement(edge)));
            Assert.Equal(alpha, grid.IndexOf(Math.Sqrt(edge * grid.UpperEdge(alpha))));
            Assert.Equal(grid.LowerEdge(alpha + 1), grid.UpperEdge(alpha));
            Assert.Equal((alpha + 0.5) * Math.Log(ratio), grid.LogCentre(alpha), 1e-12 * Math.Max(1, Math.Abs(alpha)));
        }
    }

    [Fact]
    public void DecimalPowersThatAreNotExactlyRepresentableStillMapConsistently()
    {
        var grid = new ShellGrid(10);
        Assert.Equal(-3, grid.IndexOf(1e-3));
        Assert.Equal(-4, grid.IndexOf(0.000999999999));
        Assert.Equal(5, grid.IndexOf(1e5));
        Assert.Equal(0, grid.IndexOf(1.0));
        Assert.Equal(-1, grid.IndexOf(0.1));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(-2.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void RatioNotAboveOneThrowsNamingTheParameter(double ratio)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ShellGrid(ratio));
        Assert.Equal("ratio", ex.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void NonPositiveEigenvalueHasNoShell(double lambda)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ShellGrid.Default.IndexOf(lambda));
    }
}
