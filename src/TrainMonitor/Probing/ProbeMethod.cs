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
}
