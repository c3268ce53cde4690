using System.Text.RegularExpressions;
using TrainMonitor.Cli.Formatting;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Shells;

namespace TrainMonitor.Cli.Reports;

/// <summary>The columns of the per-probe summary, shared by the terminal table and the HTML page so they always agree.</summary>
internal static partial class SummaryColumns
{
    /// <summary>Column headers, in order; the regime is the last column. Short, so the table fits a terminal.</summary>
    public static IReadOnlyList<string> Headers { get; } =
        ["probe", "step", "loss", "held-out", "energy", "null", "λ_f [certified]", "fit λ", "λ_max", "α₁", "kernel Δ", "output Δ", "transport", "regime"];

    /// <summary>What the short headers stand for, printed under the table; p is the run's energy fraction.</summary>
    public static string Legend(IReadOnlyList<ProbeSnapshot> snapshots)
    {
        var p = snapshots.Select(s => s.Frontier.EnergyFraction).LastOrDefault(double.IsFinite, double.NaN);
        var fraction = double.IsNaN(p) ? "a fraction p" : NumberText.Invariant(100 * p, "0.#") + "%";
        return "loss: mean training loss since the previous probe · held-out: loss on the held-out probe set (mean surprisal for " +
               "cross-entropy, ½ the error energy for squared error) · energy: error energy ‖e‖²/n on the probe set · null: part below the null floor · " +
               $"λ_f: resolution frontier, the eigenvalue above which {fraction} of the non-null error energy lies, with its " +
               "certified [lower, upper] when two digits tell its ends from the estimate (∞: no upper end certified) · " +
               "fit λ: cutoff of the amplitude–frontier fit · α₁: spectral position · " +
               "kernel Δ: distance of the tangent kernel from the previous probe's · output Δ: relative change of the model's outputs " +
               "on the probe set since the previous probe (near 0: the function stands still) · transport: transport fraction of the interval since the previous " +
               "probe (Σ|measured − frozen-kernel prediction| over the error energy) · —: undetermined or no energy budget";
    }

    /// <summary>
    /// The quantile frontier of a probe: the estimate, followed by its certified interval unless both ends print as the
    /// estimate at the interval's two digits (exact spectra certify λ_f as a point, and repeating it only widens the table).
    /// </summary>
    public static string FrontierCell(FrontierSnapshot frontier)
    {
        if (!frontier.IsDetermined)
        {
            return NumberText.Unknown;
        }

        // Compared at the interval's two digits: "0.335 [0.33, 0.33]" would only look like an estimate outside its bounds.
        var rounded = NumberText.Format(frontier.Lambda, 2);
        var estimate = NumberText.Format(frontier.Lambda);
        return NumberText.Format(frontier.LambdaLower, 2) == rounded && NumberText.Format(frontier.LambdaUpper, 2) == rounded
            ? estimate
            : $"{estimate} {NumberText.Interval(frontier.LambdaLower, frontier.LambdaUpper)}";
    }

    /// <summary>
    /// "Frontier undetermined at N of M probes (most common reason …)." for the quantile frontier; null when every probe
    /// determined it.
    /// </summary>
    public static string? FrontierUndetermined(IReadOnlyList<ProbeSnapshot> snapshots) =>
        Undetermined("Frontier", snapshots, s => s.Frontier.Reason);

    /// <summary>
    /// "Regime changed N times: a → b at step s → …" (at most the first ten changes listed), with how many probes were in
    /// each alert state (unstable, lazy_stagnant, overfitting, not_learning: the core's <see cref="TrainingRegimeNames.IsAlert"/>,
    /// so a new alert state is counted without an edit here): what a flapping alert would page on.
    /// </summary>
    public static string RegimeChanges(IReadOnlyList<ProbeSnapshot> snapshots)
    {
        var changes = new List<string>();
        for (var i = 1; i < snapshots.Count; i++)
        {
            if (snapshots[i].Assessment.Regime != snapshots[i - 1].Assessment.Regime)
            {
                changes.Add($"{snapshots[i].Assessment.Regime.ToWireName()} at step {NumberText.Step(snapshots[i].Step)}");
            }
        }

        // "0 of 700 probes unstable, 0 lazy_stagnant, …": the total is said once, with the first count.
        var alerts = TrainingRegimeNames.All.Where(r => r.IsAlert())
            .Select((r, i) => $"{snapshots.Count(s => s.Assessment.Regime == r)}{(i == 0 ? $" of {snapshots.Count} probes" : string.Empty)} {r.ToWireName()}");
        var list = changes.Count == 0 ? string.Empty
            : ": " + snapshots[0].Assessment.Regime.ToWireName() + " → " + string.Join(" → ", changes.Take(10)) + (changes.Count > 10 ? " → …" : string.Empty);
        var noun = changes.Count == 1 ? "time" : "times";
        return $"Regime changed {changes.Count} {noun}{list}; {string.Join(", ", alerts)}.";
    }

