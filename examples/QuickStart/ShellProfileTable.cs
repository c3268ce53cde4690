using System.Globalization;
using System.Text;
using TrainMonitor.Monitoring;
using TrainMonitor.Regimes;

namespace QuickStart;

/// <summary>The end-of-run summary: one row per probe, then the shell energies of every probe side by side.</summary>
internal static class ShellProfileTable
{
    public static string Render(IReadOnlyList<ProbeSnapshot> snapshots)
    {
        var text = new StringBuilder();
        text.AppendLine("probe    step  error energy   null     λ_max       frontier λ_f   s      R²     regime");
        foreach (var s in snapshots)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.ProbeIndex,5} {s.Step,7}  {s.ErrorEnergy,12:E3}  {Share(s.NullEnergy, s.ErrorEnergy),6}  {s.LambdaMax,10:E3}  {Frontier(s),12}  {s.Frontier.TailExponent,5:F2}  {s.Frontier.R2,5:F2}  {s.Assessment.Regime.ToWireName()}"));
        }

        text.AppendLine();
        text.AppendLine("shell energy as % of the probe's error energy (rows: shells [λ, q·λ); columns: probe steps; '.' = empty)");
        var indices = snapshots.SelectMany(s => s.Shells.Where(x => x.Estimate > 0).Select(x => x.Index)).Distinct().OrderDescending().ToArray();
        text.Append("  λ lower  ");
        foreach (var s in snapshots)
        {
            text.Append(CultureInfo.InvariantCulture, $"{s.Step,7}");
        }

        text.AppendLine();
        foreach (var index in indices)
        {
            var ratio = snapshots[0].ShellRatio;
            text.Append(CultureInfo.InvariantCulture, $"{Math.Pow(ratio, index),9:E1}  ");
            foreach (var s in snapshots)
            {
                var shell = s.Shells.FirstOrDefault(x => x.Index == index);
                var cell = shell is null || shell.Estimate <= 0 ? "." : (100 * shell.Estimate / s.ErrorEnergy).ToString("F1", CultureInfo.InvariantCulture);
                text.Append(CultureInfo.InvariantCulture, $"{cell,7}");
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    private static string Share(double part, double total) =>
        total > 0 ? (100 * part / total).ToString("F1", CultureInfo.InvariantCulture) + "%" : "-";

    private static string Frontier(ProbeSnapshot s) =>
        s.Frontier.IsDetermined ? s.Frontier.Lambda.ToString("E3", CultureInfo.InvariantCulture) : "undetermined";
}
