using TrainMonitor.Cli.Formatting;
using TrainMonitor.Monitoring;

namespace TrainMonitor.Cli.Reports;

/// <summary>The columns of the per-probe summary, shared by the terminal table and the HTML page so they always agree.</summary>
internal static class SummaryColumns
{
    /// <summary>Column headers, in order; the regime is the last column.</summary>
    public static IReadOnlyList<string> Headers { get; } =
        ["probe", "step", "loss", "error energy", "null energy", "frontier λ_f", "λ_max", "α₁", "kernel dist.", "regime"];

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
