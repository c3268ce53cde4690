using TrainMonitor.Cli.Formatting;
using TrainMonitor.Monitoring;
using TrainMonitor.Probing;

namespace TrainMonitor.Cli.Reports;

/// <summary>The columns of the per-probe summary, shared by the terminal table and the HTML page so they always agree.</summary>
internal static class SummaryColumns
{
    /// <summary>Column headers, in order; the regime is the last column. Short, so the table fits a terminal.</summary>
    public static IReadOnlyList<string> Headers { get; } =
        ["probe", "step", "loss", "energy", "null", "λ_f", "λ_max", "α₁", "kernel Δ", "regime"];

    /// <summary>What the short headers stand for, printed under the table.</summary>
    public const string Legend =
        "energy: error energy ‖e‖²/n on the probe set · null: part below the null floor · λ_f: resolution frontier " +
        "(— undetermined) · α₁: spectral position · kernel Δ: kernel distance from the previous probe";

    /// <summary>
    /// How many batch spectra each method produced over the run, e.g. <c>lanczos 4, gram 12 (Lanczos: 32 steps)</c>
    /// (gram and exact are exact spectra); null when the file predates <c>probe_methods</c>.
    /// </summary>
    public static string? MethodCounts(IReadOnlyList<ProbeSnapshot> snapshots)
    {
        var counts = snapshots.SelectMany(s => s.ProbeMethods).GroupBy(m => m).OrderBy(g => g.Key)
            .Select(g => $"{ProbeMethodNames.ToWireName(g.Key)} {g.Count()}").ToArray();
        return counts.Length == 0 ? null : $"{string.Join(", ", counts)} (Lanczos: {snapshots[^1].LanczosSteps} steps)";
    }

    /// <summary>
    /// Why <c>Auto</c> fell back to Lanczos, one entry per distinct reason with the probes it affected, e.g.
    /// <c>probes 1–2 (2 of 10): the batch has 4096 errors …</c>; empty when no probe fell back or the file predates
    /// <c>probe_fallback_reason</c>.
    /// </summary>
    public static IReadOnlyList<string> FallbackReasons(IReadOnlyList<ProbeSnapshot> snapshots) =>
        [.. snapshots.Where(s => s.ProbeFallbackReason is not null)
            .GroupBy(s => s.ProbeFallbackReason!)
            .Select(g => $"probes {g.Min(s => s.ProbeIndex)}–{g.Max(s => s.ProbeIndex)} ({g.Count()} of {snapshots.Count}): {g.Key}")];

    /// <summary>The cells of one probe except the regime (last column), formatted for reading.</summary>
    public static IReadOnlyList<string> NumericCells(ProbeSnapshot s) =>
    [
        s.ProbeIndex.ToString(System.Globalization.CultureInfo.InvariantCulture),
        NumberText.Step(s.Step),
        NumberText.Format(s.TrainingLoss),
        NumberText.Format(s.ErrorEnergy),
        NumberText.Format(s.NullEnergy),
        s.Frontier.IsDetermined ? NumberText.Format(s.Frontier.Lambda) : NumberText.Unknown,
        NumberText.Format(s.LambdaMax),
        NumberText.Format(s.SpectralPosition),
        NumberText.Format(s.Assessment.KernelDistance),
    ];
}
