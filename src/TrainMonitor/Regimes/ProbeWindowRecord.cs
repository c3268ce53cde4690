namespace TrainMonitor.Regimes;

/// <summary>What the slow-stall slopes keep of one ln-t-spaced probe.</summary>
internal readonly record struct ProbeWindowRecord(double LogStep, double Energy, double Frontier, double TailExponent);