    /// <summary>
    /// How far the quantile frontier moved over the run: "Frontier λ_f determined at N of M probes; from X at step a to Y at
    /// step b: down D decades (certified: at least C)", the certified figure from the first probe's lower end and the last
    /// one's upper end (what <c>AssertFrontierAdvanced(certified: true)</c> checks). Null when fewer than two probes have one.
    /// </summary>
    public static string? FrontierAdvance(IReadOnlyList<ProbeSnapshot> snapshots)
    {
        var determined = snapshots.Where(s => s.Frontier.IsDetermined && s.Frontier.Lambda > 0).ToArray();
        if (determined.Length < 2)
        {
            return null;
        }

        var (first, last) = (determined[0], determined[^1]);
        var decades = Math.Log10(first.Frontier.Lambda / last.Frontier.Lambda);
        var certified = Math.Log10(first.Frontier.LambdaLower / last.Frontier.LambdaUpper);
        var direction = decades >= 0 ? "down" : "up";
        var certifiedText = double.IsFinite(certified) ? NumberText.Invariant(certified, "0.00") : "none (no finite upper end at the last probe)";
        return $"Frontier λ_f determined at {determined.Length} of {snapshots.Count} probes; from {NumberText.Format(first.Frontier.Lambda)} at step " +
               $"{NumberText.Step(first.Step)} to {NumberText.Format(last.Frontier.Lambda)} at step {NumberText.Step(last.Step)}: {direction} " +
               $"{NumberText.Invariant(Math.Abs(decades), "0.00")} decades (certified advance {certifiedText}).";
    }

    /// <summary>
    /// How much the frozen kernel left unexplained: "Transport fraction over N of M probe intervals: median x, max y
    /// [certified] at step s (kernel velocity there k)", or that no energy budget was recorded.
    /// </summary>
    public static string Transport(IReadOnlyList<ProbeSnapshot> snapshots)
    {
        var budgets = snapshots.Where(s => s.Transport is { } t && double.IsFinite(t.TransportFraction)).ToArray();
        if (budgets.Length == 0)
        {
            return "Transport fraction: no energy budget recorded (no learning rate passed to OnStep, or a file written before it existed).";
        }

        var fractions = budgets.Select(s => s.Transport!.TransportFraction).Order().ToArray();
        var max = budgets.MaxBy(s => s.Transport!.TransportFraction)!;
        var t = max.Transport!;
        return $"Transport fraction over {budgets.Length} of {Math.Max(snapshots.Count - 1, budgets.Length)} probe intervals: median " +
               $"{NumberText.Format(Median(fractions))}, max {NumberText.Format(t.TransportFraction)} " +
               $"{(t.IsExact ? "(exact)" : NumberText.Interval(t.TransportFractionLower, t.TransportFractionUpper))} at step {NumberText.Step(max.Step)} " +
               $"(kernel velocity there {NumberText.Format(max.Assessment.KernelVelocity)}).";
    }

    /// <summary>The median of sorted, non-empty <paramref name="sorted"/>.</summary>
    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;

