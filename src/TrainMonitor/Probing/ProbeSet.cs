using TorchSharp;
using TrainMonitor.Errors;
using static TorchSharp.torch;

namespace TrainMonitor.Probing;

/// <summary>
/// The fixed held-out probe set: the same examples, in the same order, split into the same batches at every probe,
/// so that profiles at different steps are comparable (DESIGN §1.1).
/// </summary>
/// <remarks>
/// The set owns detached, contiguous copies of its tensors (never views of the caller's tensors, and never registered
/// in a dispose scope), so the caller may dispose or modify the tensors it passed in; <see cref="Dispose"/> frees the
/// copies. A monitor only reads the set: keep it alive until the monitor is disposed. Not thread-safe for disposal
/// while in use.
/// </remarks>
public sealed class ProbeSet : IDisposable
{
    /// <summary>Default dictionary key of the input tensor in a <see cref="torch.utils.data.Dataset"/> item.</summary>
    public const string DefaultInputKey = "data";

    /// <summary>Default dictionary key of the target tensor in a <see cref="torch.utils.data.Dataset"/> item.</summary>
    public const string DefaultTargetKey = "label";

    private readonly ProbeBatch[] _batches;
    private bool _disposed;

    private ProbeSet(ProbeBatch[] batches, long count, int batchSize)
    {
        _batches = batches;
        Count = count;
        BatchSize = batchSize;
        Device = batches[0].Input.device;
    }

