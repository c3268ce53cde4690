using System.Globalization;
using TrainMonitor.Shells;

namespace TrainMonitor.Frontier;

/// <summary>
/// Whether a shell profile is unimodal, with the reason: the check the frontier fit makes before it fits, given on its
/// own so that a profile's shape can be reported whether or not the fit then succeeds.
/// </summary>
/// <remarks>
/// Same shells and same test as <see cref="FrontierFit.Fit(ShellProfile, FrontierFitOptions)"/>: the sparse top shells
/// are left out, empty shells are gaps, shells past the peak below <see cref="FrontierFitOptions.DynamicRange"/> are left
/// out, and a dip counts only when the certified bounds prove it deeper than
/// <see cref="FrontierFitOptions.UnimodalityTolerance"/>. A fit undetermined "because the profile is not unimodal" is
/// exactly a verdict of <see cref="UnimodalityOutcome.NotUnimodal"/>.
/// </remarks>
public sealed record UnimodalityVerdict
{
    private UnimodalityVerdict(UnimodalityOutcome outcome, double dipDepth, int? dipLeftShell, int? dipRightShell, int shellsTested, int? peakShell,
        string reason)
    {
        Outcome = outcome;
        DipDepth = dipDepth;
        DipLeftShell = dipLeftShell;
        DipRightShell = dipRightShell;
        ShellsTested = shellsTested;
        PeakShell = peakShell;
        Reason = reason;
    }

    /// <summary>Unimodal, not unimodal, or undecided.</summary>
    public UnimodalityOutcome Outcome { get; }

    /// <summary>
    /// The deepest certified dip, as a factor in energy (1 when there is none: the bounds allow a monotone rise and fall);
    /// NaN when undecided.
    /// </summary>
    public double DipDepth { get; }

    /// <summary>Index of the shell holding the peak left of the deepest dip; null without a dip or when undecided.</summary>
    public int? DipLeftShell { get; }

    /// <summary>Index of the shell holding the peak right of the deepest dip; null without a dip or when undecided.</summary>
    public int? DipRightShell { get; }

    /// <summary>Number of shells the test looked at.</summary>
    public int ShellsTested { get; }

    /// <summary>Index of the shell with the largest energy; null when no shell carries energy.</summary>
    public int? PeakShell { get; }

    /// <summary>Why, in words: the dip against the tolerance, or why the profile could not be judged.</summary>
    public string Reason { get; }

    /// <summary>The verdict on <paramref name="profile"/> under the fit's settings <paramref name="options"/>.</summary>
    public static UnimodalityVerdict Of(ShellProfile profile, FrontierFitOptions options)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var screen = ProfileScreen.Of(profile, options);
        if (screen.Failure is { } failure)
        {
            return new UnimodalityVerdict(UnimodalityOutcome.Undecided, double.NaN, null, null, screen.Shells.Count, screen.PeakShell, failure.Reason!);
        }

        var (depth, left, right) = screen.Dip;
        var shells = screen.Shells.Count;
        var peak = screen.PeakShell;
        if (depth > options.UnimodalityTolerance)
        {
            return new UnimodalityVerdict(UnimodalityOutcome.NotUnimodal, depth, screen.Shells[left], screen.Shells[right], shells, peak,
                screen.DipText(options));
        }

        var hasDip = depth > 1.0;
        var why = hasDip
            ? Format($"deepest certified dip {depth:0.#}× between shells {screen.Shells[left]} and {screen.Shells[right]} is within the tolerance {options.UnimodalityTolerance:0.#}×")
            : Format($"no certified dip (tolerance {options.UnimodalityTolerance:0.#}×)");
        return new UnimodalityVerdict(UnimodalityOutcome.Unimodal, depth, hasDip ? screen.Shells[left] : null, hasDip ? screen.Shells[right] : null,
            shells, peak, Format($"{why} over {shells} shells; peak at shell {peak}"));
    }

    /// <summary>
    /// An undecided verdict for a probe that has no profile to judge (its errors were not finite), with the probe's own
    /// <paramref name="reason"/>: judging its empty profile would blame the shells ("no shell carries energy") for a
    /// diverged run.
    /// </summary>
    internal static UnimodalityVerdict Undecided(string reason) =>
        new(UnimodalityOutcome.Undecided, double.NaN, null, null, 0, null, reason);

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
