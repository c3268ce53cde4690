using System.Globalization;
using Prometheus;
using TrainMonitor.Outputs;
using TrainMonitor.Regimes;
using TrainMonitor.Session;
using TrainMonitor.Shells;

namespace TrainMonitor.Prometheus.Tests;

public sealed class PrometheusSinkTests
{
    /// <summary>DESIGN §3.2 plus the brief's additions, spelled out literally (not through PrometheusMetricNames) so a renamed constant fails here.</summary>
    public static TheoryData<string, string> DesignNames => new()
    {
        { "trainmonitor_shell_energy", "gauge" },
        { "trainmonitor_shell_occupancy", "gauge" },
        { "trainmonitor_error_energy", "gauge" },
        { "trainmonitor_training_loss", "gauge" },
        { "trainmonitor_probe_loss", "gauge" },
        { "trainmonitor_null_energy", "gauge" },
        { "trainmonitor_frontier_lambda", "gauge" },
        { "trainmonitor_frontier_energy_fraction", "gauge" },
        { "trainmonitor_frontier_fit_lambda", "gauge" },
        { "trainmonitor_frontier_tail_exponent", "gauge" },
        { "trainmonitor_frontier_fit_r2", "gauge" },
        { "trainmonitor_frontier_outlier_energy", "gauge" },
        { "trainmonitor_frontier_velocity", "gauge" },
        { "trainmonitor_predicted_loss_exponent", "gauge" },
        { "trainmonitor_measured_loss_exponent", "gauge" },
        { "trainmonitor_spectral_position", "gauge" },
        { "trainmonitor_lambda_max", "gauge" },
        { "trainmonitor_stability_margin", "gauge" },
        { "trainmonitor_kernel_distance", "gauge" },
        { "trainmonitor_kernel_velocity", "gauge" },
        { "trainmonitor_output_change", "gauge" },
        { "trainmonitor_regime", "gauge" },
        { "trainmonitor_shell_dissipation", "gauge" },
        { "trainmonitor_shell_flux", "gauge" },
        { "trainmonitor_transport_fraction", "gauge" },
        { "trainmonitor_training_step", "gauge" },
        { "trainmonitor_probes_total", "counter" },
        { "trainmonitor_probe_failures_total", "counter" },
        { "trainmonitor_probes_skipped_total", "counter" },
        { "trainmonitor_probes_postponed_total", "counter" },
        { "trainmonitor_probe_duration_seconds", "histogram" },
        { "trainmonitor_operator_applications_total", "counter" },
        { "trainmonitor_overhead_ratio", "gauge" },
    };

    private static (string, string) Run(string run) => ("run", run);

    private static MonitorStatus Status(string run, long step, long probes = 0, long failures = 0, long skipped = 0, long applications = 0, double overhead = double.NaN) => new()
    {
        Run = run,
        TrainingStep = step,
        ProbesTotal = probes,
        ProbeFailuresTotal = failures,
        ProbesSkippedTotal = skipped,
        OperatorApplicationsTotal = applications,
        OverheadRatio = overhead,
    };

    [Theory]
    [MemberData(nameof(DesignNames))]
    public async Task EveryDesignName_IsExported_WithHelpTypeAndRunLabel(string name, string type)
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        sink.Track(() => Status("run-a", step: 120, probes: 1, failures: 1, skipped: 1, applications: 640, overhead: 0.1));
        await sink.WriteAsync(new ProbeCompleted(Snapshots.WithBudget(Snapshots.Probe())), CancellationToken.None);

        var text = await ExpositionText.ScrapeAsync(registry);
        var family = text.Family(name);

