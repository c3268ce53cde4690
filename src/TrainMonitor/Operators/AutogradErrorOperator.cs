using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Operators;

/// <summary>
/// The error operator <c>M = J Jᵀ / n</c> of one probe batch, applied matrix-free through autograd:
/// <c>M v = (1/n) J (Jᵀ v)</c>, with <c>Jᵀ u</c> a VJP through the retained forward graph and <c>J w</c> either
/// exact (double backward) or by central finite differences (see <see cref="JvpMethod"/>).
/// </summary>
/// <remarks>
/// <para>
/// The forward pass runs once, when the operator is created, and its graph is kept until <see cref="Dispose"/>:
/// parameters must not change while the operator is in use. Only parameters with <c>requires_grad</c> take
/// part; the operator never changes <c>requires_grad</c> flags and never writes <c>.grad</c>
/// (<c>autograd.grad</c> returns gradients instead of accumulating them). Parameters the error does not depend
/// on contribute zero.
/// </para>
/// <para>
/// Vectors in and out are float64; the model may compute in another dtype, and vectors are converted at the
/// boundary. <see cref="Apply"/> is serialised with a lock; grad mode is per thread, and the operator enables it
/// itself around every autograd call.
/// </para>
/// <para>
/// With <see cref="JvpMethod.FiniteDifference"/> the parameters are perturbed in place, which bumps their
/// autograd version counters and invalidates any graph that saved them, including this operator's own: the
/// graph is rebuilt by one extra forward pass before the next VJP. Do not run such a probe between a training
/// forward pass and its backward pass.
/// </para>
/// </remarks>
public sealed class AutogradErrorOperator : IErrorOperator
{
    private readonly object _gate = new();
    private readonly Tensor[] _parameters;
    private readonly Func<Tensor> _computeErrors;
    private readonly double _stepScale;
    private readonly Tensor _error;
    private readonly int _size;
    private Tensor? _graphErrors;
    private Tensor? _dummy;
    private Tensor[]? _dualGradients;
    private long _graphEpoch;
    private readonly bool[] _used;
    private long _applications;
    private bool _disposed;

    private AutogradErrorOperator(Tensor[] parameters, Func<Tensor> computeErrors, AutogradOperatorOptions options)
    {
        _parameters = parameters;
        _computeErrors = computeErrors;
        JvpMethod = options.JvpMethod;
        _stepScale = options.FiniteDifferenceStepScale;

        using var scope = NewDisposeScope();
        var used = BuildGraph(expectedLength: null);
        try
        {
            _used = used;
            UsedParameters = [.. _parameters.Where((_, i) => used[i])];
            ParameterCount = UsedParameters.Sum(p => p.numel());
            // Products run in the parameters' and outputs' dtypes (vectors are converted at the boundary).
            ComputeDtype = FloatPrecision.Coarsest(UsedParameters.Select(p => p.dtype).Append(_graphErrors!.dtype));
            _size = checked((int)_graphErrors!.shape[0]);
            _error = _graphErrors.detach().to_type(ScalarType.Float64).clone().DetachFromDisposeScope();
        }
        catch
        {
            ReleaseGraph();
            throw;
        }
    }

    /// <summary>
    /// Builds the operator for the error vector returned by <paramref name="computeErrors"/> (run once, now).
    /// </summary>
    /// <param name="parameters">The parameters θ; those with <c>requires_grad</c> take part, in this order.</param>
    /// <param name="computeErrors">
    /// Runs the forward pass of the probe batch and returns its 1-D error vector, connected to the parameters.
    /// Called once here, and with <see cref="JvpMethod.FiniteDifference"/> again at perturbed parameters
    /// (under no-grad) and to rebuild the graph; it must be deterministic (models in evaluation mode, see
    /// <see cref="ProbeGuard"/>).
    /// </param>
    /// <param name="options">Options; <see cref="AutogradOperatorOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">No parameter requires grad, or invalid options.</exception>
    /// <exception cref="InvalidOperationException">
    /// The error vector is not 1-D floating, or no trainable parameter influences it (raised before the first
    /// <c>autograd.grad</c> call when the error has no graph at all).
    /// </exception>
    public static AutogradErrorOperator Create(IReadOnlyList<Tensor> parameters, Func<Tensor> computeErrors, AutogradOperatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(computeErrors);
        options ??= AutogradOperatorOptions.Default;
        options.Validate();
        var trainable = ErrorGraph.SelectTrainable(parameters);
        return new AutogradErrorOperator(trainable, computeErrors, options);
    }

