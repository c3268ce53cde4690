namespace TrainMonitor.Monitoring;

/// <summary>One shell [LambdaLower, LambdaUpper) of a probe: Gauss estimate and certified bounds of its energy.</summary>
public sealed record ShellSnapshot(int Index, double LambdaLower, double LambdaUpper, double Estimate, double Lower, double Upper);
