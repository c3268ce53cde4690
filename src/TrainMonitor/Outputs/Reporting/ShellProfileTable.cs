using System.Globalization;
using System.Text;
using TrainMonitor.Regimes;
using TrainMonitor.Shells;

namespace TrainMonitor.Outputs.Reporting;

/// <summary>
/// A run as readable text: one row per probe (step, error energy, null share, λ_max, the quantile frontier with its
/// certified interval, the amplitude–frontier fit with the share of energy in the sparse top shells it left out, regime), then the
/// shell energies of every probe side by side (rows: shells, highest eigenvalue first; columns: probe steps). What a
/// failed TrainMonitor.Testing assertion prints, so that the failure can be understood from the test log alone, and
/// what a training script can print at the end of a run.
/// </summary>
public static class ShellProfileTable
{
    /// <summary>Renders <paramref name="snapshots"/> (in run order). Invariant culture; lines end with '\n'.</summary>
    public static string Render(IReadOnlyList<ProbeSnapshot> snapshots)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        var text = new StringBuilder();
        if (snapshots.Count == 0)
        {
            return "(no probe completed)\n";
        }

        text.Append("probe     step  error energy   null    λ_max   frontier λ_f   certified interval      fit λ      s     R²  outliers  regime\n");
        foreach (var s in snapshots)
        {
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{s.ProbeIndex,5} {s.Step,8}  {s.ErrorEnergy,12:E3}  {Share(s.NullEnergy, s.ErrorEnergy),6}  {s.LambdaMax,9:E2}  {Frontier(s.Frontier),12}  {Interval(s.Frontier),21}  {Number(s.Frontier.Fit.Lambda, "E2"),9}  {Number(s.Frontier.Fit.TailExponent, "F2"),5}  {Number(s.Frontier.Fit.R2, "F2"),5}  {Share(s.Frontier.Fit.OutlierEnergy, s.ErrorEnergy),8}  {s.Assessment.Regime.ToWireName()}\n"));
        }

        var indices = snapshots.SelectMany(s => s.Shells).Where(x => x.Estimate > 0).Select(x => x.Index).Distinct().OrderDescending().ToArray();
        text.Append('\n');
        if (indices.Length == 0)
        {
            text.Append("(no shell holds energy at any probe)\n");
            return text.ToString();
        }

        text.Append("shell energy, % of the probe's error energy (rows: shells [λ, q·λ); columns: probe steps; '.' = empty)\n");
        text.Append("    λ lower");
        foreach (var s in snapshots)
        {
            text.Append(CultureInfo.InvariantCulture, $"{s.Step,8}");
        }

        text.Append('\n');
        foreach (var index in indices)
        {
            // The grid is absolute (λ = q^index), so a row means the same band at every probe.
            var lower = snapshots.SelectMany(s => s.Shells).First(x => x.Index == index).LambdaLower;
            text.Append(CultureInfo.InvariantCulture, $"{lower,11:E2}");
            foreach (var s in snapshots)
            {
                var shell = s.Shells.FirstOrDefault(x => x.Index == index);
                var cell = shell is null || shell.Estimate <= 0 || !(s.ErrorEnergy > 0)
                    ? "."
                    : (100 * shell.Estimate / s.ErrorEnergy).ToString("F1", CultureInfo.InvariantCulture);
                text.Append(CultureInfo.InvariantCulture, $"{cell,8}");
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static string Share(double part, double total) =>
        total > 0 && double.IsFinite(part) ? (100 * part / total).ToString("F1", CultureInfo.InvariantCulture) + "%" : "-";

    private static string Frontier(FrontierSnapshot frontier) =>
        frontier.IsDetermined ? frontier.Lambda.ToString("E3", CultureInfo.InvariantCulture) : "undetermined";

    private static string Interval(FrontierSnapshot frontier) =>
        frontier.IsDetermined ? $"[{Number(frontier.LambdaLower, "E2")}, {(double.IsPositiveInfinity(frontier.LambdaUpper) ? "∞" : Number(frontier.LambdaUpper, "E2"))}]" : "-";

    private static string Number(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "-";
}
