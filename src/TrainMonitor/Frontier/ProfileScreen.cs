using System.Globalization;
using TrainMonitor.Shells;

namespace TrainMonitor.Frontier;

/// <summary>
/// The shells of a profile that the frontier fit and the unimodality verdict look at, and the certified dip among them:
/// the bulk below the sparse top shells, occupied shells only, shells past the peak below the dynamic range left out.
/// One screen for both, so that a profile the verdict calls unimodal is one the fit does not reject as multimodal.
/// </summary>
internal sealed class ProfileScreen
{
    private ProfileScreen(List<int> shells, List<double> logCentres, List<double> energies, int? peakShell, FrontierEstimate? failure,
        (double Depth, int Left, int Right) dip)
    {
        Shells = shells;
        LogCentres = logCentres;
        Energies = energies;
        PeakShell = peakShell;
        Failure = failure;
        Dip = dip;
    }

    /// <summary>Indices of the shells kept, ascending.</summary>
    public List<int> Shells { get; }

    /// <summary>ln of each kept shell's centre.</summary>
    public List<double> LogCentres { get; }

    /// <summary>Energy estimate of each kept shell (all &gt; 0).</summary>
    public List<double> Energies { get; }

    /// <summary>Index of the occupied shell with the largest energy; null when no shell carries energy.</summary>
    public int? PeakShell { get; }

    /// <summary>Why the profile cannot be judged at all (bad energies, too few shells); null when it can.</summary>
    public FrontierEstimate? Failure { get; }

    /// <summary>The deepest certified dip (factor, and positions of the two maxima in <see cref="Shells"/>); (1, 0, 0) without a dip.</summary>
    public (double Depth, int Left, int Right) Dip { get; }

    /// <summary>The dip as the fit and the verdict word it: "dip of 12× between shells -9 and -2 (tolerance 4×)".</summary>
    public string DipText(FrontierFitOptions options) =>
        Format($"dip of {Dip.Depth:0.#}× between shells {Shells[Dip.Left]} and {Shells[Dip.Right]} (tolerance {options.UnimodalityTolerance:0.#}×)");

    /// <summary>
    /// The bulk of <paramref name="profile"/>: the run of shells at the top holding fewer than
    /// <see cref="FrontierFitOptions.MinimumOccupancy"/> nodes per batch is left out (all kept when every shell is sparse).
    /// </summary>
    public static (ShellEnergy[] Bulk, double OutlierEnergy, int OutlierShells) Bulk(ShellProfile profile, FrontierFitOptions options)
    {
        var shells = profile.Shells;
        var threshold = options.MinimumOccupancy * Math.Max(1, profile.Batches);
        var kept = shells.Count;
        while (kept > 0 && shells[kept - 1].Occupancy < threshold)
        {
            kept--;
        }

        if (kept == 0)
        {
            // The whole profile is sparse (a tiny probe set or a very coarse quadrature): nothing stands apart from a bulk.
            kept = shells.Count;
        }

        var outlierEnergy = 0.0;
        for (var i = kept; i < shells.Count; i++)
        {
            outlierEnergy += shells[i].Estimate;
        }

        return (shells.Take(kept).ToArray(), outlierEnergy, shells.Count - kept);
    }

    /// <summary>Screens the bulk of <paramref name="profile"/> (see <see cref="Bulk"/>) with its certified bounds.</summary>
    public static ProfileScreen Of(ShellProfile profile, FrontierFitOptions options)
    {
        var bulk = Bulk(profile, options).Bulk;
        var order = Enumerable.Range(0, bulk.Length).ToArray();
        return Of(order, bulk.Select(s => s.Index).ToArray(), bulk.Select(s => profile.Grid.LogCentre(s.Index)).ToArray(),
            bulk.Select(s => s.Estimate).ToArray(), bulk.Select(s => s.Lower).ToArray(), bulk.Select(s => s.Upper).ToArray(), options);
    }

    /// <summary>
    /// Screens shells given in ascending index order (<paramref name="order"/>): every energy must be finite and ≥ 0; only
    /// occupied shells are kept; shells past the peak below <see cref="FrontierFitOptions.DynamicRange"/> of it are left out;
    /// at least <see cref="FrontierFitOptions.MinimumShells"/> must remain; then the deepest dip on the bounds.
    /// </summary>
    public static ProfileScreen Of(int[] order, IReadOnlyList<int> shellIndices, IReadOnlyList<double> logCentres, IReadOnlyList<double> energies,
        IReadOnlyList<double> lowerBounds, IReadOnlyList<double> upperBounds, FrontierFitOptions options)
    {
        var shells = new List<int>(order.Length);
        var xs = new List<double>(order.Length);
        var es = new List<double>(order.Length);
        var lows = new List<double>(order.Length);
        var highs = new List<double>(order.Length);
        foreach (var i in order)
        {
            var e = energies[i];
            if (!double.IsFinite(e) || e < 0.0)
            {
                return Failed(FrontierEstimate.Undetermined(
                    Format($"shell {shellIndices[i]} has energy {e}: energies must be finite and non-negative"), 0, null));
            }

            if (e > 0.0)
            {
                shells.Add(shellIndices[i]);
                xs.Add(logCentres[i]);
                es.Add(e);
                lows.Add(double.IsFinite(lowerBounds[i]) ? Math.Min(lowerBounds[i], e) : e);
                highs.Add(double.IsFinite(upperBounds[i]) ? Math.Max(upperBounds[i], e) : e);
            }
        }

        var used = shells.Count;
        if (used == 0)
        {
            return Failed(FrontierEstimate.Undetermined("no shell carries energy", 0, null));
        }

        var peak = 0;
        for (var j = 1; j < used; j++)
        {
            if (es[j] > es[peak])
            {
                peak = j;
            }
        }

        var peakShell = shells[peak];

        // Leave out shells past the cutoff below the dynamic range (round-off floor; see FrontierFitOptions.DynamicRange).
        var floor = options.DynamicRange * es[peak];
        for (var j = used - 1; j > peak; j--)
        {
            if (es[j] < floor)
            {
                shells.RemoveAt(j);
                xs.RemoveAt(j);
                es.RemoveAt(j);
                lows.RemoveAt(j);
                highs.RemoveAt(j);
            }
        }

        var trimmed = used != shells.Count;
        used = shells.Count;
        if (used < options.MinimumShells)
        {
            var noun = used == 1 ? "shell carries" : "shells carry";
            var within = trimmed ? Format($" within {options.DynamicRange:0.##e+00} of the peak") : string.Empty;
            return new ProfileScreen(shells, xs, es, peakShell,
                FrontierEstimate.Undetermined(Format($"only {used} {noun} energy{within} (at least {options.MinimumShells} needed)"), used, peakShell),
                (1.0, 0, 0));
        }

        return new ProfileScreen(shells, xs, es, peakShell, null, UnimodalityTest.DeepestDip(lows, highs));

        static ProfileScreen Failed(FrontierEstimate failure) => new([], [], [], null, failure, (1.0, 0, 0));
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
