using System.Globalization;
using System.Text;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.JsonLines;
using TrainMonitor.Outputs.Reporting;
using TrainMonitor.Regimes;
using static TrainMonitor.Testing.AssertionMessageText;

namespace TrainMonitor.Testing;

/// <summary>
/// The outcome of a monitored training run: its probe snapshots, its probe failures and where its artifacts are, with
/// assertions on its dynamics. Every assertion returns the run, so they chain, and throws
/// <see cref="TrainingDynamicsAssertionException"/> (whose message holds the shell-profile table) when it fails.
/// </summary>
/// <remarks>
/// Build one with <see cref="MonitoredTraining"/>, from a JSON-lines file with <see cref="LoadAsync"/>, or from snapshots
/// with <see cref="FromSnapshots"/>. Immutable.
/// </remarks>
public sealed class MonitoredRun
{
    private MonitoredRun(string runName, IReadOnlyList<ProbeSnapshot> snapshots, IReadOnlyList<ProbeFailed> failures, long trainingSteps, RunArtifacts? artifacts)
    {
        RunName = runName;
        Snapshots = snapshots;
        ProbeFailures = failures;
        TrainingSteps = trainingSteps;
        Artifacts = artifacts;
    }

    /// <summary>Name of the run.</summary>
    public string RunName { get; }

    /// <summary>The completed probes, in step order.</summary>
    public IReadOnlyList<ProbeSnapshot> Snapshots { get; }

    /// <summary>The probes that failed (the run went on after each).</summary>
    public IReadOnlyList<ProbeFailed> ProbeFailures { get; }

    /// <summary>Training steps run (for a run built from snapshots: the step of the last snapshot).</summary>
    public long TrainingSteps { get; }

    /// <summary>Where the run's files are, or null when none were written.</summary>
    public RunArtifacts? Artifacts { get; }

    /// <summary>The regime at the last probe (<see cref="TrainingRegime.WarmingUp"/> when no probe completed).</summary>
    public TrainingRegime FinalRegime => Snapshots.Count > 0 ? Snapshots[^1].Assessment.Regime : TrainingRegime.WarmingUp;

    /// <summary>A run made of given snapshots, e.g. to test assertions or to assert on a run recorded elsewhere.</summary>
    /// <exception cref="ArgumentException">A snapshot is null, or the steps do not increase strictly.</exception>
    public static MonitoredRun FromSnapshots(IEnumerable<ProbeSnapshot> snapshots, IEnumerable<ProbeFailed>? failures = null,
        RunArtifacts? artifacts = null, string? runName = null, long? trainingSteps = null)
    {
        var (list, failureList) = RunSelection.Checked(snapshots, failures);
        var name = runName ?? (list.Length > 0 ? list[0].Run : failureList.FirstOrDefault()?.Run) ?? "run";
        var steps = trainingSteps ?? Math.Max(list.Length > 0 ? list[^1].Step : 0, failureList.Length > 0 ? failureList.Max(f => f.Step) : 0);
        return new MonitoredRun(name, Array.AsReadOnly(list), Array.AsReadOnly(failureList), steps, artifacts);
    }

    /// <summary>
    /// The last run recorded in a JSON-lines file (probe failures are not in that file, so the loaded run has none). The
    /// sink appends every rerun to the same file; the last run is the snapshots carrying the last line's <c>run_id</c>, or,
    /// in files written before run ids, those after the last place where the step stops increasing.
    /// </summary>
    public static async Task<MonitoredRun> LoadAsync(string jsonLinesPath, CancellationToken ct = default)
    {
        var snapshots = await JsonLinesReader.ReadAllAsync(jsonLinesPath, ct).ConfigureAwait(false);
        var path = Path.GetFullPath(jsonLinesPath);
        return FromSnapshots(RunSelection.LastRun(snapshots),
            artifacts: new RunArtifacts(Path.GetDirectoryName(path) ?? ".", path, null, null, null, null));
    }

    /// <summary>
    /// How many decades the quantile frontier λ_f moved down between the first and the last probe at which it was
    /// determined: log10(λ_f first / λ_f last), from the estimates. NaN when fewer than two probes determined it.
    /// </summary>
    public double FrontierAdvanceDecades()
    {
        var determined = DeterminedFrontiers();
        return determined.Length < 2 ? double.NaN : Math.Log10(determined[0].Frontier.Lambda / determined[^1].Frontier.Lambda);
    }

    /// <summary>
    /// How many decades of advance the certified intervals guarantee between the first and the last probe that
    /// determined λ_f: log10(certified lower end at the first / certified upper end at the last). At most
    /// <see cref="FrontierAdvanceDecades"/> (equal on exact spectra, where the intervals are points); −∞ when the last
    /// upper end is unbounded; NaN when fewer than two probes determined λ_f.
    /// </summary>
    public double CertifiedFrontierAdvanceDecades()
    {
        var determined = DeterminedFrontiers();
        return determined.Length < 2 ? double.NaN : CertifiedAdvance(determined[0], determined[^1]);
    }

