using TrainMonitor.Kernel;

namespace TrainMonitor.Regimes;

/// <summary>
/// How a probe's sketch compares with the previous sketched probe's and the first: kernel distance and angle, relative
/// output change, the spans of the interval, and why a figure is missing. Never throws for a sketch problem during a run:
/// missing, all-zero or incompatible sketches give NaN and a note.
/// </summary>
internal readonly record struct SketchComparison(double Distance, double Angle, double OutputChange, double LogSpan, long StepSpan, double FromFirst,
    string? Note)
{
    /// <summary>Compares <paramref name="sketch"/>, taken at <paramref name="step"/>, with <paramref name="previous"/> and <paramref name="first"/>.</summary>
    public static SketchComparison Of(KernelSketch? sketch, long step, double logStep, RecentProbe? previous, KernelSketch? first)
    {
        if (sketch is null)
        {
            return new(double.NaN, double.NaN, double.NaN, double.NaN, 0, double.NaN, "no kernel sketch at this probe");
        }

        var fromFirst = SafeDistance(first ?? sketch, sketch, "the first sketch", out var firstNote);
        if (previous is not { Sketch: { } before } p)
        {
            return new(double.NaN, double.NaN, double.NaN, double.NaN, 0, fromFirst, firstNote);
        }

        var distance = SafeDistance(before, sketch, "the previous sketch", out var note);
        var change = note is null ? KernelSketch.OutputChange(before, sketch) : double.NaN;
        var angle = double.IsFinite(distance) ? Math.Acos(Math.Max(-1.0, 1.0 - distance)) : double.NaN;
        return new(distance, angle, change, logStep - p.LogStep, step - p.Step, fromFirst, note ?? firstNote);
    }

    private static double SafeDistance(KernelSketch a, KernelSketch b, string what, out string? note)
    {
        note = null;
        double s;
        try
        {
            s = KernelSketch.Distance(a, b);
        }
        catch (ArgumentException ex)
        {
            note = $"sketch not comparable with {what}: {ex.Message}";
            return double.NaN;
        }

        if (double.IsNaN(s))
        {
            note = $"all-zero sketch (the tangent kernel is 0 on the probe set), distance to {what} undefined";
        }

        return s;
    }
}
