using System.Globalization;
using TrainMonitor.Checkpoints;

namespace TrainMonitor.Cli.Analysis;

/// <summary>
/// The machine-readable lines analyze ends with (<c>RESULT key=value …</c>, as the benchmarks and validation programs
/// print): one for the series, and with a depth sweep one per checkpoint with the largest change of any shell's energy
/// from the smallest depth to the largest.
/// </summary>
internal static class ResultLines
{
    /// <summary>The lines, in order.</summary>
    public static IEnumerable<string> Of(CheckpointAnalysisResult result)
    {
        var deepest = result.Displacements[^1];
        yield return Line(
            $"RESULT analyze checkpoints={result.Checkpoints.Count} lanczos_steps={string.Join(',', result.Depths)} probes={result.Probes.Count} failed={result.Failures} slope={Number(deepest.Slope)} fit_slope={Number(deepest.FitSlope)}");
        foreach (var s in result.DepthSensitivity)
        {
            yield return Line(
                $"RESULT analyze_depth_sweep step={s.Checkpoint.Step} m_from={s.Depths[0]} m_to={s.Depths[^1]} max_shell_change={Number(s.MaxChange)} max_shell_change_relative={Number(s.MaxChangeRelative)} shell={s.MaxChangeShell?.ToString(CultureInfo.InvariantCulture) ?? "none"} disjoint_bounds={s.ShellsWithDisjointBounds} exact={(s.IsExact ? 1 : 0)}");
        }
    }

    private static string Number(double value) => double.IsFinite(value) ? value.ToString("G4", CultureInfo.InvariantCulture) : "nan";

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
