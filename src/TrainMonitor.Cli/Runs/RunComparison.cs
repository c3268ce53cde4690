using TrainMonitor.Cli.Formatting;

namespace TrainMonitor.Cli.Runs;

/// <summary>Decides whether two runs can be overlaid, and says why not.</summary>
internal static class RunComparison
{
    /// <summary>
    /// Throws <see cref="RunInputException"/> when the runs cannot be compared shell for shell: their shell grids
    /// differ (different ratio q), so shell α of one run is not the same eigenvalue band as shell α of the other.
    /// Returns warnings for differences that do not prevent the overlay but a reader should know about.
    /// </summary>
    public static IReadOnlyList<string> Check(RunHistory a, RunHistory b)
    {
        var ratiosA = a.Snapshots.Select(s => s.ShellRatio).Distinct().ToArray();
        var ratiosB = b.Snapshots.Select(s => s.ShellRatio).Distinct().ToArray();
        if (ratiosA.Length != 1 || ratiosB.Length != 1 || ratiosA[0] != ratiosB[0])
        {
            throw new RunInputException(
                $"cannot compare: the shell grids differ ({Describe(a, ratiosA)}, {Describe(b, ratiosB)}), so the same shell index " +
                "is a different eigenvalue band in each run. Probe both runs with the same ShellRatio.");
        }

        var warnings = new List<string>();
        if (a.Last.ErrorEntries != b.Last.ErrorEntries)
        {
            warnings.Add(
                $"the probe sets differ in size ({a.Name}: {a.Last.ErrorEntries} error entries, {b.Name}: {b.Last.ErrorEntries}); " +
                "energies are per entry, but the runs were not measured on the same examples.");
        }

        // Two runs of one appended file (--run-a 1 --run-b 2) are a comparison worth making; the same run twice is not.
        if (a.Path == b.Path && a.Number == b.Number)
        {
            warnings.Add($"both inputs are the same file ({a.Path}).");
        }

        return warnings;
    }

    private static string Describe(RunHistory run, double[] ratios) =>
        ratios.Length == 1
            ? $"{run.Name}: q = {NumberText.Format(ratios[0])}"
            : $"{run.Name}: q changes within the run ({string.Join(", ", ratios.Select(r => NumberText.Format(r)))})";
}
