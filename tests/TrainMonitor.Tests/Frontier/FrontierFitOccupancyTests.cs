using TrainMonitor.Frontier;
using TrainMonitor.Shells;
using TrainMonitor.Spectral;

namespace TrainMonitor.Tests.Frontier;

/// <summary>
/// The fit on a profile whose top holds an isolated outlier eigenvalue apart from a dense bulk: the shape of every exact
/// NTK-like spectrum, where the unimodality test used to read the empty shells between bulk and outlier as a dip.
/// </summary>
public sealed class FrontierFitOccupancyTests
{
    private const double OutlierWeight = 0.05;

    /// <summary>
    /// Bulk: 400 eigenvalues log-spaced over [1e-6, 1e-2] (about 30 per ratio-2 shell) with energy per unit ln λ
    /// ∝ λ e^{−λ/λ_f}, λ_f = 1e-3, normalised to 1; one outlier at λ = 1.3 carrying <see cref="OutlierWeight"/>.
    /// </summary>
    private static ShellProfile BulkWithOutlier(out double outlierWeight)
    {
        const int count = 400;
        var nodes = new List<double>();
        var weights = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var lambda = Math.Exp(Math.Log(1e-6) + (i * (Math.Log(1e-2) - Math.Log(1e-6)) / (count - 1)));
            nodes.Add(lambda);
            weights.Add(lambda / 1e-3 * Math.Exp(-lambda / 1e-3));
        }

        var bulk = weights.Sum();
        for (var i = 0; i < count; i++)
        {
            weights[i] /= bulk;
        }

        nodes.Add(1.3); // inside shell 0, off its edge (a node on an edge has certified lower bound 0 on either side)
        weights.Add(OutlierWeight);
        outlierWeight = OutlierWeight;
        var measure = new SpectralMeasure(JacobiMatrix.FromDiscreteMeasure(nodes, weights));
        return ShellProfile.Compute(measure, new ShellGrid(2), NullFloor.Relative(1e-10));
    }

    [Fact]
    public void OccupancyCountsTheEigenvaluesInEachShell()
    {
        var profile = BulkWithOutlier(out _);

        Assert.Equal(401, profile.Shells.Sum(s => s.Occupancy));
        var top = profile.Shells[^1];
        Assert.Equal(0, top.Index); // [1, 2) holds the outlier alone
        Assert.Equal(1, top.Occupancy);
        Assert.All(profile.Shells.Where(s => s.Index is > -7 and < 0), s => Assert.Equal(0, s.Occupancy));
        Assert.InRange(profile.Shells.Single(s => s.Index == -10).Occupancy, 25, 35); // 400 / ln(1e4) · ln 2 ≈ 30
    }

    [Fact]
    public void TheSparseTopIsLeftOutOfTheFitAndItsEnergyReported()
    {
        var profile = BulkWithOutlier(out var outlier);

        var withAllShells = FrontierFit.Fit(profile, new FrontierFitOptions { MinimumOccupancy = 0 });
        var fit = FrontierFit.Fit(profile, new FrontierFitOptions());

        // Every shell in: the 5 % outlier past empty shells and the far tail reads as a second mode.
        Assert.False(withAllShells.IsDetermined);
        Assert.StartsWith("profile is not unimodal", withAllShells.Reason, StringComparison.Ordinal);
        Assert.Equal(0, withAllShells.OutlierShells);

        // Default: shells 0 (the outlier) down to −6 (empty) hold fewer than 4 nodes per batch and are left out.
        Assert.True(fit.IsDetermined, fit.Reason);
        Assert.Equal(7, fit.OutlierShells);
        Assert.Equal(outlier, fit.OutlierEnergy, 1e-15);
        // The bulk is the model integrated over shells of its own: the fit recovers s = 1 and λ_f = 1e-3 to the size of
        // the discretisation of the bulk (30 nodes per shell; measured 1e-3 in s) — 0.05 in s and 10 % in λ_f.
        Assert.Equal(1.0, fit.TailExponent, 0.05);
        Assert.InRange(fit.Lambda, 0.9e-3, 1.1e-3);
    }

    [Fact]
    public void AProfileThatIsSparseEverywhereKeepsAllItsShells()
    {
        // Five eigenvalues, one per shell: nothing stands apart from a bulk, so nothing is called an outlier.
        var measure = new SpectralMeasure(JacobiMatrix.FromDiscreteMeasure([0.01, 0.03, 0.1, 0.3, 1.0], [0.1, 0.3, 0.3, 0.2, 0.1]));
        var profile = ShellProfile.Compute(measure, new ShellGrid(2), NullFloor.Relative(1e-10));

        var fit = FrontierFit.Fit(profile, new FrontierFitOptions());

        Assert.Equal(0, fit.OutlierShells);
        Assert.Equal(0, fit.OutlierEnergy);
    }

    [Fact]
    public void ANegativeOrInfiniteMinimumOccupancyIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrontierFitOptions { MinimumOccupancy = -1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrontierFitOptions { MinimumOccupancy = double.PositiveInfinity }.Validate());
    }
}
