namespace TrainMonitor.Session;

/// <summary>Where a probe runs.</summary>
public enum ExecutionMode
{
    /// <summary>Synchronously inside <c>OnStep</c>, on the live model. Deterministic; the training step waits for the probe.</summary>
    Inline = 0,

    /// <summary>
    /// On a worker thread, on a second model instance (from the model factory) into which <c>OnStep</c> copies the weights;
    /// <c>OnStep</c> returns after the copy. A probe due while the previous one still runs is skipped.
    /// </summary>
    Background = 1,
}
