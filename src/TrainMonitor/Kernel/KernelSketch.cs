using TorchSharp;
using TrainMonitor.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Kernel;

/// <summary>
/// A sketch <c>Y = K Z</c> of a kernel on the probe set, for a fixed Rademacher matrix Z (n×k), from which the kernel
/// distance <c>S = 1 − ⟨K_a, K_b⟩_F / (‖K_a‖_F ‖K_b‖_F)</c> between two probes is estimated without ever storing K
/// (Fort et al. 2020), together with the vector the kernel's operator was built on (the model's projected outputs for
/// a model probe), from which the outputs' relative change between two probes is measured.
/// </summary>
/// <remarks>
/// <para><b>Which kernel.</b> A model probe sketches the model's tangent kernel <c>K = J_r J_rᵀ / n</c> of its
/// projected outputs (<see cref="TangentKernelOutputs"/>), which is what moves in feature learning and stays still in the
/// lazy regime whatever the loss; a probe of caller-supplied operators, which has no model, sketches the operator it was
/// given. The formulas below hold for any symmetric operator; "M" stands for it.</para>
/// <para><b>Batches.</b> The probe's operator is treated as block-diagonal over its batches: each batch b has its
/// own <c>M_b = J_b J_bᵀ / n_b</c> and its own block <c>Z_b</c>; entries of <c>J Jᵀ</c> coupling examples of
/// different batches are never computed and do not enter S. Frobenius products of block-diagonal matrices are
/// sums over blocks, so <c>⟨M_a, M_b⟩_F = Σ_batches ⟨M_a,β, M_b,β⟩_F</c>. (With unequal batch sizes the 1/n_b
/// normalisation weights the blocks differently; with equal sizes it is a common scale that S ignores.)</para>
/// <para><b>Z.</b> Column j of <c>Z_b</c> is drawn with entries ±1 from a SplitMix64 stream seeded by
/// (seed, batch index, batch size) only, so every probe of a run that uses the same seed uses the same Z
/// (which is what makes two sketches comparable), and no torch or user RNG stream is touched.</para>
/// <para><b>Storage.</b> Y is copied to the CPU as float64: k·n numbers per probe.</para>
/// </remarks>
public sealed class KernelSketch
{
    /// <summary>Number of sketch vectors k used when the caller has no reason to choose otherwise.</summary>
    public const int DefaultVectors = 8;

    private readonly double[][] _columns;
    private readonly int[] _batchSizes;
    private readonly double[][] _outputs;

    private KernelSketch(int vectors, int seed, int[] batchSizes, double[][] columns, double[][] outputs)
    {
        Vectors = vectors;
        Seed = seed;
        _batchSizes = batchSizes;
        _columns = columns;
        _outputs = outputs;
    }

    /// <summary>Number of sketch vectors k per batch.</summary>
    public int Vectors { get; }

    /// <summary>Seed of the Rademacher sketch Z.</summary>
    public int Seed { get; }

    /// <summary>Number of probe batches.</summary>
    public int BatchCount => _batchSizes.Length;

    /// <summary>Size n_b of each batch's operator, in batch order.</summary>
    public IReadOnlyList<int> BatchSizes => Array.AsReadOnly(_batchSizes);

