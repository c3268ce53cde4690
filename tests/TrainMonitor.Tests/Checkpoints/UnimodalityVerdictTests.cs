using TrainMonitor.Frontier;
using TrainMonitor.Shells;
using TrainMonitor.Spectral;

namespace TrainMonitor.Tests.Checkpoints;

/// <summary>
/// The unimodality verdict on exact measures against a dip found by brute force from the layout itself, and its
/// agreement with the frontier fit's own unimodality check on a few hundred seeded random profiles.
/// </summary>
public sealed class UnimodalityVerdictTests
{
    private static readonly FrontierFitOptions Defaults = new();

    [Fact]
    public void ARiseAndFallHasNoDipAndIsUnimodal()
    {
        var layout = new ShellLayout(-3, [1, 3, 10, 4, 1], [5, 5, 5, 5, 5]);

        var verdict = UnimodalityVerdict.Of(layout.Profile(), Defaults);

        Assert.Equal(UnimodalityOutcome.Unimodal, verdict.Outcome);
        Assert.Equal(1.0, verdict.DipDepth);
        Assert.Null(verdict.DipLeftShell);
        Assert.Null(verdict.DipRightShell);
        Assert.Equal(5, verdict.ShellsTested);
        Assert.Equal(-1, verdict.PeakShell);
        Assert.Contains("no certified dip", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ADipWithinTheToleranceIsUnimodalAndNamesItsPeaks()
    {
        // Shells 0..4: the dip at shell 2 is min(8, 9) / 3 = 2.67×, within the default 4×.
        var layout = new ShellLayout(0, [1, 8, 3, 9, 2], [5, 5, 5, 5, 5]);

        var verdict = UnimodalityVerdict.Of(layout.Profile(), Defaults);

        AssertMatchesReference(layout, Defaults, verdict);
        Assert.Equal(UnimodalityOutcome.Unimodal, verdict.Outcome);
        Assert.Equal(8.0 / 3.0, verdict.DipDepth, 8.0 / 3.0 * layout.DipRelativeRoundOff());
        Assert.Equal(1, verdict.DipLeftShell);
        Assert.Equal(3, verdict.DipRightShell);
    }

    [Fact]
    public void ADipDeeperThanTheToleranceIsNotUnimodal()
    {
        // The dip at shell 2 is min(10, 8) / 0.5 = 16×.
        var layout = new ShellLayout(0, [1, 10, 0.5, 8, 1], [5, 5, 5, 5, 5]);

        var verdict = UnimodalityVerdict.Of(layout.Profile(), Defaults);

        AssertMatchesReference(layout, Defaults, verdict);
        Assert.Equal(UnimodalityOutcome.NotUnimodal, verdict.Outcome);
        Assert.Equal(16.0, verdict.DipDepth, 16.0 * layout.DipRelativeRoundOff());
        Assert.Equal(1, verdict.DipLeftShell);
        Assert.Equal(3, verdict.DipRightShell);
        Assert.Contains("dip of 16× between shells 1 and 3", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyShellBetweenTwoPeaksIsAGapNotADip()
    {
        var layout = new ShellLayout(0, [1, 10, 0, 8, 1], [5, 5, 5, 5, 5]);

        var verdict = UnimodalityVerdict.Of(layout.Profile(), Defaults);

        Assert.Equal(UnimodalityOutcome.Unimodal, verdict.Outcome);
        Assert.Equal(4, verdict.ShellsTested);
    }

    [Fact]
    public void AShellPastThePeakBelowTheDynamicRangeIsLeftOutSoItsDipDoesNotCount()
    {
        // 1e-8 is below 1e-6 × 10 past the peak, so it is dropped and the 1e-3 shell beyond it is no second mode; with the
        // dynamic range off, the same profile has a dip of 1e-3 / 1e-8 = 1e5×.
        var layout = new ShellLayout(0, [1, 10, 3, 1e-8, 1e-3], [5, 5, 5, 5, 5]);
        var noRange = new FrontierFitOptions { DynamicRange = 0 };

        var trimmed = UnimodalityVerdict.Of(layout.Profile(), Defaults);
        var untrimmed = UnimodalityVerdict.Of(layout.Profile(), noRange);

        AssertMatchesReference(layout, Defaults, trimmed);
        AssertMatchesReference(layout, noRange, untrimmed);
        Assert.Equal(UnimodalityOutcome.Unimodal, trimmed.Outcome);
        Assert.Equal(4, trimmed.ShellsTested);
        Assert.Equal(UnimodalityOutcome.NotUnimodal, untrimmed.Outcome);
        Assert.Equal(1, untrimmed.DipLeftShell);
        Assert.Equal(4, untrimmed.DipRightShell);
    }

    [Fact]
    public void TooFewShellsAreUndecided()
    {
        var layout = new ShellLayout(0, [2, 10, 3], [5, 5, 5]);

        var verdict = UnimodalityVerdict.Of(layout.Profile(), Defaults);

        Assert.Equal(UnimodalityOutcome.Undecided, verdict.Outcome);
        Assert.True(double.IsNaN(verdict.DipDepth));
        Assert.Null(verdict.DipLeftShell);
        Assert.Equal(3, verdict.ShellsTested);
        Assert.Equal(1, verdict.PeakShell);
        Assert.StartsWith("only 3 shells carry energy", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TooFewShellsWithinTheDynamicRangeAreUndecidedAndSaySo()
    {
        var layout = new ShellLayout(0, [2, 10, 3, 1e-9], [5, 5, 5, 5]);

        var verdict = UnimodalityVerdict.Of(layout.Profile(), Defaults);

        Assert.Equal(UnimodalityOutcome.Undecided, verdict.Outcome);
        Assert.StartsWith("only 3 shells carry energy within 1e-06 of the peak", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AProfileWithAllItsEnergyBelowTheNullFloorIsUndecided()
    {
        var measure = new SpectralMeasure(JacobiMatrix.FromDiscreteMeasure([0.1, 0.2, 0.3], [1, 1, 1]));
        var profile = ShellProfile.Compute(measure, new ShellGrid(2), NullFloor.Absolute(1.0));

        var verdict = UnimodalityVerdict.Of(profile, Defaults);

        Assert.Equal(UnimodalityOutcome.Undecided, verdict.Outcome);
        Assert.Null(verdict.PeakShell);
        Assert.Equal("no shell carries energy", verdict.Reason);
    }

    [Fact]
    public void DipAndShellsEqualTheBruteForceDipOnRandomExactProfiles()
    {
        var random = new Random(20_250_301);
        var outcomes = new Dictionary<UnimodalityOutcome, int>();
        for (var trial = 0; trial < 300; trial++)
        {
            var layout = RandomLayout(random);
            var options = OptionsFor(trial);
            var verdict = UnimodalityVerdict.Of(layout.Profile(), options);
            AssertMatchesReference(layout, options, verdict, $"trial {trial}");
            outcomes[verdict.Outcome] = outcomes.GetValueOrDefault(verdict.Outcome) + 1;
        }

        // The generator must reach every outcome often, or the comparison above proves little.
        Assert.All(Enum.GetValues<UnimodalityOutcome>(), o => Assert.True(outcomes.GetValueOrDefault(o) >= 30, $"{o}: {outcomes.GetValueOrDefault(o)} of 300"));
    }

    [Fact]
    public void TheVerdictAgreesWithTheFrontierFitsOwnCheckOnRandomProfiles()
    {
        // Exact layouts, and truncated Jacobi matrices (Lanczos at k steps of a dense measure, one to three batches) whose
        // certified bounds are wide, so the dip is judged on bounds, not on the estimates.
        var random = new Random(4_711);
        var counts = new Dictionary<UnimodalityOutcome, int>();
        for (var trial = 0; trial < 300; trial++)
        {
            var profile = trial % 3 == 0 ? RandomLayout(random).Profile() : TruncatedLanczosProfile(random, batches: 1 + (trial % 3));
            var options = OptionsFor(trial / 3);
            var verdict = UnimodalityVerdict.Of(profile, options);
            var fit = FrontierFit.Fit(profile, options);
            var reason = fit.Reason ?? string.Empty;
            var context = $"trial {trial}: verdict {verdict.Outcome} ({verdict.Reason}); fit: {fit.Reason ?? "determined"}";

            Assert.True(reason.StartsWith("profile is not unimodal", StringComparison.Ordinal) == (verdict.Outcome == UnimodalityOutcome.NotUnimodal), context);
            Assert.True(
                (reason.StartsWith("only ", StringComparison.Ordinal) || reason == "no shell carries energy") == (verdict.Outcome == UnimodalityOutcome.Undecided),
                context);
            if (verdict.Outcome != UnimodalityOutcome.Unimodal)
            {
                // The fit stops at the same check, with the same words.
                Assert.EndsWith(verdict.Reason, reason, StringComparison.Ordinal);
            }

            counts[verdict.Outcome] = counts.GetValueOrDefault(verdict.Outcome) + 1;
        }

        Assert.All(Enum.GetValues<UnimodalityOutcome>(), o => Assert.True(counts.GetValueOrDefault(o) >= 30, $"{o}: {counts.GetValueOrDefault(o)} of 300"));
    }

    /// <summary>The verdict against the layout's brute-force screen; the dip to the round-off of bounds on an exact measure.</summary>
    private static void AssertMatchesReference(ShellLayout layout, FrontierFitOptions options, UnimodalityVerdict verdict, string context = "")
    {
        var reference = layout.Screen(options);
        context = $"{context} energies [{string.Join(", ", layout.Energies.Select(e => e.ToString("g3")))}] nodes [{string.Join(", ", layout.NodesPerShell)}]: {verdict.Reason}";
        Assert.True(reference.ShellsTested == verdict.ShellsTested, $"{context}; shells tested {reference.ShellsTested} expected");
        Assert.True(reference.PeakShell == verdict.PeakShell, $"{context}; peak {reference.PeakShell} expected");
        if (reference.Undecided)
        {
            Assert.True(verdict.Outcome == UnimodalityOutcome.Undecided, context);
            return;
        }

        var roundOff = layout.DipRelativeRoundOff();
        Assert.True(Math.Abs(verdict.DipDepth - reference.Depth) <= reference.Depth * roundOff,
            $"{context}; dip {verdict.DipDepth:R}, brute force {reference.Depth:R}, allowed relative {roundOff:g2}");
        Assert.True(reference.LeftShell == verdict.DipLeftShell && reference.RightShell == verdict.DipRightShell,
            $"{context}; dip between {verdict.DipLeftShell} and {verdict.DipRightShell}, brute force {reference.LeftShell} and {reference.RightShell}");

        // The outcome follows from the depth, unless the depth is within round-off of the tolerance.
        if (Math.Abs(reference.Depth - options.UnimodalityTolerance) > reference.Depth * roundOff)
        {
            var expected = reference.Depth > options.UnimodalityTolerance ? UnimodalityOutcome.NotUnimodal : UnimodalityOutcome.Unimodal;
            Assert.True(expected == verdict.Outcome, $"{context}; {expected} expected");
        }
    }

    /// <summary>Default settings, a stricter tolerance, and the sparse-top rule off, in turn.</summary>
    private static FrontierFitOptions OptionsFor(int trial) => (trial % 3) switch
    {
        0 => new FrontierFitOptions(),
        1 => new FrontierFitOptions { UnimodalityTolerance = 2 },
        _ => new FrontierFitOptions { MinimumOccupancy = 0 },
    };

    /// <summary>
    /// 1 to 10 shells; each empty with probability 0.15, else 1 to 6 nodes; energies log-uniform over three decades, and
    /// with probability 0.1 a shell far down (1e-8 of the others) to exercise the dynamic range.
    /// </summary>
    private static ShellLayout RandomLayout(Random random)
    {
        var count = random.Next(1, 11);
        var energies = new double[count];
        var nodes = new int[count];
        for (var k = 0; k < count; k++)
        {
            var roll = random.NextDouble();
            energies[k] = roll < 0.15 ? 0 : Math.Pow(10, -3 * random.NextDouble()) * (roll > 0.9 ? 1e-8 : 1);
            nodes[k] = random.Next(1, 7);
        }

        if (energies.All(e => e == 0))
        {
            energies[0] = 1;
        }

        return new ShellLayout(random.Next(-8, 4), energies, nodes);
    }

    /// <summary>
    /// The profile of k ∈ [3, 12] Lanczos steps on each of <paramref name="batches"/> dense measures (60 nodes log-spread
    /// over 2 to 6 decades, random weights): the leading k×k block of the measure's Jacobi matrix is exactly what k steps
    /// of Lanczos produce, and without breakdown its bounds are wider than its estimates. The floor sits half an octave
    /// below the smallest node, so the profile spans the spectrum and not 30 empty shells below it.
    /// </summary>
    private static ShellProfile TruncatedLanczosProfile(Random random, int batches)
    {
        var components = new JacobiMatrix[batches];
        var smallest = double.PositiveInfinity;
        for (var b = 0; b < batches; b++)
        {
            var decades = 2 + (4 * random.NextDouble());
            var nodes = Enumerable.Range(0, 60).Select(i => Math.Pow(10, -decades + (decades * i / 59.0) + (0.01 * random.NextDouble()))).ToArray();
            var weights = nodes.Select(_ => Math.Pow(10, -2 * random.NextDouble())).ToArray();
            smallest = Math.Min(smallest, nodes[0]);
            var full = JacobiMatrix.FromDiscreteMeasure(nodes, weights);
            var k = random.Next(3, 13);
            components[b] = new JacobiMatrix(full.Alpha.Take(k).ToArray(), full.Beta.Take(k).ToArray(), full.Mass, brokeDown: false);
        }

        return ShellProfile.Compute(new SpectralMeasure(components), new ShellGrid(2), NullFloor.Absolute(smallest / Math.Sqrt(2)));
    }
}
