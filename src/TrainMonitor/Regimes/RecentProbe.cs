using TrainMonitor.Kernel;

namespace TrainMonitor.Regimes;

/// <summary>
/// What the tracker keeps of every recent probe: its held-out loss (<see cref="RegimeObservation.ProbeLoss"/>, or the error
/// energy without one) and training loss, its sketch, and the motion since the previous probe. The kernel angle, output change and spans are to the previous probe that
/// had a sketch (NaN when there was none); <see cref="Frozen"/> says whether the outputs stood still over that interval.
/// </summary>
internal readonly record struct RecentProbe(long Step, double LogStep, double Loss, double TrainingLoss, KernelSketch? Sketch,
    double KernelAngle, double OutputChange, double LogSpan, long StepSpan, bool Frozen)
{
    /// <summary>Relative output change per unit ln t over the interval (NaN without a sketched predecessor).</summary>
    public double OutputSpeed => OutputChange / LogSpan;

    /// <summary>Relative output change per optimiser step over the interval.</summary>
    public double OutputChangePerStep => OutputChange / StepSpan;
}
