namespace Validation.Scenarios;

/// <summary>The harness's own evaluation after optimizer step <see cref="Step"/>: held-out (probe) loss and training loss.</summary>
internal readonly record struct LossPoint(long Step, double HeldOut, double Training);