    /// <summary>
    /// How the amplitude–frontier fit fared: "Fit undetermined at N of M probes (most common reason …)" or "Fit
    /// determined at all M probes", then the median share of the error energy in the sparse top shells the fit left out.
    /// </summary>
    public static string FitOutcome(IReadOnlyList<ProbeSnapshot> snapshots)
    {
        var outcome = Undetermined("Fit", snapshots, s => s.Frontier.Fit.Reason)?.TrimEnd('.')
            ?? $"Fit determined at all {snapshots.Count} probes";
        var shares = snapshots.Where(s => s.ErrorEnergy > 0 && double.IsFinite(s.ErrorEnergy) && double.IsFinite(s.Frontier.Fit.OutlierEnergy))
            .Select(s => s.Frontier.Fit.OutlierEnergy / s.ErrorEnergy).Order().ToArray();
        if (shares.Length == 0)
        {
            return $"{outcome}; outlier energy not recorded.";
        }

        var median = Median(shares);
        return $"{outcome}; median outlier-energy share {NumberText.Invariant(100 * median, "0.0")}% " +
               "(error energy in the sparse top shells the fit left out).";
    }

    /// <summary>
    /// The undetermined count and the most common reason. Reasons that differ only in their numbers ("fit R² 0.83 below
    /// 0.9", "fit R² 0.61 below 0.9") are one kind; the latest probe's text of that kind is shown with its step.
    /// </summary>
    private static string? Undetermined(string what, IReadOnlyList<ProbeSnapshot> snapshots, Func<ProbeSnapshot, string?> reason)
    {
        var undetermined = snapshots.Where(s => reason(s) is not null).ToArray();
        if (undetermined.Length == 0)
        {
            return null;
        }

        // GroupBy keeps first-occurrence order and OrderByDescending is stable: ties go to the kind seen first.
        var kind = undetermined.GroupBy(s => Digits().Replace(reason(s)!, "#")).OrderByDescending(g => g.Count()).First();
        var latest = kind.Last();
        return $"{what} undetermined at {undetermined.Length} of {snapshots.Count} probes (most common reason, {kind.Count()} of them, " +
               $"last at step {NumberText.Step(latest.Step)}: {reason(latest)}).";
    }

    [GeneratedRegex(@"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")]
    private static partial Regex Digits();

    /// <summary>
    /// How many batch spectra each method produced over the run, e.g. <c>lanczos 4, gram 12 (Lanczos: 32 steps)</c>
    /// (gram and exact are exact spectra); null when the file predates <c>probe_methods</c>. The Lanczos depth is
    /// named only when some batch took Lanczos: every snapshot records the requested depth, but a run probed by Gram
    /// alone never used it, and "gram 30 (Lanczos: 48 steps)" read as if it had.
    /// </summary>
    public static string? MethodCounts(IReadOnlyList<ProbeSnapshot> snapshots)
    {
        var counts = snapshots.SelectMany(s => s.ProbeMethods).GroupBy(m => m).OrderBy(g => g.Key)
            .Select(g => $"{ProbeMethodNames.ToWireName(g.Key)} {g.Count()}").ToArray();
        if (counts.Length == 0)
        {
            return null;
        }

        // Depths of the probes that actually ran Lanczos; a run whose settings changed between probes shows the range.
        var depths = snapshots.Where(s => s.ProbeMethods.Contains(ProbeMethod.Lanczos)).Select(s => s.LanczosSteps).Distinct().Order().ToArray();
        var lanczos = depths.Length switch
        {
            0 => "",
            1 => $" (Lanczos: {depths[0]} steps)",
            _ => $" (Lanczos: {depths[0]}–{depths[^1]} steps)",
        };
        return string.Join(", ", counts) + lanczos;
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
        NumberText.Format(s.ProbeLoss),
        NumberText.Format(s.ErrorEnergy),
        NumberText.Format(s.NullEnergy),
        FrontierCell(s.Frontier),
        s.Frontier.Fit.IsDetermined ? NumberText.Format(s.Frontier.Fit.Lambda) : NumberText.Unknown,
        NumberText.Format(s.LambdaMax),
        NumberText.Format(s.SpectralPosition),
        NumberText.Format(s.Assessment.KernelDistance),
        NumberText.Format(s.Assessment.OutputChange),
        s.Transport is { } t ? NumberText.Format(t.TransportFraction) : NumberText.Unknown,
    ];
}
