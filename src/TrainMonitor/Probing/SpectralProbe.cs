using System.Diagnostics;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Frontier;
using TrainMonitor.Kernel;
using TrainMonitor.Operators;
using TrainMonitor.Shells;
using TrainMonitor.Spectral;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Probing;

/// <summary>
/// One probe of the error operator on a fixed probe set: per batch, Lanczos (or the exact matrix) and the kernel
/// sketch; then the averaged spectral measure, the shell profile with certified bounds and the frontier fit.
/// </summary>
/// <remarks>
/// Batches are processed one at a time and each batch's graph is freed before the next, so peak memory is that of
/// one batch. The model is left as it was: parameters, gradients, <c>requires_grad</c> flags, module modes and the
/// flash-attention switch (see <see cref="ProbeGuard"/>). Exceptions propagate; the monitor session decides what a
/// failed probe means for the run.
/// </remarks>
public static class SpectralProbe
{
    /// <summary>Probes <paramref name="model"/> on <paramref name="batches"/> with errors from <paramref name="error"/>.</summary>
    /// <exception cref="ArgumentException">No batches, or a batch the error function rejects.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public static SpectralProbeResult Run(nn.Module<Tensor, Tensor> model, IReadOnlyList<ProbeBatch> batches, ErrorFunction error,
        SpectralProbeOptions? options = null, CancellationToken ct = default) =>
        Run(model, batches, error, options, batchMeasured: null, ct);

    /// <summary>
    /// As the public overload, and calls <paramref name="batchMeasured"/> with the number of batches measured so far after
    /// each batch (for progress on long probes).
    /// </summary>
    internal static SpectralProbeResult Run(nn.Module<Tensor, Tensor> model, IReadOnlyList<ProbeBatch> batches, ErrorFunction error,
        SpectralProbeOptions? options, Action<int>? batchMeasured, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(error);
        options ??= new SpectralProbeOptions();
        options.Validate();

        var selector = new ProbeMethodSelector(model, error, options);
        var batchDecisions = batches.Select((batch, b) => batch is null
            ? throw new ArgumentException($"Probe batch {b} is null.", nameof(batches))
            : (Func<ProbeMethodDecision>)(() => selector.Select(batch))).ToArray();
        // The kernel whose motion tells feature learning from the lazy regime is the model's tangent kernel, built by the
        // same method choice on the model's projected outputs (TangentKernelOutputs), not the error operator.
        var kernelSelector = new ProbeMethodSelector(model, TangentKernelOutputs.For(options.SketchSeed), options);
        // Where that kernel is the error operator itself (squared error, one output per example), the error operator is sketched.
        var kernelDecisions = batches.Select(batch => ScalarOutputKernel.Applies(error, batch.Target)
            ? (KernelSource)new KernelSource.ErrorOperator(op => ScalarOutputKernel.Outputs(op, batch.Target, options.SketchSeed))
            : new KernelSource.Separate(() => kernelSelector.Select(batch))).ToArray();

        // The model's own dtype sets the default null floor even where an operator cannot tell (its trainable
        // parameters are what the products round in).
        var modelDtype = FloatPrecision.Coarsest(model.parameters().Where(p => p.requires_grad && p.is_floating_point()).Select(p => p.dtype));
        using var guard = new ProbeGuard(model);
        if (NonFiniteErrorEnergy(model, batches, error, options) is { } diverged)
        {
            return diverged;
        }

        var (result, methods, gramUnavailableReason) = Measure(batchDecisions, kernelDecisions, error.IsSurprisal, options, modelDtype, batchMeasured, ct);
        return result.WithMethods(methods, gramUnavailableReason);
    }

    /// <summary>
    /// A diverged model's probe: when the errors of some batch are not finite (NaN or ±∞ weights, outputs or targets), no
    /// operator can be built from them, but the run must be told at once that it is unstable — not that the probe failed.
    /// One forward pass per batch, without a graph; null when every batch's errors are finite.
    /// </summary>
    private static SpectralProbeResult? NonFiniteErrorEnergy(nn.Module<Tensor, Tensor> model, IReadOnlyList<ProbeBatch> batches, ErrorFunction error,
        SpectralProbeOptions options)
    {
        var stopwatch = Stopwatch.StartNew();
        var energies = new double[batches.Count];
        var losses = new double[batches.Count];
        var entries = 0;
        var finite = true;
        using (no_grad())
        {
            for (var b = 0; b < batches.Count; b++)
            {
                using var scope = NewDisposeScope();
                var e = error.Compute(model.call(batches[b].Input), batches[b].Target).to_type(ScalarType.Float64);
                entries += (int)e.numel();
                energies[b] = e.square().mean().item<double>();
                losses[b] = error.LossOf(e);
                finite &= isfinite(e).all().item<bool>();
            }
        }

        return finite ? null : SpectralProbeResult.NonFinite(energies.Average(), losses.Average(), entries, stopwatch.Elapsed, options);
    }

    /// <summary>
    /// Probes the operators that <paramref name="batchOperators"/> create, one batch at a time (each is disposed
    /// before the next is created). The entry point for operators not built from a model, e.g. explicit matrices.
    /// </summary>
    /// <remarks>
    /// The default null floor follows the coarsest <see cref="IErrorOperator.ComputeDtype"/> of the batches (float64 for
    /// operators that do not say). Without a model there is no tangent kernel: the kernel sketch is of the operators
    /// themselves (for squared error on a linear model the two coincide).
    /// </remarks>
    public static SpectralProbeResult Run(IReadOnlyList<Func<IErrorOperator>> batchOperators, SpectralProbeOptions? options = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batchOperators);
        var batchDecisions = batchOperators.Select((factory, b) => (Func<ProbeMethodDecision>)(() => ProbeMethodDecision.Supplied(
            factory() ?? throw new InvalidOperationException($"The operator factory of batch {b} returned null.")))).ToArray();
        return Measure(batchDecisions, kernelOperators: null, surprisal: false, options, ScalarType.Float64, batchMeasured: null, ct).Result;
    }

    /// <summary>
    /// Measures each batch by its decision, one batch at a time (each operator is disposed before the next is built), and
    /// returns the result with the method each batch used and the first batch's reason for not taking Gram. The kernel
    /// sketch is taken of <paramref name="kernelOperators"/>' operators when given (the model's tangent kernel), else of the
    /// batch operators themselves. The probe loss takes the errors as surprisals or residuals by <paramref name="surprisal"/>.
    /// </summary>
    private static (SpectralProbeResult Result, ProbeMethod[] Methods, string? GramUnavailableReason) Measure(IReadOnlyList<Func<ProbeMethodDecision>> batchOperators,
        IReadOnlyList<KernelSource>? kernelOperators, bool surprisal, SpectralProbeOptions? options, ScalarType computeDtype, Action<int>? batchMeasured,
        CancellationToken ct)
    {
        if (batchOperators.Count == 0)
        {
            throw new ArgumentException("A probe needs at least one batch.", nameof(batchOperators));
        }

        options ??= new SpectralProbeOptions();
        options.Validate();
        var stopwatch = Stopwatch.StartNew();
        var components = new List<JacobiMatrix>(batchOperators.Count);
        var sketchBlocks = new List<double[]>(batchOperators.Count);
        var sketchOutputs = new List<double[]>(batchOperators.Count);
        var sizes = new List<int>(batchOperators.Count);
        var losses = new List<double>(batchOperators.Count);
        var methods = new ProbeMethod[batchOperators.Count];
        string? gramUnavailableReason = null;
        long applications = 0;
        for (var b = 0; b < batchOperators.Count; b++)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var decision = batchOperators[b]();
            using var op = decision.Operator;
            methods[b] = decision.Method;
            gramUnavailableReason ??= decision.FallbackReason;
            if (decision.ExplicitMatrix is { } matrix)
            {
                // The matrix is at hand (exact or Gram path): its exact measure from eigh, no Lanczos needed.
                components.Add(ExactSpectralMeasure.Of(matrix));
            }
            else
            {
                var lanczos = new LanczosOptions { Steps = options.LanczosSteps, BreakdownTolerance = options.BreakdownTolerance };
                components.Add(LanczosIteration.Run(op, lanczos, ct));
            }

            sizes.Add(op.Size);
            losses.Add(ErrorFunction.LossOf(op.Error, surprisal));
            computeDtype = FloatPrecision.Coarser(computeDtype, op.ComputeDtype);
            applications += op.Applications;
            if (options.SketchVectors > 0)
            {
                applications += SketchBatch(op, kernelOperators?[b], b, options, sketchBlocks, sketchOutputs, ct);
            }

            batchMeasured?.Invoke(b + 1);
        }

        var measure = new SpectralMeasure(components);
        var profile = ShellProfile.Compute(measure, new ShellGrid(options.ShellRatio), options.ResolveNullFloor(computeDtype));
        var frontier = FitFrontier(profile, options.Frontier);
        var quantile = QuantileFrontier.Compute(measure, profile.NullEnergy.Floor, options.FrontierEnergyFraction);
        var sketch = options.SketchVectors > 0
            ? KernelSketch.FromBatches(options.SketchVectors, options.SketchSeed, sketchBlocks, sketchOutputs, sketchOutputs.Select(o => o.Length).ToArray())
            : null;
        return (new SpectralProbeResult(measure, profile, frontier, quantile, sketch, applications, sizes.Sum(), stopwatch.Elapsed, losses.Average()),
            methods, gramUnavailableReason);
    }

    /// <summary>
    /// Sketches one batch's kernel — the operator a <see cref="KernelSource.Separate"/> <paramref name="kernelSource"/> builds, disposed here, or
    /// <paramref name="errorOperator"/> itself — and returns the operator applications the kernel's own operator spent.
    /// </summary>
    private static long SketchBatch(IErrorOperator errorOperator, KernelSource? kernelSource, int batch, SpectralProbeOptions options,
        List<double[]> blocks, List<double[]> outputs, CancellationToken ct)
    {
        if (kernelSource is not KernelSource.Separate { Decide: var kernelOperator })
        {
            var before = errorOperator.Applications;
            blocks.Add(KernelSketch.CaptureBatch(errorOperator, batch, options.SketchVectors, options.SketchSeed, ct));
            outputs.Add(kernelSource is KernelSource.ErrorOperator { Outputs: var outputsOf } ? outputsOf(errorOperator) : KernelSketch.OutputsOf(errorOperator));
            return errorOperator.Applications - before;
        }

        using var kernel = kernelOperator().Operator;
        blocks.Add(KernelSketch.CaptureBatch(kernel, batch, options.SketchVectors, options.SketchSeed, ct));
        outputs.Add(KernelSketch.OutputsOf(kernel));
        return kernel.Applications;
    }

    /// <summary>Fits the amplitude–frontier model to a profile (sparse top shells left out, see <see cref="FrontierFit.Fit(ShellProfile, FrontierFitOptions)"/>).</summary>
    public static FrontierEstimate FitFrontier(ShellProfile profile, FrontierFitOptions options) => FrontierFit.Fit(profile, options);
}
