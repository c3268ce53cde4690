using TrainMonitor.Kernel;

namespace TrainMonitor.Regimes;

/// <summary>What the tracker keeps of one probe. KernelDistance is to the previous sketched probe, KernelSpan the Δln t to it.</summary>
internal readonly record struct ProbeWindowRecord(double LogStep, double Energy, double Frontier, double TailExponent, double KernelDistance, double KernelSpan,
    KernelSketch? Sketch);
