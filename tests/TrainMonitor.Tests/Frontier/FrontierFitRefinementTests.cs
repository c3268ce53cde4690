using TrainMonitor.Frontier;

namespace TrainMonitor.Tests.Frontier;

/// <summary>
/// The three refinements set by the validation runs (docs/validation.md): the fit integrated over each shell, the
/// dynamic range past the cutoff, and dips judged on certified bounds.
/// </summary>
public sealed class FrontierFitRefinementTests
{
    private static readonly FrontierFitOptions Defaults = new();

    [Theory]
    [InlineData(0.5, 1e-2, 2.0, 4.0)]
    [InlineData(1.0, 3e-3, 2.0, 4.0)]
    [InlineData(0.3, 1e-1, 2.0, 16.0)]
    [InlineData(1.0, 1e-2, 4.0, 4.0)]
    [InlineData(0.5, 1e-3, 1.5, 8.0)]
    public void IntegratedFitRecoversTheBinnedContinuum(double s, double lambdaF, double q, double w)
    {
        var p = ShellProfiles.Binned(s, lambdaF, q, ShellProfiles.ShellOf(lambdaF * Math.Exp(-12), q), ShellProfiles.ShellOf(w * lambdaF, q));

        var fit = FrontierFit.Fit(p.Shells, p.LogCentres, p.Energies, Defaults);

        // The profile is the model the integrated fit assumes, up to Simpson's ≤ 1e-9 in ln E (the 16-point rule adds
        // ≤ 1e-12); Nelder–Mead stops at a 1e-9 simplex. The centre-sampled fit is off by up to 0.2 in φ and 0.03 in s
        // here (FrontierFitTests), so 1e-6 separates the two by five orders of magnitude.
        Assert.True(fit.IsDetermined, fit.Reason);
        Assert.Equal(s, fit.TailExponent, 1e-6);
        Assert.Equal(Math.Log(lambdaF), Math.Log(fit.Lambda), 1e-6);
        Assert.Equal(1.0, fit.R2, 1e-9);
    }

    [Fact]
    public void RoundOffFloorFarPastTheCutoffIsLeftOut()
    {
        // A binned continuum up to 64 λ_f, where exp(−λ/λ_f) is far below double round-off: replace those shells by a
        // flat 1e-32 floor, as a float64 probe reports them. Below 1e-6 of the peak they are left out, so the fit is
        // exactly that of the profile with those shells empty (were they used, φ and s would move).
        var p = ShellProfiles.Binned(1.0, 1e-2, 2.0, -24, ShellProfiles.ShellOf(64 * 1e-2, 2.0));
        var floored = p.Energies.Select(e => Math.Max(e, 1e-32)).ToArray();
        var clean = FrontierFit.Fit(p.Shells, p.LogCentres, p.Energies.Select((e, i) => e < 1e-6 * p.Energies.Max() && i > Array.IndexOf(p.Energies, p.Energies.Max()) ? 0.0 : e).ToArray(), Defaults);

        var fit = FrontierFit.Fit(p.Shells, p.LogCentres, floored, Defaults);

        Assert.True(fit.IsDetermined, fit.Reason);
        Assert.Equal(clean.Lambda, fit.Lambda, 1e-12);
        Assert.Equal(1.0, fit.TailExponent, 1e-6);
    }

    [Fact]
    public void DipWithinCertifiedBoundsIsNotASecondMode()
    {
        var p = ShellProfiles.Binned(1.0, 1e-2, 2.0, -20, -5);
        var e = (double[])p.Energies.Clone();
        var dip = Array.IndexOf(p.Shells, -12);
        e[dip] /= 20; // a quadrature lump: 20× below its neighbours
        var lower = e.Select(v => v * 0.9).ToArray();
        var upper = e.Select(v => v * 1.1).ToArray();
        var wide = (double[])upper.Clone();
        wide[dip] = p.Energies[dip] * 1.5; // the bounds say the shell may hold its smooth share: not a proven dip

        var proven = FrontierFit.Fit(p.Shells, p.LogCentres, e, lower, upper, Defaults);
        var unproven = FrontierFit.Fit(p.Shells, p.LogCentres, e, lower, wide, Defaults);

        Assert.False(proven.IsDetermined);
        Assert.Contains("not unimodal", proven.Reason);
        Assert.DoesNotContain("not unimodal", unproven.Reason ?? string.Empty);
    }
}
