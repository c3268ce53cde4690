namespace TrainMonitor.Probing;

/// <summary>How a probe obtains the spectral measure of each batch.</summary>
public enum ProbeMethod
{
    /// <summary>
    /// Matrix-free Lanczos on the autograd operator (<see cref="SpectralProbeOptions.LanczosSteps"/> steps):
    /// Gauss quadrature with certified bounds. Works for any model and batch size.
    /// </summary>
    Lanczos = 0,

    /// <summary>
    /// Forms <c>M = J Jᵀ / n</c> explicitly (n reverse-mode passes) and takes its exact spectral measure. Only for
    /// small batches (at most <see cref="SpectralProbeOptions.ExactMaxBatchSize"/> error entries); the reference for
    /// tests and for checking the Lanczos path on a real model.
    /// </summary>
    Exact = 1,

    /// <summary>
    /// Forms <c>M = J Jᵀ / n</c> exactly from one forward and one backward pass per error entry of an example, through
    /// per-layer Gram products (<see cref="Operators.Gram.GramErrorOperator"/>), and takes its exact spectral measure by
    /// <c>eigh</c>. Needs Linear/Conv2d/LayerNorm/Embedding layers, example-separable errors and at most
    /// <see cref="SpectralProbeOptions.GramMaxBatchSize"/> errors per batch; a probe on a model it does not fit fails.
    /// </summary>
    Gram = 2,

    /// <summary>
    /// <see cref="Gram"/> for each batch where it applies, <see cref="Lanczos"/> otherwise (the reason is in
    /// <see cref="SpectralProbeResult.GramUnavailableReason"/>). The default.
    /// </summary>
    Auto = 3,
}