    /// <summary>
    /// Applies every batch operator to the k columns of its fixed Rademacher block <c>Z_b</c> and keeps
    /// <c>Y_b = M_b Z_b</c>: k operator applications per batch.
    /// </summary>
    /// <param name="batches">The probe's batch operators, in the fixed probe order.</param>
    /// <param name="vectors">Number of sketch vectors k (≥ 1; typically 4–8, see <see cref="DefaultVectors"/>).</param>
    /// <param name="seed">Seed of Z; use the same seed at every probe of a run.</param>
    /// <param name="ct">Checked before each operator application.</param>
    /// <exception cref="ArgumentException">No batches, a null batch or an empty batch.</exception>
    /// <exception cref="InvalidOperationException">An operator returned a vector of the wrong shape or with non-finite entries.</exception>
    public static KernelSketch Capture(IReadOnlyList<IErrorOperator> batches, int vectors, int seed, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentOutOfRangeException.ThrowIfLessThan(vectors, 1);
        if (batches.Count == 0)
        {
            throw new ArgumentException("At least one batch operator is needed.", nameof(batches));
        }

        var sizes = new int[batches.Count];
        var columns = new double[batches.Count][];
        var outputs = new double[batches.Count][];
        for (var b = 0; b < batches.Count; b++)
        {
            var op = batches[b] ?? throw new ArgumentException($"Batch operator {b} is null.", nameof(batches));
            columns[b] = CaptureBatch(op, b, vectors, seed, ct);
            outputs[b] = OutputsOf(op);
            sizes[b] = op.Size;
        }

        return new KernelSketch(vectors, seed, sizes, columns, outputs);
    }

    /// <summary>
    /// Assembles a sketch from per-batch blocks captured one at a time with <see cref="CaptureBatch"/>, so a probe
    /// never has to hold every batch's graph at once.
    /// </summary>
    internal static KernelSketch FromBatches(int vectors, int seed, IReadOnlyList<double[]> columns, IReadOnlyList<double[]> outputs, IReadOnlyList<int> sizes)
    {
        if (columns.Count == 0 || columns.Count != sizes.Count || outputs.Count != sizes.Count)
        {
            throw new ArgumentException("One sketch block, one output vector and one size per batch are needed.", nameof(columns));
        }

        return new KernelSketch(vectors, seed, [.. sizes], [.. columns], [.. outputs]);
    }

    /// <summary>The vector the operator was built on (its <see cref="IErrorOperator.Error"/>), copied to the host as float64.</summary>
    internal static double[] OutputsOf(IErrorOperator op)
    {
        using var scope = NewDisposeScope();
        return op.Error.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
    }

    /// <summary><c>Y_b = M_b Z_b</c> of one batch, column-major: k operator applications.</summary>
    internal static double[] CaptureBatch(IErrorOperator op, int batchIndex, int vectors, int seed, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vectors, 1);
        var b = batchIndex;
        var n = op.Size;
        if (n < 1)
        {
            throw new ArgumentException($"Batch operator {b} has size {n}; it must have at least one error entry.", nameof(op));
        }

        var y = new double[checked(n * vectors)];
        var rng = new SketchRandom(seed, b, n);
        var z = new double[n];
        for (var j = 0; j < vectors; j++)
        {
            ct.ThrowIfCancellationRequested();
            for (var i = 0; i < n; i++)
            {
                z[i] = rng.NextSign();
            }

            using var scope = NewDisposeScope();
            var zt = torch.tensor(z, dtype: ScalarType.Float64, device: op.Device);
            var mz = op.Apply(zt);
            if (mz.dim() != 1 || mz.shape[0] != n)
            {
                throw new InvalidOperationException(
                    $"Batch operator {b} returned shape [{string.Join(", ", mz.shape)}] for a vector of length {n}.");
            }

            var host = mz.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
            for (var i = 0; i < n; i++)
            {
                if (!double.IsFinite(host[i]))
                {
                    throw new InvalidOperationException($"Batch operator {b} returned a non-finite entry ({host[i]}) at index {i}.");
                }
            }

            Array.Copy(host, 0, y, j * n, n);
        }