    /// <summary>The batches, in the fixed order (the last one may be smaller).</summary>
    public IReadOnlyList<ProbeBatch> Batches
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _batches;
        }
    }

    /// <summary>Number of examples (rows along dimension 0).</summary>
    public long Count { get; }

    /// <summary>Examples per batch (the last batch may hold fewer).</summary>
    public int BatchSize { get; }

    /// <summary>Device the tensors live on.</summary>
    public Device Device { get; }

    /// <summary>
    /// Splits <paramref name="inputs"/> and <paramref name="targets"/> along dimension 0 into batches of
    /// <paramref name="batchSize"/> examples (in order; the last batch may be smaller) and keeps detached copies.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is below 1.</exception>
    /// <exception cref="ArgumentException">
    /// A tensor is disposed or 0-dimensional, the set is empty, the first dimensions differ, or the tensors are on
    /// different devices.
    /// </exception>
    public static ProbeSet FromTensors(Tensor inputs, Tensor targets, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ValidateTensor(inputs, nameof(inputs));
        ValidateTensor(targets, nameof(targets));
        var count = inputs.shape[0];
        if (count == 0)
        {
            throw new ArgumentException($"The probe set is empty: inputs are {TensorDescription.Describe(inputs)}.", nameof(inputs));
        }

        if (targets.shape[0] != count)
        {
            throw new ArgumentException(
                $"Inputs and targets must have the same first dimension (one row per example); inputs are {TensorDescription.Describe(inputs)}, targets are {TensorDescription.Describe(targets)}.",
                nameof(targets));
        }

        if (!TensorDescription.SameDevice(inputs, targets))
        {
            throw new ArgumentException(
                $"Inputs and targets must be on one device; inputs are {TensorDescription.Describe(inputs)}, targets are {TensorDescription.Describe(targets)}.",
                nameof(targets));
        }

        var batches = new List<ProbeBatch>();
        try
        {
            for (long start = 0; start < count; start += batchSize)
            {
                var end = Math.Min(count, start + batchSize);
                batches.Add(new ProbeBatch(OwnedSlice(inputs, start, end), OwnedSlice(targets, start, end)));
            }
        }
        catch
        {
            DisposeBatches(batches);
            throw;
        }

        return new ProbeSet([.. batches], count, batchSize);
    }

    /// <summary>
    /// Takes the first <paramref name="count"/> examples of <paramref name="dataset"/> (all when null) in index order,
    /// stacks each item's input and target, and splits them into batches as <see cref="FromTensors"/> does.
    /// </summary>
    /// <param name="dataset">A dataset whose items are dictionaries of tensors.</param>
    /// <param name="batchSize">Examples per batch.</param>
    /// <param name="count">How many examples to take from the start; all of them when null.</param>
    /// <param name="inputKey">Key of the input tensor in each item (default <c>"data"</c>).</param>
    /// <param name="targetKey">Key of the target tensor in each item (default <c>"label"</c>).</param>
    /// <remarks>Tensors the dataset creates for each item are disposed once stacked (as TorchSharp's DataLoader does).</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> below 1, or <paramref name="count"/> below 1 or above the dataset's size.</exception>
    /// <exception cref="ArgumentException">The dataset is empty or an item lacks a key.</exception>
    public static ProbeSet FromDataset(torch.utils.data.Dataset dataset, int batchSize, int? count = null,
        string inputKey = DefaultInputKey, string targetKey = DefaultTargetKey)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentException.ThrowIfNullOrEmpty(inputKey);
        ArgumentException.ThrowIfNullOrEmpty(targetKey);
        var available = dataset.Count;
        if (available < 1)
        {
            throw new ArgumentException("The dataset is empty.", nameof(dataset));
        }

        if (count is { } requested && (requested < 1 || requested > available))
        {
            throw new ArgumentOutOfRangeException(nameof(count), requested, $"{nameof(count)} must lie in [1, {available}] (the dataset's size).");
        }

        var take = count ?? checked((int)available);
        using var scope = NewDisposeScope();
        var inputs = new Tensor[take];
        var targets = new Tensor[take];
        for (var i = 0; i < take; i++)
        {
            var item = dataset.GetTensor(i) ?? throw new ArgumentException($"The dataset returned null for item {i}.", nameof(dataset));
            inputs[i] = item.TryGetValue(inputKey, out var x)
                ? x
                : throw new ArgumentException($"Dataset item {i} has no '{inputKey}' entry (keys: {string.Join(", ", item.Keys)}).", nameof(inputKey));
            targets[i] = item.TryGetValue(targetKey, out var y)
                ? y
                : throw new ArgumentException($"Dataset item {i} has no '{targetKey}' entry (keys: {string.Join(", ", item.Keys)}).", nameof(targetKey));
        }

        // stack copies, so the set never aliases tensors the dataset may cache; the scope frees the stacked temporaries.
        var stackedInputs = stack(inputs, 0);
        var stackedTargets = stack(targets, 0);
        return FromTensors(stackedInputs, stackedTargets, batchSize);
    }

    /// <summary>A copy of this set on <paramref name="device"/> (same batches, same order); the caller owns and disposes it.</summary>
    public ProbeSet To(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var batches = new List<ProbeBatch>(_batches.Length);
        try
        {
            foreach (var batch in _batches)
            {
                batches.Add(new ProbeBatch(CopyTo(batch.Input, device), CopyTo(batch.Target, device)));
            }
        }
        catch
        {
            DisposeBatches(batches);
            throw;
        }

        return new ProbeSet([.. batches], Count, BatchSize);
    }

    /// <summary>
    /// A set of the first <paramref name="count"/> examples (the same batch size, so its batches are this set's first ones,
    /// the last possibly cut short); the caller owns and disposes it.
    /// </summary>
    internal ProbeSet Prefix(long count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        count = Math.Min(count, Count);
        var batches = new List<ProbeBatch>();
        try
        {
            for (long start = 0, b = 0; start < count; start += BatchSize, b++)
            {
                var end = Math.Min(count, start + BatchSize);
                var source = _batches[b];
                batches.Add(new ProbeBatch(OwnedSlice(source.Input, 0, end - start), OwnedSlice(source.Target, 0, end - start)));
            }
        }
        catch
        {
            DisposeBatches(batches);
            throw;
        }

        return new ProbeSet([.. batches], count, BatchSize);
    }

    /// <summary>Frees the set's tensors.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DisposeBatches(_batches);
    }

    private static void ValidateTensor(Tensor tensor, string name)
    {
        if (tensor.IsInvalid)
        {
            throw new ArgumentException("The tensor has been disposed.", name);
        }

        if (tensor.dim() == 0)
        {
            throw new ArgumentException($"Expected at least one dimension (examples along dimension 0); got {TensorDescription.Describe(tensor)}.", name);
        }
    }

    private static Tensor OwnedSlice(Tensor source, long start, long end)
    {
        using var scope = NewDisposeScope();
        var copy = source.detach().narrow(0, start, end - start).contiguous().clone();
        return copy.DetachFromDisposeScope();
    }

    private static Tensor CopyTo(Tensor source, Device device)
    {
        // to(device) returns the same tensor when it is already there: clone so each set owns its tensors.
        using var scope = NewDisposeScope();
        var copy = source.detach().to(device).clone();
        return copy.DetachFromDisposeScope();
    }

    private static void DisposeBatches(IEnumerable<ProbeBatch> batches)
    {
        foreach (var batch in batches)
        {
            batch.Input.Dispose();
            batch.Target.Dispose();
        }
    }
}
