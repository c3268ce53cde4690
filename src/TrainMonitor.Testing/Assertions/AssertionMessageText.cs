using System.Globalization;
using TrainMonitor.Outputs;
using TrainMonitor.Regimes;

namespace TrainMonitor.Testing;

/// <summary>
/// How the failure messages of <see cref="MonitoredRun"/>'s assertions write numbers, frontier endpoints, undetermined
/// probes and regime sequences, kept in one place so every assertion reads the same.
/// </summary>
internal static class AssertionMessageText
{
    /// <summary>"1.000E-002 [8.000E-003, 1.300E-002] at step 100": the estimate and its certified interval.</summary>
    public static string Endpoint(ProbeSnapshot s) =>
        $"{E(s.Frontier.Lambda)} [{E(s.Frontier.LambdaLower)}, {E(s.Frontier.LambdaUpper)}] at step {s.Step}";

    public static string DescribeUndetermined(ProbeSnapshot[] undetermined)
    {
        if (undetermined.Length == 0)
        {
            return string.Empty;
        }

        var items = undetermined.Select(s => $"step {s.Step} ({s.Frontier.Reason ?? "non-positive or non-finite λ_f"})");
        return $"Undetermined at {undetermined.Length} probe(s): {string.Join("; ", items)}.";
    }

    public static string RegimeSequence(IReadOnlyList<ProbeSnapshot> snapshots)
    {
        // Runs of equal regimes, e.g. "warming_up (1–4), lazy_progressing (8–64)".
        var parts = new List<string>();
        var i = 0;
        while (i < snapshots.Count)
        {
            var regime = snapshots[i].Assessment.Regime;
            var j = i;
            while (j + 1 < snapshots.Count && snapshots[j + 1].Assessment.Regime == regime)
            {
                j++;
            }

            var range = i == j ? $"{snapshots[i].Step}" : $"{snapshots[i].Step}–{snapshots[j].Step}";
            parts.Add($"{regime.ToWireName()} ({range})");
            i = j + 1;
        }

        return string.Join(", ", parts);
    }

    public static string FromStepText(long fromStep) => fromStep > 1 ? $" from step {fromStep} on" : string.Empty;

    public static string F(double x) => double.IsFinite(x) ? (x == 0 ? 0.0 : x).ToString("0.###", CultureInfo.InvariantCulture) : Infinite(x);

    public static string E(double x) => double.IsFinite(x) ? x.ToString("E3", CultureInfo.InvariantCulture) : Infinite(x);

    // "∞" rather than .NET's "Infinity": an unbounded upper end is expected under Lanczos, and reads as a bound.
    private static string Infinite(double x) => double.IsNaN(x) ? "NaN" : x > 0 ? "∞" : "-∞";
}