        Assert.False(string.IsNullOrWhiteSpace(family.Help), $"{name} has no HELP text.");
        Assert.True(family.Help!.Length >= 20, $"{name} HELP is too terse to say what it is and its unit: '{family.Help}'.");
        Assert.Equal(type, family.Type);
        Assert.NotEmpty(family.Samples);
        Assert.All(family.Samples, s => Assert.Equal("run-a", s.Label("run")));
    }

    [Fact]
    public async Task ExportedNames_AreExactlyTheDesignNames()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        sink.Track(() => Status("run-a", step: 120, probes: 1));
        await sink.WriteAsync(new ProbeCompleted(Snapshots.WithBudget(Snapshots.Probe())), CancellationToken.None);

        var text = await ExpositionText.ScrapeAsync(registry);

        var expected = DesignNames.Select(row => (string)row[0]).Order(StringComparer.Ordinal);
        Assert.Equal(expected, text.Families.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GaugeValues_EqualTheSnapshot()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        var snapshot = Snapshots.Probe(step: 250);
        await sink.WriteAsync(new ProbeCompleted(snapshot), CancellationToken.None);

        var text = await ExpositionText.ScrapeAsync(registry);
        var a = Run("run-a");

        Assert.Equal(snapshot.ErrorEnergy, text.Value("trainmonitor_error_energy", a));
        Assert.Equal(0.5, text.Value("trainmonitor_training_loss", a));
        Assert.Equal(0.21875, text.Value("trainmonitor_probe_loss", a));
        Assert.Equal(snapshot.NullEnergy, text.Value("trainmonitor_null_energy", a));
        // Literal values of Snapshots.Probe, so a sink that swapped two fields (or exported the fit as the frontier) fails.
        Assert.Equal(3, text.Find("trainmonitor_frontier_lambda", a).Count);
        Assert.Equal(0.00390625, text.Value("trainmonitor_frontier_lambda", a, ("bound", "estimate")));
        Assert.Equal(0.001953125, text.Value("trainmonitor_frontier_lambda", a, ("bound", "lower")));
        Assert.Equal(0.0078125, text.Value("trainmonitor_frontier_lambda", a, ("bound", "upper")));
        Assert.Equal(0.5, text.Value("trainmonitor_frontier_energy_fraction", a));
        Assert.Equal(0.0048828125, text.Value("trainmonitor_frontier_fit_lambda", a));
        Assert.Equal(1.25, text.Value("trainmonitor_frontier_tail_exponent", a));
        Assert.Equal(0.96875, text.Value("trainmonitor_frontier_fit_r2", a));
        Assert.Equal(0.03125, text.Value("trainmonitor_frontier_outlier_energy", a));
        Assert.Equal(snapshot.Assessment.FrontierVelocity, text.Value("trainmonitor_frontier_velocity", a));
        Assert.Equal(snapshot.Assessment.PredictedLossExponent, text.Value("trainmonitor_predicted_loss_exponent", a));
        Assert.Equal(snapshot.Assessment.MeasuredLossExponent, text.Value("trainmonitor_measured_loss_exponent", a));
        Assert.Equal(snapshot.SpectralPosition, text.Value("trainmonitor_spectral_position", a));
        Assert.Equal(snapshot.LambdaMax, text.Value("trainmonitor_lambda_max", a));
        Assert.Equal(snapshot.Assessment.StabilityMargin, text.Value("trainmonitor_stability_margin", a));
        Assert.Equal(snapshot.Assessment.KernelDistance, text.Value("trainmonitor_kernel_distance", a));
        Assert.Equal(snapshot.Assessment.KernelVelocity, text.Value("trainmonitor_kernel_velocity", a));
        Assert.Equal(0.0078125, text.Value("trainmonitor_output_change", a));
        Assert.Equal(snapshot.OverheadRatio, text.Value("trainmonitor_overhead_ratio", a));
        Assert.Equal(250, text.Value("trainmonitor_training_step", a));

        Assert.Equal(3 * snapshot.Shells.Count, text.Find("trainmonitor_shell_energy", a).Count);
        foreach (var shell in snapshot.Shells)
        {
            var index = ("shell", shell.Index.ToString(CultureInfo.InvariantCulture));
            var lower = ("lambda_lower", Math.Pow(4, shell.Index).ToString("G6", CultureInfo.InvariantCulture));
            Assert.Equal(shell.Estimate, text.Value("trainmonitor_shell_energy", a, index, lower, ("bound", "estimate")));
            Assert.Equal(shell.Lower, text.Value("trainmonitor_shell_energy", a, index, lower, ("bound", "lower")));
            Assert.Equal(shell.Upper, text.Value("trainmonitor_shell_energy", a, index, lower, ("bound", "upper")));
        }

        // Shells 0..4 hold 3, 5, 7, 9, 11 nodes; one occupancy series per shell, labelled like its energy.
        var occupancy = text.Find("trainmonitor_shell_occupancy", a);
        Assert.Equal(
            ["0|1|3", "1|4|5", "2|16|7", "3|64|9", "4|256|11"],
            occupancy.Select(s => $"{s.Label("shell")}|{s.Label("lambda_lower")}|{s.Value.ToString(CultureInfo.InvariantCulture)}").Order(StringComparer.Ordinal));
        Assert.All(occupancy, s => Assert.False(s.Labels.ContainsKey("bound")));
    }

    [Fact]
    public async Task FrontierUpperEnd_WithoutACertifiedBound_IsExportedAsPlusInf()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        var snapshot = Snapshots.Probe() with
        {
            Frontier = Snapshots.Probe().Frontier with { Lambda = 0.25, LambdaLower = 0.125, LambdaUpper = double.PositiveInfinity, EnergyFraction = 0.75 },
        };
        await sink.WriteAsync(new ProbeCompleted(snapshot), CancellationToken.None);

        var text = await ExpositionText.ScrapeAsync(registry);
        var a = Run("run-a");
        Assert.Equal(0.25, text.Value("trainmonitor_frontier_lambda", a, ("bound", "estimate")));
        Assert.Equal(0.125, text.Value("trainmonitor_frontier_lambda", a, ("bound", "lower")));
        Assert.Equal(double.PositiveInfinity, text.Value("trainmonitor_frontier_lambda", a, ("bound", "upper")));
        // prometheus-net writes .NET's "Infinity"; Prometheus parses sample values with Go's ParseFloat, which takes it as +Inf.
        var upper = text.Text.Split('\n').Single(l => l.StartsWith("trainmonitor_frontier_lambda{", StringComparison.Ordinal) && l.Contains("bound=\"upper\"", StringComparison.Ordinal));
        Assert.Matches(@"^trainmonitor_frontier_lambda\{run=""run-a"",run_id="""",bound=""upper""\} (\+Inf|Infinity)$", upper);
        Assert.Equal(0.75, text.Value("trainmonitor_frontier_energy_fraction", a));
    }

    [Fact]
    public async Task UndeterminedFrontier_ExportsNaNForAllThreeBounds_EvenIfTheSnapshotCarriesNumbers()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        // A snapshot read from a file may carry stale numbers next to a reason; the reason decides.
        var snapshot = Snapshots.Probe() with
        {
            Frontier = Snapshots.Probe().Frontier with { Reason = "all error energy lies below the null floor" },
        };
        await sink.WriteAsync(new ProbeCompleted(snapshot), CancellationToken.None);

        var text = await ExpositionText.ScrapeAsync(registry);
        foreach (var bound in new[] { "estimate", "lower", "upper" })
        {
            Assert.True(double.IsNaN(text.Value("trainmonitor_frontier_lambda", Run("run-a"), ("bound", bound))), $"bound {bound} should be NaN.");
        }

        // The fit is a separate quantity with its own reason: still exported.
        Assert.Equal(0.0048828125, text.Value("trainmonitor_frontier_fit_lambda", Run("run-a")));
    }

    [Fact]
    public async Task UnknownQuantities_AreExportedAsNaN()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        var snapshot = Snapshots.Probe() with
        {
            TrainingLoss = null,
            ProbeLoss = double.NaN,
            Frontier = new FrontierSnapshot(double.NaN, double.NaN, double.NaN, 0.5, "the error is zero", FrontierFitSnapshot.Missing("too few shells")),
            Assessment = new RegimeAssessment { Regime = TrainingRegime.WarmingUp, Reason = "first probe" },
        };
        await sink.WriteAsync(new ProbeCompleted(snapshot), CancellationToken.None);

        var text = await ExpositionText.ScrapeAsync(registry);

        foreach (var bound in new[] { "estimate", "lower", "upper" })
        {
            Assert.True(double.IsNaN(text.Value("trainmonitor_frontier_lambda", Run("run-a"), ("bound", bound))), $"frontier_lambda bound {bound} should be NaN.");
        }

        foreach (var name in new[]
                 {
                     "trainmonitor_frontier_fit_lambda", "trainmonitor_frontier_tail_exponent", "trainmonitor_frontier_fit_r2",
                     "trainmonitor_frontier_outlier_energy",
                     "trainmonitor_frontier_velocity", "trainmonitor_predicted_loss_exponent", "trainmonitor_measured_loss_exponent",
                     "trainmonitor_stability_margin", "trainmonitor_kernel_distance", "trainmonitor_kernel_velocity",
                     "trainmonitor_output_change", "trainmonitor_training_loss", "trainmonitor_probe_loss",
                 })
        {
            Assert.True(double.IsNaN(text.Value(name, Run("run-a"))), $"{name} should be NaN.");
        }

        Assert.Contains("trainmonitor_frontier_lambda{run=\"run-a\",run_id=\"\",bound=\"estimate\"} NaN", text.Text);
        Assert.Equal(0.5, text.Value("trainmonitor_frontier_energy_fraction", Run("run-a")));
        Assert.Equal(snapshot.ErrorEnergy, text.Value("trainmonitor_error_energy", Run("run-a")));
    }

    [Fact]
    public async Task RegimeStateSet_HasExactlyOneOne_ForTheCurrentRegime()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        var sequence = new[]
        {
            TrainingRegime.WarmingUp, TrainingRegime.FeatureLearning, TrainingRegime.LazyProgressing, TrainingRegime.LazyStagnant, TrainingRegime.Unstable,
            TrainingRegime.Overfitting, TrainingRegime.NotLearning, TrainingRegime.FeatureLearning,
        };

        for (var i = 0; i < sequence.Length; i++)
        {
            await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(step: 100 * (i + 1), probeIndex: i + 1, regime: sequence[i])), CancellationToken.None);
            var samples = (await ExpositionText.ScrapeAsync(registry)).Find("trainmonitor_regime", Run("run-a"));

            Assert.Equal(TrainingRegimeNames.All.Select(r => r.ToWireName()).Order(), samples.Select(s => s.Label("regime")).Order());
            var on = Assert.Single(samples, s => s.Value == 1);
            Assert.Equal(sequence[i].ToWireName(), on.Label("regime"));
            Assert.All(samples.Where(s => s != on), s => Assert.Equal(0, s.Value));
        }
    }

    [Fact]
    public async Task ShellSeries_OfDroppedShells_Disappear()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(shells: Snapshots.Shells(0, 6))), CancellationToken.None);

        // Next probe: shells 0–1 fell below the floor, which moved up into shell 2, and shell 6 appeared above.
        var next = Snapshots.Shells(2, 5, floor: 20);
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(step: 200, probeIndex: 2, shells: next)), CancellationToken.None);

        var samples = (await ExpositionText.ScrapeAsync(registry)).Find("trainmonitor_shell_energy", Run("run-a"));
        var expected = next
            .SelectMany(s => new[] { "estimate", "lower", "upper" }.Select(b => $"{s.Index}|{GridEdge(s.Index)}|{b}"))
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, samples.Select(s => $"{s.Label("shell")}|{s.Label("lambda_lower")}|{s.Label("bound")}").Order(StringComparer.Ordinal));

        var occupancy = (await ExpositionText.ScrapeAsync(registry)).Find("trainmonitor_shell_occupancy", Run("run-a"));
        Assert.Equal(
            next.Select(s => $"{s.Index}|{GridEdge(s.Index)}|{2 * s.Index + 3}").Order(StringComparer.Ordinal),
            occupancy.Select(s => $"{s.Label("shell")}|{s.Label("lambda_lower")}|{s.Value.ToString(CultureInfo.InvariantCulture)}").Order(StringComparer.Ordinal));

        // A probe with no shells at all leaves none.
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(step: 300, probeIndex: 3, shells: [])), CancellationToken.None);
        var empty = await ExpositionText.ScrapeAsync(registry);
        Assert.Empty(empty.Find("trainmonitor_shell_energy", Run("run-a")));
        Assert.Empty(empty.Find("trainmonitor_shell_occupancy", Run("run-a")));
    }

    [Fact]
    public async Task AShellsLabelsStayTheSameWhenTheNullFloorInsideItMoves()
    {
        // The floor follows λ_max and moves at nearly every probe; in the snapshot it is the bottom shell's lower edge. The
        // labels must not follow it, or every probe starts a new series for that shell (and for its energy budget rows).
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        var labelSets = new List<string[]>();
        var step = 100L;
        foreach (var floor in new[] { 17.0, 23.5, 31.25, 47.0, 60.0 })
        {
            var snapshot = Snapshots.WithBudget(Snapshots.Probe(step: step, probeIndex: step / 100, shells: Snapshots.Shells(2, 3, floor: floor)) with { NullFloor = floor });
            await sink.WriteAsync(new ProbeCompleted(snapshot), CancellationToken.None);
            step += 100;
            var text = await ExpositionText.ScrapeAsync(registry);
            labelSets.Add([.. new[] { "trainmonitor_shell_energy", "trainmonitor_shell_occupancy", "trainmonitor_shell_dissipation", "trainmonitor_shell_flux" }
                .SelectMany(name => text.Find(name, Run("run-a")).Select(s => $"{name}|{s.Label("shell")}|{s.Label("lambda_lower")}|{(s.Labels.TryGetValue("bound", out var b) ? b : "")}"))
                .Order(StringComparer.Ordinal)]);
        }

        Assert.All(labelSets, set => Assert.Equal(labelSets[0], set));
        Assert.Contains("trainmonitor_shell_energy|2|16|estimate", labelSets[0]);
        Assert.Contains("trainmonitor_shell_flux|2|16|estimate", labelSets[0]);
        Assert.Equal(3 * (3 + 1 + 3 + 3), labelSets[0].Length);
    }

    private static string GridEdge(int index) => Math.Pow(4, index).ToString("G6", CultureInfo.InvariantCulture);

    [Fact]
    public async Task EnergyBudget_IsExportedPerShellWithBounds_AndGoesWithAProbeThatHasNone()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        var snapshot = Snapshots.WithBudget(Snapshots.Probe(step: 250));
        await sink.WriteAsync(new ProbeCompleted(snapshot), CancellationToken.None);

        var text = await ExpositionText.ScrapeAsync(registry);
        var a = Run("run-a");
        Assert.Equal(0.375, text.Value("trainmonitor_transport_fraction", a, ("bound", "estimate")));
        Assert.Equal(0.25, text.Value("trainmonitor_transport_fraction", a, ("bound", "lower")));
        Assert.Equal(0.5, text.Value("trainmonitor_transport_fraction", a, ("bound", "upper")));
        for (var i = 0; i < snapshot.Shells.Count; i++)
        {
            var d = snapshot.Dissipation!.Shells[i];
            var t = snapshot.Transport!.Shells[i];
            var index = ("shell", d.Index.ToString(CultureInfo.InvariantCulture));
            var lower = ("lambda_lower", Math.Pow(4, d.Index).ToString("G6", CultureInfo.InvariantCulture));
            Assert.Equal(d.Estimate, text.Value("trainmonitor_shell_dissipation", a, index, lower, ("bound", "estimate")));
            Assert.Equal(d.Lower, text.Value("trainmonitor_shell_dissipation", a, index, lower, ("bound", "lower")));
            Assert.Equal(d.Upper, text.Value("trainmonitor_shell_dissipation", a, index, lower, ("bound", "upper")));
            Assert.Equal(t.Flux, text.Value("trainmonitor_shell_flux", a, index, lower, ("bound", "estimate")));
            Assert.Equal(t.FluxLower, text.Value("trainmonitor_shell_flux", a, index, lower, ("bound", "lower")));
            Assert.Equal(t.FluxUpper, text.Value("trainmonitor_shell_flux", a, index, lower, ("bound", "upper")));
        }

        // The next probe has no budget (a step came without a learning rate): the per-shell series go, the fraction is NaN,
        // and the shell energies stay.
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(step: 300, probeIndex: 2)), CancellationToken.None);
        var next = await ExpositionText.ScrapeAsync(registry);
        Assert.Empty(next.Find("trainmonitor_shell_dissipation", a));
        Assert.Empty(next.Find("trainmonitor_shell_flux", a));
        Assert.True(double.IsNaN(next.Value("trainmonitor_transport_fraction", a, ("bound", "estimate"))));
        Assert.NotEmpty(next.Find("trainmonitor_shell_energy", a));
    }

    [Fact]
    public async Task ShellOccupancy_ThatIsNotKnown_IsNotExported_AndDropsTheSameShellsOldCount()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(shells: Snapshots.Shells(0, 3))), CancellationToken.None);
        Assert.Equal(5, (await ExpositionText.ScrapeAsync(registry)).Value("trainmonitor_shell_occupancy", Run("run-a"), ("shell", "1")));

        // Same shells, same edges, but no recorded counts (a file from before occupancy existed): energies stay, counts go.
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(step: 200, probeIndex: 2, shells: Snapshots.Shells(0, 3, occupancy: false))), CancellationToken.None);
        var text = await ExpositionText.ScrapeAsync(registry);
        Assert.Equal(9, text.Find("trainmonitor_shell_energy", Run("run-a")).Count);
        Assert.Empty(text.Find("trainmonitor_shell_occupancy", Run("run-a")));
        Assert.DoesNotContain("trainmonitor_shell_occupancy{", text.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondRun_SeriesAreIndependent()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        var a = Snapshots.Probe(run: "run-a", errorEnergy: 0.5, regime: TrainingRegime.LazyStagnant, shells: Snapshots.Shells(0, 4));
        await sink.WriteAsync(new ProbeCompleted(a), CancellationToken.None);
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(run: "run-b", errorEnergy: 0.25, regime: TrainingRegime.FeatureLearning, shells: Snapshots.Shells(0, 8, scale: 2))), CancellationToken.None);
        // run-b's next probe drops most of its shells; run-a's must stay.
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(run: "run-b", step: 200, probeIndex: 2, errorEnergy: 0.125, regime: TrainingRegime.Unstable, shells: Snapshots.Shells(6, 2, scale: 2))), CancellationToken.None);

        var text = await ExpositionText.ScrapeAsync(registry);

        Assert.Equal(0.5, text.Value("trainmonitor_error_energy", Run("run-a")));
        Assert.Equal(0.125, text.Value("trainmonitor_error_energy", Run("run-b")));
        Assert.Equal(1, text.Value("trainmonitor_regime", Run("run-a"), ("regime", "lazy_stagnant")));
        Assert.Equal(1, text.Value("trainmonitor_regime", Run("run-b"), ("regime", "unstable")));
        Assert.Equal(0, text.Value("trainmonitor_regime", Run("run-b"), ("regime", "feature_learning")));
        Assert.Equal(12, text.Find("trainmonitor_shell_energy", Run("run-a")).Count);
        Assert.Equal(6, text.Find("trainmonitor_shell_energy", Run("run-b")).Count);
        Assert.Equal(a.Shells[1].Upper, text.Value("trainmonitor_shell_energy", Run("run-a"), ("shell", "1"), ("bound", "upper")));
        Assert.Equal(1, text.Value("trainmonitor_probe_duration_seconds_count", Run("run-a")));
        Assert.Equal(2, text.Value("trainmonitor_probe_duration_seconds_count", Run("run-b")));
    }

    [Fact]
    public async Task StatusCounters_FollowChangingStatus_BetweenScrapes()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        var a = Status("run-a", step: 10);
        var b = Status("run-b", step: 7, probes: 4);
        sink.Track(() => Volatile.Read(ref a));
        sink.Track(() => Volatile.Read(ref b));

        var first = await ExpositionText.ScrapeAsync(registry);
        Assert.Equal(10, first.Value("trainmonitor_training_step", Run("run-a")));
        Assert.Equal(0, first.Value("trainmonitor_probes_total", Run("run-a")));
        Assert.True(double.IsNaN(first.Value("trainmonitor_overhead_ratio", Run("run-a"))));
        Assert.Equal(4, first.Value("trainmonitor_probes_total", Run("run-b")));

        // Training goes on between probes: no event reaches the sink, the scrape still sees the new step.
        Volatile.Write(ref a, Status("run-a", step: 1_000, probes: 3, failures: 1, skipped: 2, applications: 1_920, overhead: 0.0625));
        var second = await ExpositionText.ScrapeAsync(registry);
        Assert.Equal(1_000, second.Value("trainmonitor_training_step", Run("run-a")));
        Assert.Equal(3, second.Value("trainmonitor_probes_total", Run("run-a")));
        Assert.Equal(1, second.Value("trainmonitor_probe_failures_total", Run("run-a")));
        Assert.Equal(2, second.Value("trainmonitor_probes_skipped_total", Run("run-a")));
        Assert.Equal(1_920, second.Value("trainmonitor_operator_applications_total", Run("run-a")));
        Assert.Equal(0.0625, second.Value("trainmonitor_overhead_ratio", Run("run-a")));
        Assert.Equal(7, second.Value("trainmonitor_training_step", Run("run-b")));
        Assert.Equal(4, second.Value("trainmonitor_probes_total", Run("run-b")));

        // A probe for an older step (background probe finishing late) does not move the live step back.
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(step: 900)), CancellationToken.None);
        Assert.Equal(1_000, (await ExpositionText.ScrapeAsync(registry)).Value("trainmonitor_training_step", Run("run-a")));
    }

    [Fact]
    public async Task Untracking_StopsReadingStatus_AndAThrowingProviderDoesNotBreakTheScrape()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        var reads = 0;
        var handle = sink.Track(() => { reads++; return Status("run-a", step: reads); });
        sink.Track(() => throw new InvalidOperationException("monitor disposed"));

        var first = await ExpositionText.ScrapeAsync(registry);
        Assert.Equal(1, first.Value("trainmonitor_training_step", Run("run-a")));

        handle.Dispose();
        handle.Dispose();
        var second = await ExpositionText.ScrapeAsync(registry);
        Assert.Equal(1, reads);
        Assert.Equal(1, second.Value("trainmonitor_training_step", Run("run-a")));
    }

    [Fact]
    public async Task ProbeDurationHistogram_ObservesEachProbe()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(durationSeconds: 0.02)), CancellationToken.None);
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(step: 200, probeIndex: 2, durationSeconds: 240)), CancellationToken.None);
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(step: 300, probeIndex: 3, durationSeconds: double.NaN)), CancellationToken.None);

        var text = await ExpositionText.ScrapeAsync(registry);
        var a = Run("run-a");

        Assert.Equal(2, text.Value("trainmonitor_probe_duration_seconds_count", a));
        Assert.Equal(240.02, text.Value("trainmonitor_probe_duration_seconds_sum", a), 9);
        Assert.Equal(0, text.Value("trainmonitor_probe_duration_seconds_bucket", a, ("le", "0.01")));
        Assert.Equal(1, text.Value("trainmonitor_probe_duration_seconds_bucket", a, ("le", "0.025")));
        Assert.Equal(1, text.Value("trainmonitor_probe_duration_seconds_bucket", a, ("le", "120")));
        Assert.Equal(2, text.Value("trainmonitor_probe_duration_seconds_bucket", a, ("le", "300")));
        Assert.Equal(2, text.Value("trainmonitor_probe_duration_seconds_bucket", a, ("le", "600")));
        Assert.Equal(2, text.Value("trainmonitor_probe_duration_seconds_bucket", a, ("le", "+Inf")));
    }

    [Fact]
    public async Task FailedSkippedAndRegimeChangedEvents_DoNotThrow_AndSetTheCountersTheyCarry()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        var at = DateTimeOffset.UnixEpoch;

        await sink.WriteAsync(new ProbeFailed("run-a", 10, at, "OutOfMemoryException", "no memory", FailuresTotal: 1), CancellationToken.None);
        await sink.WriteAsync(new ProbeFailed("run-a", 20, at, "ArithmeticException", "NaN error", FailuresTotal: 2), CancellationToken.None);
        await sink.WriteAsync(new ProbeSkipped("run-a", 30, at, "previous probe still running", SkippedTotal: 5), CancellationToken.None);
        await sink.WriteAsync(new RegimeChanged("run-a", 40, at, TrainingRegime.WarmingUp, TrainingRegime.LazyStagnant, "frozen"), CancellationToken.None);
        await sink.FlushAsync(CancellationToken.None);

        var text = await ExpositionText.ScrapeAsync(registry);
        Assert.Equal(2, text.Value("trainmonitor_probe_failures_total", Run("run-a")));
        Assert.Equal(5, text.Value("trainmonitor_probes_skipped_total", Run("run-a")));
        // The regime state set comes from snapshots only.
        Assert.Empty(text.Find("trainmonitor_regime"));
    }

    [Fact]
    public async Task RemoveRun_RemovesEverySeriesOfThatRun_AndOnlyThatRun()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(run: "run-a")), CancellationToken.None);
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(run: "run-b")), CancellationToken.None);
        await sink.WriteAsync(new ProbeFailed("run-a", 10, DateTimeOffset.UnixEpoch, "X", "x", 1), CancellationToken.None);
        var tracking = sink.Track(() => Status("run-a", step: 500, probes: 1, applications: 640));
        await ExpositionText.ScrapeAsync(registry);

        tracking.Dispose();
        sink.RemoveRun("run-a");

        var text = await ExpositionText.ScrapeAsync(registry);
        var samples = text.Families.Values.SelectMany(f => f.Samples).ToList();
        Assert.DoesNotContain(samples, s => s.Labels.GetValueOrDefault("run") == "run-a");
        Assert.Contains(samples, s => s.Labels.GetValueOrDefault("run") == "run-b" && s.Name == "trainmonitor_shell_energy");
        Assert.Equal(0.4375, text.Value("trainmonitor_error_energy", Run("run-b")));
    }

    [Fact]
    public async Task EverySeriesCarriesTheRunId_OfTheSnapshotsTheStatusAndTheFailureEvents()
    {
        const string id = "0197a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        await sink.WriteAsync(new ProbeFailed("run-a", 10, DateTimeOffset.UnixEpoch, "X", "x", 1) { RunId = id }, CancellationToken.None);
        await sink.WriteAsync(new ProbeSkipped("run-a", 20, DateTimeOffset.UnixEpoch, "busy", 1) { RunId = id }, CancellationToken.None);
        await sink.WriteAsync(new ProbeCompleted(Snapshots.WithBudget(Snapshots.Probe()) with { RunId = id }), CancellationToken.None);
        sink.Track(() => Status("run-a", step: 120, probes: 1, failures: 1, skipped: 1, applications: 640, overhead: 0.1) with { RunId = id });

        var text = await ExpositionText.ScrapeAsync(registry);

        var samples = text.Families.Values.SelectMany(f => f.Samples).ToArray();
        Assert.Equal(DesignNames.Count(), text.Families.Count);
        Assert.All(samples, s => Assert.Equal((s.Name, "run-a", id), (s.Name, s.Label("run"), s.Label("run_id"))));
    }

    [Fact]
    public async Task TwoRunsOfOneName_AreSeparateSeriesByRunId_AndRemoveRunRemovesBoth()
    {
        // A rerun under the same name (or two monitors of one name in one process): without the run id its figures would
        // overwrite the first run's in the same series, and the first run's extra shells would linger beside them.
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(errorEnergy: 0.5, regime: TrainingRegime.LazyStagnant, shells: Snapshots.Shells(0, 5)) with { RunId = "first" }), CancellationToken.None);
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(errorEnergy: 0.25, regime: TrainingRegime.FeatureLearning, shells: Snapshots.Shells(2, 2)) with { RunId = "second" }), CancellationToken.None);
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(run: "run-b")), CancellationToken.None);
        var tracking = new[] { "first", "second" }.Select(id => sink.Track(() => Status("run-a", step: 300, probes: 1) with { RunId = id })).ToArray();

        var text = await ExpositionText.ScrapeAsync(registry);
        Assert.Equal(0.5, text.Value("trainmonitor_error_energy", Run("run-a"), ("run_id", "first")));
        Assert.Equal(0.25, text.Value("trainmonitor_error_energy", Run("run-a"), ("run_id", "second")));
        Assert.Equal(1, text.Value("trainmonitor_regime", Run("run-a"), ("run_id", "first"), ("regime", "lazy_stagnant")));
        Assert.Equal(1, text.Value("trainmonitor_regime", Run("run-a"), ("run_id", "second"), ("regime", "feature_learning")));
        Assert.Equal(15, text.Find("trainmonitor_shell_energy", Run("run-a"), ("run_id", "first")).Count);
        Assert.Equal(6, text.Find("trainmonitor_shell_energy", Run("run-a"), ("run_id", "second")).Count);
        Assert.Equal(2, text.Find("trainmonitor_training_step", Run("run-a")).Count);

        foreach (var handle in tracking)
        {
            handle.Dispose();
        }

        sink.RemoveRun("run-a");
        var after = await ExpositionText.ScrapeAsync(registry);
        Assert.DoesNotContain(after.Families.Values.SelectMany(f => f.Samples), s => s.Label("run") == "run-a");
        Assert.Equal(0.4375, after.Value("trainmonitor_error_energy", Run("run-b")));

        // The run comes back under the same name: its shells are exported afresh (nothing of the removed run is remembered).
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(shells: Snapshots.Shells(0, 2)) with { RunId = "third" }), CancellationToken.None);
        Assert.Equal(6, (await ExpositionText.ScrapeAsync(registry)).Find("trainmonitor_shell_energy", Run("run-a")).Count);
    }

    [Fact]
    public async Task RunLabel_WithQuotesAndBackslashes_RoundTrips()
    {
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        const string run = "mlp \"wide\" C:\\runs";
        await sink.WriteAsync(new ProbeCompleted(Snapshots.Probe(run: run)), CancellationToken.None);

        var text = await ExpositionText.ScrapeAsync(registry);
        Assert.Equal(0.4375, text.Value("trainmonitor_error_energy", Run(run)));
    }
}
