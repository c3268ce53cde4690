namespace TrainMonitor.Tests.Frontier;

/// <summary>Synthetic shell profiles on the grid λ_α = q^α (shell α = [q^α, q^{α+1}), centre x = (α + ½) ln q).</summary>
internal static class ShellProfiles
{
    public sealed record Profile(int[] Shells, double[] LogCentres, double[] Energies);

    /// <summary>
    /// Shell energies of the continuum with energy per unit ln λ equal to λ^s e^{−λ/λ_f}, i.e.
    /// E_α = ∫_{α h}^{(α+1) h} exp(s u − e^{u − φ}) du (u = ln λ, h = ln q, φ = ln λ_f), by composite Simpson.
    /// </summary>
    /// <remarks>
    /// Simpson error per shell ≤ h⁵/(180 N⁴)·max|f⁗| with f⁗/f ≈ (s − w)⁴, w = e^{u−φ} ≤ 16·4 in the cases used:
    /// with N = 2000 panels and h ≤ ln 4 that is below 1e-9 relative, i.e. below 1e-9 in ln E.
    /// </remarks>
    public static Profile Binned(double s, double lambdaF, double q, int firstShell, int lastShell)
    {
        var h = Math.Log(q);
        var phi = Math.Log(lambdaF);
        return Build(firstShell, lastShell, h, alpha =>
        {
            const int panels = 2000;
            var u0 = alpha * h;
            var step = h / panels;
            double F(double u) => Math.Exp(s * u - Math.Exp(u - phi));
            var sum = F(u0) + F(u0 + h);
            for (var i = 1; i < panels; i++)
            {
                sum += F(u0 + i * step) * (i % 2 == 1 ? 4 : 2);
            }

            return sum * step / 3;
        });
    }

    /// <summary>Energies that follow the model exactly at the shell centres: E = h · exp(s x − e^{x − φ}).</summary>
    public static Profile PointSampled(double s, double lambdaF, double q, int firstShell, int lastShell)
    {
        var h = Math.Log(q);
        var phi = Math.Log(lambdaF);
        return Build(firstShell, lastShell, h, alpha =>
        {
            var x = (alpha + 0.5) * h;
            return h * Math.Exp(s * x - Math.Exp(x - phi));
        });
    }

    /// <summary>Energies exp(f(x)) for an arbitrary log-profile f of the centre.</summary>
    public static Profile FromLogProfile(double q, int firstShell, int lastShell, Func<double, double> logEnergy)
    {
        var h = Math.Log(q);
        return Build(firstShell, lastShell, h, alpha => Math.Exp(logEnergy((alpha + 0.5) * h)));
    }

    /// <summary>First shell whose lower edge is at or below λ (shell containing λ).</summary>
    public static int ShellOf(double lambda, double q) => (int)Math.Floor(Math.Log(lambda) / Math.Log(q));

    private static Profile Build(int firstShell, int lastShell, double h, Func<int, double> energy)
    {
        var count = lastShell - firstShell + 1;
        var shells = new int[count];
        var centres = new double[count];
        var energies = new double[count];
        for (var k = 0; k < count; k++)
        {
            shells[k] = firstShell + k;
            centres[k] = (shells[k] + 0.5) * h;
            energies[k] = energy(shells[k]);
        }

        return new Profile(shells, centres, energies);
    }
}