    /// <summary>
    /// Builds the operator of a model on one probe batch: the model's trainable parameters, and errors
    /// <c>error(model.call(input), target)</c>. Every forward pass runs with the model's modules in evaluation
    /// mode and flash SDPA off (a <see cref="ProbeGuard"/> around the call), so forward hooks fire and the
    /// caller's module modes are restored afterwards.
    /// </summary>
    /// <param name="model">The model; it is not modified.</param>
    /// <param name="input">Probe inputs, on the model's device.</param>
    /// <param name="target">Probe targets, on the model's device.</param>
    /// <param name="error">The error function.</param>
    /// <param name="options">Options; <see cref="AutogradOperatorOptions.Default"/> when null.</param>
    public static AutogradErrorOperator ForModel(nn.Module<Tensor, Tensor> model, Tensor input, Tensor target, ErrorFunction error, AutogradOperatorOptions? options = null)
    {
        var (parameters, computeErrors) = ModelProbe.Build(model, input, target, error);
        return Create(parameters, computeErrors, options);
    }

    /// <summary>How Jacobian-vector products are computed.</summary>
    public JvpMethod JvpMethod { get; }

    /// <summary>Number of scalar parameters P that influence the error (the width of J).</summary>
    public long ParameterCount { get; }

    /// <inheritdoc />
    public int Size => _size;

    /// <inheritdoc />
    public ScalarType ComputeDtype { get; }

    /// <inheritdoc />
    public Device Device => _error.device;