    /// <summary>
    /// The error-energy exponent γ of the run, E ∝ t^(−γ): minus the least-squares slope of ln E against ln t over the
    /// probes at step ≥ <paramref name="fromStep"/> with finite E &gt; 0. NaN with fewer than two such probes.
    /// </summary>
    /// <remarks>
    /// Over the whole window, unlike the regime tracker's <see cref="RegimeAssessment.MeasuredLossExponent"/>, which uses
    /// only its last few probes. The first probes of a run (steps 1, 2, …) are often still in the initial transient;
    /// <paramref name="fromStep"/> leaves them out.
    /// </remarks>
    public double ErrorEnergyExponent(long fromStep = 1) => ErrorEnergyFit.Over(Snapshots, fromStep).Exponent;

    /// <summary>
    /// The median transport fraction (<see cref="EnergyBudget.TransportBudget.TransportFraction"/>) over the probe intervals
    /// ending at step ≥ <paramref name="fromStep"/> that have an energy budget; NaN when none has.
    /// </summary>
    public double MedianTransportFraction(long fromStep = 1) => TransportFractions.Median(Snapshots, fromStep);

    /// <summary>The shell-profile table of the run, followed by its probe failures if any.</summary>
    public string Describe()
    {
        var text = new StringBuilder(ShellProfileTable.Render(Snapshots));
        if (ProbeFailures.Count > 0)
        {
            text.Append('\n').Append(CultureInfo.InvariantCulture, $"probe failures ({ProbeFailures.Count}):\n");
            foreach (var f in ProbeFailures)
            {
                text.Append(CultureInfo.InvariantCulture, $"  step {f.Step}: {f.ErrorType}: {f.Message}\n");
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Requires the quantile frontier λ_f to have moved down by at least <paramref name="decades"/> decades between the
    /// first and the last probe at which it was determined, comparing the estimates (see <see cref="FrontierAdvanceDecades"/>).
    /// Same as <see cref="AssertFrontierAdvanced(double, bool)"/> with <c>certified: false</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decades"/> is not a finite number.</exception>
    public MonitoredRun AssertFrontierAdvanced(double decades) => AssertFrontierAdvanced(decades, certified: false);

    /// <summary>
    /// Requires the quantile frontier λ_f (<see cref="FrontierSnapshot.Lambda"/>: the eigenvalue above which a fraction p
    /// of the non-null error energy lies) to have moved down by at least <paramref name="decades"/> decades between the
    /// first and the last probe at which it was determined.
    /// </summary>
    /// <param name="decades">The required advance, in decades (log10 of the ratio first / last).</param>
    /// <param name="certified">
    /// False: the estimates must have moved by <paramref name="decades"/> (<see cref="FrontierAdvanceDecades"/>). True: the
    /// advance must be certified: the certified upper end at the last probe must lie at least <paramref name="decades"/>
    /// below the certified lower end at the first, log10(lower_first / upper_last) ≥ <paramref name="decades"/>
    /// (<see cref="CertifiedFrontierAdvanceDecades"/>), so the intervals prove the advance whatever the estimates inside
    /// them. On exact spectra (the Gram and exact paths) the intervals are points and both agree; under Lanczos they
    /// widen, and an unbounded upper end at the last probe fails a certified requirement. Use it where a flaky pass
    /// costs more than a strict failure; raise <c>Probe:LanczosSteps</c> if Lanczos intervals are too wide to certify.
    /// </param>
    /// <remarks>
    /// A frontier is never made up: probes whose λ_f was undetermined are left out, and the assertion fails when fewer than
    /// two probes determined it, naming the probes that did not and why (a file of schema version 1 or 2 recorded only
    /// the fit, so every probe of it is undetermined here). Undetermined probes are also named when the assertion fails
    /// on the size of the advance; the message gives the estimate and certified interval at both ends. The quantile
    /// frontier exists for any finite non-zero error above the null floor, so this also passes on classifiers, whose
    /// profiles the amplitude–frontier fit (<see cref="FrontierSnapshot.Fit"/>) often cannot fit.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decades"/> is not a finite number.</exception>
    public MonitoredRun AssertFrontierAdvanced(double decades, bool certified)
    {
        if (!double.IsFinite(decades))
        {
            throw new ArgumentOutOfRangeException(nameof(decades), decades, "The required advance must be a finite number of decades.");
        }

        RequireProbes();
        var determined = DeterminedFrontiers();
        var undetermined = Snapshots.Where(s => !IsDetermined(s.Frontier)).ToArray();
        var requirement = certified
            ? $"the frontier must advance by at least {F(decades)} certified decades (last upper end below the first lower end)"
            : $"the frontier must advance by at least {F(decades)} decades";
        if (determined.Length < 2)
        {
            Fail($"{requirement}, but it was determined at {determined.Length} of " +
                 $"{Snapshots.Count} probes, fewer than the two an advance needs. {DescribeUndetermined(undetermined)}");
        }

        var first = determined[0];
        var last = determined[^1];
        var advance = Math.Log10(first.Frontier.Lambda / last.Frontier.Lambda);
        var certifiedAdvance = CertifiedAdvance(first, last);
        if (!((certified ? certifiedAdvance : advance) >= decades))
        {
            var tail = undetermined.Length > 0 ? " " + DescribeUndetermined(undetermined) : string.Empty;
            var moved = certified
                ? $"the certified intervals guarantee {F(certifiedAdvance)} decades (the estimates moved {F(advance)})"
                : $"it moved {F(advance)} decades (certified: {F(certifiedAdvance)})";
            Fail($"{requirement}, but {moved}: λ_f = {Endpoint(first)} → {Endpoint(last)} " +
                 $"(determined at {determined.Length} of {Snapshots.Count} probes).{tail}");
        }

        return this;
    }

    /// <summary>Requires that no probe at step ≥ <paramref name="fromStep"/> reported <see cref="TrainingRegime.LazyStagnant"/>.</summary>
    /// <remarks>
    /// Any probe, not just the last: a run that stalled for a while is what the alert is about. Note that a run whose
    /// error has reached the level the model can fit also stops progressing, and the tracker then reports it stagnant;
    /// keep health runs short of convergence, or pass <paramref name="fromStep"/> to judge only part of the run. The
    /// message names the stagnant steps and gives the tracker's reason at the first.
    /// </remarks>
    public MonitoredRun AssertNotLazyStagnant(long fromStep = 1) => Check(RegimeChecks.Never(Snapshots, TrainingRegime.LazyStagnant, fromStep));

    /// <summary>Requires that no probe at step ≥ <paramref name="fromStep"/> reported <see cref="TrainingRegime.Overfitting"/>.</summary>
    /// <remarks>
    /// The held-out error rising beyond its noise while the training loss falls, so it needs the loss passed to <c>OnStep</c>
    /// (<see cref="SupervisedTraining"/> does). The message gives the reason at the first such step: the best held-out step.
    /// </remarks>
    public MonitoredRun AssertNotOverfitting(long fromStep = 1) => Check(RegimeChecks.Never(Snapshots, TrainingRegime.Overfitting, fromStep));

    /// <summary>
    /// Requires that no probe at step ≥ <paramref name="fromStep"/> was in an alert state (<see cref="TrainingRegimeNames.IsAlert"/>:
    /// unstable, overfitting, lazy_stagnant, not_learning, and any the core adds): what the alert rules would page on.
    /// </summary>
    /// <remarks>The message lists every such probe with its step, regime and reason: two alerts in one run need different fixes.</remarks>
    public MonitoredRun AssertNoAlerts(long fromStep = 1) => Check(RegimeChecks.NoAlerts(Snapshots, fromStep));

    /// <summary>Requires that some probe reported <paramref name="regime"/>.</summary>
    public MonitoredRun AssertRegimeReached(TrainingRegime regime)
    {
        RequireProbes();
        if (!Snapshots.Any(s => s.Assessment.Regime == regime))
        {
            Fail($"the run must reach {regime.ToWireName()}, but it never did; regimes by step: {RegimeSequence(Snapshots)}.");
        }

        return this;
    }

    /// <summary>
    /// Requires the error energy to fall at least as fast as t^(−<paramref name="exponent"/>) over the probes at step ≥
    /// <paramref name="fromStep"/> (see <see cref="ErrorEnergyExponent"/>). Fails when fewer than two probes are in range.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="exponent"/> is not finite, or <paramref name="fromStep"/> is below 1.</exception>
    public MonitoredRun AssertErrorEnergyExponentAtLeast(double exponent, long fromStep = 1)
    {
        if (!double.IsFinite(exponent))
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "The required exponent must be a finite number.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(fromStep, 1);
        RequireProbes();
        var fit = ErrorEnergyFit.Over(Snapshots, fromStep);
        if (fit.Probes < 2)
        {
            Fail($"the error energy must fall at least as t^(−{F(exponent)}){FromStepText(fromStep)}, but only {fit.Probes} probe(s) " +
                 "with a finite positive error energy are in range, and an exponent needs two.");
        }

        if (!(fit.Exponent >= exponent))
        {
            var recent = Snapshots[^1].Assessment.MeasuredLossExponent;
            Fail($"the error energy must fall at least as t^(−{F(exponent)}){FromStepText(fromStep)}, but it fell as " +
                 $"t^(−{F(fit.Exponent)}) (least squares of ln E on ln t over {fit.Probes} probes, steps {fit.FirstStep}–{fit.LastStep}; " +
                 $"E = {E(fit.FirstEnergy)} → {E(fit.LastEnergy)}; the tracker's recent exponent at the last probe: {F(recent)}).");
        }

        return this;
    }

    /// <summary>Requires the error energy at the last probe to be at most 1/<paramref name="factor"/> of that at the first.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is not a finite number &gt; 0.</exception>
    public MonitoredRun AssertErrorEnergyDecreased(double factor) => CheckDecrease(factor, LossDecrease.ErrorEnergy);

    /// <summary>
    /// Requires the held-out loss on the probe set (<see cref="ProbeSnapshot.ProbeLoss"/>: the mean surprisal for
    /// cross-entropy, the usual validation loss; the error energy (the mean squared error) for squared error) at the last probe to be at most
    /// 1/<paramref name="factor"/> of that at the first, as <see cref="AssertErrorEnergyDecreased"/> does for the error energy.
    /// </summary>
    /// <remarks>For a classifier, the loss a person watches. Fails, saying why, on a run recorded before it existed (NaN).</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is not a finite number &gt; 0.</exception>
    public MonitoredRun AssertProbeLossDecreased(double factor) => CheckDecrease(factor, LossDecrease.ProbeLoss);

    /// <summary>
    /// Requires the frozen kernel to explain the run (lazy training): the transport fraction of every probe interval ending
    /// at step ≥ <paramref name="fromStep"/> that has an energy budget must be at most <paramref name="max"/>; with
    /// <paramref name="certified"/>, its certified upper bound. Fails, saying why, when no interval has a budget (the run
    /// passed no learning rate, or the file predates the budget).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="max"/> is not a finite number.</exception>
    public MonitoredRun AssertTransportFractionAtMost(double max, long fromStep = 1, bool certified = false) =>
        Check(TransportFractions.AtMost(Snapshots, max, fromStep, certified));

    /// <summary>
    /// Requires the kernel to have moved energy between shells: the median transport fraction over the probe intervals
    /// ending at step ≥ <paramref name="fromStep"/> that have an energy budget must be at least <paramref name="min"/>; with
    /// <paramref name="certified"/>, the median of their certified lower bounds. Fails, saying why, when no interval has a budget.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="min"/> is not a finite number.</exception>
    public MonitoredRun AssertMedianTransportFractionAtLeast(double min, long fromStep = 1, bool certified = false) =>
        Check(TransportFractions.MedianAtLeast(Snapshots, min, fromStep, certified));

    /// <summary>Requires that no probe failed.</summary>
    public MonitoredRun AssertNoProbeFailures()
    {
        if (ProbeFailures.Count > 0)
        {
            var first = ProbeFailures[0];
            Fail($"no probe may fail, but {ProbeFailures.Count} did (steps {string.Join(", ", ProbeFailures.Select(f => f.Step))}); " +
                 $"the first at step {first.Step}: {first.ErrorType}: {first.Message}");
        }

        return this;
    }

    /// <summary>The decrease assertions: the factor checked first, then that some probe completed, then the rule.</summary>
    private MonitoredRun CheckDecrease(double factor, Func<IReadOnlyList<ProbeSnapshot>, double, string?> check)
    {
        LossDecrease.RequireFactor(factor);
        RequireProbes();
        return Check(check(Snapshots, factor));
    }

    /// <summary>Fails with <paramref name="reason"/> unless it is null (after the check that some probe completed).</summary>
    private MonitoredRun Check(string? reason)
    {
        RequireProbes();
        if (reason is not null)
        {
            Fail(reason);
        }

        return this;
    }

    private ProbeSnapshot[] DeterminedFrontiers() => Snapshots.Where(s => IsDetermined(s.Frontier)).ToArray();

    private static bool IsDetermined(FrontierSnapshot frontier) =>
        frontier.IsDetermined && double.IsFinite(frontier.Lambda) && frontier.Lambda > 0;

    /// <summary>log10(lower end at <paramref name="first"/> / upper end at <paramref name="last"/>): −∞ for an unbounded upper end.</summary>
    private static double CertifiedAdvance(ProbeSnapshot first, ProbeSnapshot last) =>
        Math.Log10(first.Frontier.LambdaLower / last.Frontier.LambdaUpper);

    private void RequireProbes()
    {
        if (Snapshots.Count == 0)
        {
            var failures = ProbeFailures.Count > 0 ? $"; {ProbeFailures.Count} probe(s) failed" : "; the schedule never fired, or the run was too short";
            Fail($"no probe completed in {TrainingSteps} training steps{failures}, so there is nothing to judge.");
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Fail(string reason) => throw new TrainingDynamicsAssertionException(RunName, reason, Describe(), Artifacts?.Directory);
}
