using TrainMonitor.EnergyBudget;
using TrainMonitor.Outputs;
using TrainMonitor.Regimes;
using TrainMonitor.Scheduling;

namespace TrainMonitor.Session;

/// <summary>
/// The state a session shares between the training thread, the probe worker and readers on any thread — the counts,
/// the clock, the last probe step, the history and the regime — behind one lock, so that <see cref="Status"/> is one
/// consistent copy and a completed probe is numbered, stamped with the overhead so far, counted and appended in one step.
/// </summary>
internal sealed class RunLedger
{
    private readonly string _run;
    private readonly bool _enabled;
    private readonly Lock _gate = new();

    // Guarded by _gate.
    private readonly SessionClock _clock = new();
    private readonly LearningRateRecorder _rates = new();
    private readonly TrainingLossRecorder _losses = new();
    private readonly RunHistory _history;
    private long _trainingStep;
    private double? _lastLearningRate;
    private long _probesTotal;
    private long _failuresTotal;
    private long _skippedTotal;
    private long _postponedTotal;
    private long _applicationsTotal;
    private long _lastProbeStep = -1;

    public RunLedger(string run, bool enabled, int historyLimit)
    {
        // New for every attached monitor, so runs that share a name stay apart in files and metrics (ProbeSnapshot.RunId).
        RunId = Guid.CreateVersion7().ToString();
        _run = run;
        _enabled = enabled;
        _history = new RunHistory(historyLimit);
    }

    /// <summary>The session's run id: every snapshot, status and failure or skip event of this monitor carries it.</summary>
    public string RunId { get; }

    public MonitorStatus Status
    {
        get
        {
            lock (_gate)
            {
                return new MonitorStatus
                {
                    Run = _run,
                    RunId = RunId,
                    TrainingStep = _trainingStep,
                    ProbesTotal = _probesTotal,
                    ProbeFailuresTotal = _failuresTotal,
                    ProbesSkippedTotal = _skippedTotal,
                    ProbesPostponedTotal = _postponedTotal,
                    OperatorApplicationsTotal = _applicationsTotal,
                    OverheadRatio = _clock.OverheadRatio,
                    Enabled = _enabled,
                };
            }
        }
    }

    public IReadOnlyList<ProbeSnapshot> History
    {
        get
        {
            lock (_gate)
            {
                return _history.Snapshots;
            }
        }
    }

    public TrainingRegime Regime
    {
        get
        {
            lock (_gate)
            {
                return _history.Regime;
            }
        }
    }

    /// <summary>
    /// Records the step the training loop reports; when the monitor is enabled, also the training time since the last
    /// report, the step's learning rate (for the energy budget) and its loss (averaged up to the next probe), and gives the
    /// schedule's context. False when disabled.
    /// </summary>
    public bool TryEnterStep(long step, double? learningRate, double? loss, long trainingTicks, out ScheduleContext context)
    {
        lock (_gate)
        {
            _trainingStep = step;
            _lastLearningRate = learningRate;
            if (!_enabled)
            {
                context = default;
                return false;
            }

            _clock.AddTrainingTime(trainingTicks, step);
            _rates.Record(step, learningRate);
            _losses.Record(loss);
            context = _clock.ContextAfter(_lastProbeStep);
            return true;
        }
    }

    /// <summary>The overhead budget postponed a due probe; returns how many it has postponed so far.</summary>
    public long CountPostponed()
    {
        lock (_gate)
        {
            return ++_postponedTotal;
        }
    }

    /// <summary>
    /// A probe was due at <paramref name="step"/> and starts; returns the learning rates since the previous probe that
    /// started (null when not known) and the mean training loss reported since then (null when none was).
    /// </summary>
    public (LearningRatePath? Path, double? TrainingLoss) MarkProbeStarted(long step)
    {
        lock (_gate)
        {
            _lastProbeStep = step;
            return (_rates.Take(step), _losses.Take());
        }
    }

    /// <summary>
    /// The last step the loop reported and its learning rate, when the monitor is enabled, that step is at least 1 and no
    /// probe has been started at it: the step a probe on demand or a final probe would take; null otherwise.
    /// </summary>
    public (long Step, double? LearningRate)? UnprobedLastStep()
    {
        lock (_gate)
        {
            return _enabled && _trainingStep >= 1 && _trainingStep != _lastProbeStep ? (_trainingStep, _lastLearningRate) : null;
        }
    }

    /// <summary>The newest snapshot when it was taken at <paramref name="step"/>, else null.</summary>
    public ProbeSnapshot? SnapshotAt(long step)
    {
        lock (_gate)
        {
            return _history.Snapshots is [.., var last] && last.Step == step ? last : null;
        }
    }

    /// <summary>A probe was due at <paramref name="step"/> and is skipped; returns the skips so far.</summary>
    public long CountSkipped(long step)
    {
        lock (_gate)
        {
            _lastProbeStep = step;
            return ++_skippedTotal;
        }
    }

    /// <summary>Returns the failures so far, this one included.</summary>
    public long CountFailure()
    {
        lock (_gate)
        {
            return ++_failuresTotal;
        }
    }

    /// <summary>Time the monitor spent reporting the probe just timed (see <see cref="SessionClock.AddReportingTime"/>).</summary>
    public void AddReportingTime(long ticks)
    {
        lock (_gate)
        {
            _clock.AddReportingTime(ticks);
        }
    }

    public void AddProbeTime(long ticks)
    {
        lock (_gate)
        {
            _clock.AddProbeTime(ticks);
        }
    }

    /// <summary>
    /// Builds the snapshot with its number and the overhead so far (<paramref name="build"/>, from
    /// <see cref="ProbeSnapshotMapper.Map"/>), counts it and its operator applications, and appends it to the history, in one
    /// step under the lock.
    /// </summary>
    public RecordedProbe Record(Func<long, double, ProbeSnapshot> build)
    {
        lock (_gate)
        {
            var snapshot = build(_probesTotal + 1, _clock.OverheadRatio);
            _probesTotal++;
            _applicationsTotal += snapshot.OperatorApplications;
            return _history.Append(snapshot);
        }
    }
}