    /// <inheritdoc />
    public Tensor Error
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _error;
        }
    }

    /// <inheritdoc />
    public long Applications => Interlocked.Read(ref _applications);

    private Tensor[] UsedParameters { get; } = [];

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="v"/> is not a 1-D vector of length <see cref="Size"/> on <see cref="Device"/>.</exception>
    public Tensor Apply(Tensor v)
    {
        ArgumentNullException.ThrowIfNull(v);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (v.IsInvalid)
            {
                throw new ArgumentException("The vector has been disposed.", nameof(v));
            }

            if (v.dim() != 1 || v.shape[0] != _size)
            {
                throw new ArgumentException($"Expected a vector of length {_size}; got {TensorDescription.Describe(v)}.", nameof(v));
            }

            if (!v.is_floating_point())
            {
                throw new ArgumentException($"Expected a floating-point vector; got {TensorDescription.Describe(v)}.", nameof(v));
            }

            if (!TensorDescription.SameDevice(v, _error))
            {
                throw new ArgumentException($"The vector is on {v.device}; the operator lives on {_error.device}.", nameof(v));
            }

            using var scope = NewDisposeScope();
            Tensor result;
            using (enable_grad())
            {
                if (_graphErrors is null || _graphEpoch != ParameterPerturbation.Epoch)
                {
                    // A finite-difference probe has written parameters in place since the graph was built.
                    var used = BuildGraph(_size);
                    if (!used.SequenceEqual(_used))
                    {
                        throw new InvalidOperationException("The rebuilt graph depends on a different set of parameters than the original: computeErrors is not deterministic.");
                    }
                }

                var graph = _graphErrors!;
                var u = v.detach().to_type(graph.dtype);
                var w = ErrorGraph.VectorJacobianProduct(graph, UsedParameters, u, createGraph: false);
                var filled = w.Select((g, i) => g ?? zeros_like(UsedParameters[i])).ToArray();
                var jw = JvpMethod == JvpMethod.DoubleBackward ? JvpByDoubleBackward(filled) : JvpByFiniteDifference(filled);
                result = jw.div(_size);
            }

            Interlocked.Increment(ref _applications);
            return result.MoveToOuterDisposeScope();
        }
    }

    /// <summary>Frees the retained graph and the operator's tensors.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            ReleaseGraph();
            _error.Dispose();
        }
    }

    /// <summary>
    /// Runs the forward pass and, for the double-backward JVP, builds g(u) = Jᵀ u with a dummy u that requires
    /// grad (J w = ∂(g(u)·w)/∂u; g is linear in u, so u = 0 will do). Returns which parameters the error depends on.
    /// The graph tensors are kept in fields, detached from any dispose scope.
    /// </summary>
    private bool[] BuildGraph(int? expectedLength)
    {
        using var scope = NewDisposeScope();
        var epoch = ParameterPerturbation.Epoch;
        var errors = ErrorGraph.Forward(_computeErrors, expectedLength);
        Tensor?[] probe;
        Tensor? dummy = null;
        using (enable_grad())
        {
            if (JvpMethod == JvpMethod.DoubleBackward)
            {
                dummy = zeros_like(errors).requires_grad_(true);
                probe = ErrorGraph.VectorJacobianProduct(errors, _parameters, dummy, createGraph: true);
            }
            else
            {
                var u = zeros_like(errors);
                probe = ErrorGraph.VectorJacobianProduct(errors, _parameters, u, createGraph: false);
            }
        }

        var used = probe.Select(g => g is not null).ToArray();
        if (!used.Any(x => x))
        {
            throw new InvalidOperationException(
                $"None of the {_parameters.Length} trainable parameters influences the error vector ({TensorDescription.Describe(errors)}).");
        }

        Tensor[]? dual = null;
        if (dummy is not null)
        {
            var list = new List<Tensor>();
            for (var i = 0; i < probe.Length; i++)
            {
                if (probe[i] is not { } g)
                {
                    continue;
                }

                if (!g.requires_grad)
                {
                    throw new InvalidOperationException(
                        $"The double-backward graph does not reach trainable parameter {i} ({TensorDescription.Describe(_parameters[i])}): " +
                        $"an op of the model has no differentiable backward. Use {nameof(JvpMethod)}.{nameof(JvpMethod.FiniteDifference)}.");
                }

                list.Add(g);
            }

            dual = [.. list];
        }

        ReleaseGraph();
        _graphErrors = errors.DetachFromDisposeScope();
        _dummy = dummy?.DetachFromDisposeScope();
        _dualGradients = dual;
        foreach (var g in dual ?? [])
        {
            g.DetachFromDisposeScope();
        }

        _graphEpoch = epoch;
        return used;
    }

    private void ReleaseGraph()
    {
        foreach (var g in _dualGradients ?? [])
        {
            g.Dispose();
        }

        _dualGradients = null;
        _dummy?.Dispose();
        _dummy = null;
        _graphErrors?.Dispose();
        _graphErrors = null;
    }

    private Tensor JvpByDoubleBackward(Tensor[] w)
    {
        var dual = _dualGradients!;
        var dummy = _dummy!;
        var result = autograd.grad([.. dual], [dummy], [.. w], retain_graph: true, create_graph: false, allow_unused: true)[0];
        return result.IsInvalid ? zeros(_size, ScalarType.Float64, _error.device) : result.detach().to_type(ScalarType.Float64);
    }

    /// <summary>
    /// Central difference <c>J w</c> (<see cref="FiniteDifferenceJvp"/>); drops this operator's graph first, since the
    /// in-place perturbation invalidates it.
    /// </summary>
    private Tensor JvpByFiniteDifference(Tensor[] w)
    {
        var parameters = UsedParameters;
        if (FiniteDifferenceJvp.Step(parameters, w, _stepScale) is not { } h)
        {
            return zeros(_size, ScalarType.Float64, _error.device);
        }

        // The retained graph saved some of these parameters; in-place writes bump their version counters, so this
        // graph, and that of every other operator on these parameters, is unusable from here on (libtorch would
        // refuse it, and TorchSharp would abort). Drop ours now and advance the epoch: every operator rebuilds its
        // graph from the restored parameters before its next VJP.
        ReleaseGraph();
        ParameterPerturbation.Advance();
        return FiniteDifferenceJvp.CentralDifference(parameters, w, h, _computeErrors, _size);
    }
}