        return y;
    }

    /// <summary>
    /// Estimated kernel distance <c>S = 1 − ⟨M_a, M_b⟩_F / (‖M_a‖_F ‖M_b‖_F)</c> between the probes of two
    /// sketches, with <c>⟨M_a, M_b⟩_F ≈ tr(Y_aᵀ Y_b) / k</c> summed over batches, the norms likewise.
    /// </summary>
    /// <remarks>
    /// <c>E[Z Zᵀ] = k I</c>, so <c>E tr(Y_aᵀ Y_b) = k tr(M_a M_b)</c>; the factor k cancels in S. The ratio is a
    /// cosine of the sketches, so by Cauchy–Schwarz the estimate is ≥ 0; only round-off can push it below, and
    /// it is clamped at 0 for that (identical operators give exactly 0 up to round-off). It is not clamped at 1:
    /// for nearly orthogonal kernels (true S near 1) sampling can give values slightly above 1, up to 2 at most.
    /// Returns NaN when either sketch is all zero (M = 0 on the probe: the distance is undefined).
    /// </remarks>
    /// <exception cref="ArgumentException">The sketches differ in k, seed, batch count or batch sizes, so they used different Z.</exception>
    public static double Distance(KernelSketch a, KernelSketch b)
    {
        RequireComparable(a, b);
        double ab = 0.0, aa = 0.0, bb = 0.0;
        for (var batch = 0; batch < a.BatchCount; batch++)
        {
            var ya = a._columns[batch];
            var yb = b._columns[batch];
            for (var t = 0; t < ya.Length; t++)
            {
                ab += ya[t] * yb[t];
                aa += ya[t] * ya[t];
                bb += yb[t] * yb[t];
            }
        }

        if (aa == 0.0 || bb == 0.0)
        {
            return double.NaN;
        }

        return Math.Max(0.0, 1.0 - ab / Math.Sqrt(aa * bb));
    }

    /// <summary>
    /// Relative change of the outputs the kernel was built on between two probes, <c>‖u_b − u_a‖ / ‖u_b‖</c> over every batch
    /// (u: the model's projected outputs on the probe set, <see cref="TangentKernelOutputs"/>): how far the function moved.
    /// NaN when <paramref name="b"/>'s outputs are all zero or either holds a non-finite entry.
    /// </summary>
    /// <exception cref="ArgumentException">The sketches cover different probe sets (see <see cref="Distance"/>).</exception>
    public static double OutputChange(KernelSketch a, KernelSketch b)
    {
        RequireComparable(a, b);
        double difference = 0.0, size = 0.0;
        for (var batch = 0; batch < a.BatchCount; batch++)
        {
            var ua = a._outputs[batch];
            var ub = b._outputs[batch];
            for (var i = 0; i < ua.Length; i++)
            {
                var d = ub[i] - ua[i];
                difference += d * d;
                size += ub[i] * ub[i];
            }
        }

        return size > 0.0 && double.IsFinite(difference) && double.IsFinite(size) ? Math.Sqrt(difference / size) : double.NaN;
    }

    private static void RequireComparable(KernelSketch a, KernelSketch b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Vectors != b.Vectors)
        {
            throw new ArgumentException($"Sketches use different numbers of vectors ({a.Vectors} and {b.Vectors}); they are not comparable.", nameof(b));
        }

        if (a.Seed != b.Seed)
        {
            throw new ArgumentException($"Sketches use different seeds ({a.Seed} and {b.Seed}), hence different Z; they are not comparable.", nameof(b));
        }

        if (a.BatchCount != b.BatchCount)
        {
            throw new ArgumentException($"Sketches cover different numbers of batches ({a.BatchCount} and {b.BatchCount}); the probe set must be fixed.", nameof(b));
        }

        for (var batch = 0; batch < a.BatchCount; batch++)
        {
            if (a._batchSizes[batch] != b._batchSizes[batch])
            {
                throw new ArgumentException(
                    $"Batch {batch} has size {a._batchSizes[batch]} in one sketch and {b._batchSizes[batch]} in the other; the probe set must be fixed.", nameof(b));
            }
        }
    }

    /// <summary>A copy of batch <paramref name="batch"/>'s sketch <c>Y_b</c>, column-major (column j at offset j·n_b).</summary>
    public double[] CopyBatchSketch(int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(batch, BatchCount);
        return (double[])_columns[batch].Clone();
    }
}
