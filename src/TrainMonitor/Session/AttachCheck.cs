using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Session;

/// <summary>
/// The check <c>TrainingMonitor.Attach</c> (and the hosting package's factory) makes before it accepts a model,
/// a probe set and an error function: the model runs on the first probe batch and the error function on its output, so
/// a probe set the model cannot take (shape, dtype, device) or an error function of the wrong shape fails at attach with
/// an <see cref="ArgumentException"/> naming both sides, instead of failing every probe later as a logged warning.
/// </summary>
/// <remarks>
/// <para>
/// Two forward passes of the first batch, with the module modes a probe uses (<see cref="ProbeGuard"/>: evaluation
/// mode, flash attention off). The first runs under <c>no_grad</c> and is the one whose libtorch error is caught and
/// explained; the second runs with grad enabled only to see whether the error vector requires grad — the one sign of an
/// error not connected to the parameters — which <see cref="ErrorFunction.Compute"/> checks. Neither calls
/// <c>autograd.grad</c> (DESIGN §4: its errors abort the process and cannot be caught).
/// </para>
/// <para>
/// Only errors libtorch reports through TorchSharp can be turned into a message: TorchSharp 0.107 catches them in most ops
/// (<c>nn.Linear</c>'s shape and dtype errors among them, tested) but not in <c>Tensor.matmul</c>,
/// whose shape error aborts the process here as it would in any forward pass.
/// </para>
/// <para>
/// Nothing of the run changes: module modes come back through the guard, parameters and their gradients are only read
/// (no backward pass), every tensor created dies with the check's dispose scope, and the global CPU generator is saved
/// and restored around the passes — evaluation-mode dropout draws nothing, but a model's own forward might.
/// </para>
/// </remarks>
internal static partial class AttachCheck
{
    /// <summary>Runs the check on the first batch of <paramref name="probe"/> (on the model's device, as the monitor probes it).</summary>
    /// <exception cref="ArgumentException">
    /// (parameter <c>probe</c>) The model cannot run on the batch, or the batch's targets do not fit the error function;
    /// (parameter <c>error</c>) the error function throws, or returns anything but a non-empty 1-D floating vector connected
    /// to the parameters.
    /// </exception>
    public static void Run(nn.Module<Tensor, Tensor> model, ProbeSet probe, ErrorFunction error)
    {
        var batch = probe.Batches[0];
        var parameters = model.parameters().ToArray();
        if (parameters.Length == 0)
        {
            return; // Attach reports a model without parameters in its own words
        }

        var device = parameters[0].device;
        var rng = torch.random.get_rng_state();
        try
        {
            using var scope = NewDisposeScope();
            using var guard = new ProbeGuard(model, manageGradMode: false);
            var input = OnDevice(batch.Input, device);
            var target = OnDevice(batch.Target, device);
            using (no_grad())
            {
                var output = Forward(model, input, target, parameters);
                ErrorsOf(error, output, target);
            }

            using (enable_grad())
            {
                ErrorsOf(error, Forward(model, input, target, parameters), target);
            }
        }
        finally
        {
            torch.random.set_rng_state(rng);
            rng.Dispose();
        }
    }

    // The monitor copies the probe set to the model's device; the check sees the batch as a probe will.
    private static Tensor OnDevice(Tensor tensor, Device device) =>
        tensor.device_type == device.type && tensor.device_index == device.index ? tensor : tensor.to(device);

    private static Tensor Forward(nn.Module<Tensor, Tensor> model, Tensor input, Tensor target, Tensor[] parameters)
    {
        try
        {
            return model.call(input) ?? throw new InvalidOperationException("The model's forward pass returned null.");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ArgumentException(
                $"The model cannot run on the first probe batch ({Source(ex)}: {TorchErrorText.Summary(ex)}). " +
                $"The batch's input is {TensorDescription.Describe(input)} (target {TensorDescription.Describe(target)}); " +
                $"the model's parameters are {DescribeParameters(parameters)}.{Hint(ex, input, parameters)} " +
                "Every probe would fail the same way.",
                "probe", ex);
        }
    }

    private static void ErrorsOf(ErrorFunction error, Tensor output, Tensor target)
    {
        Tensor errors;
        try
        {
            errors = error.Compute(output, target);
        }
        catch (ArgumentException ex)
        {
            // Compute's own checks: a target that does not fit is the probe set's to fix, the rest the error function's.
            throw new ArgumentException(
                $"Checked on the first probe batch: {TorchErrorText.Summary(ex)}",
                ex.ParamName == "target" ? "probe" : nameof(error), ex);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ArgumentException(
                $"Error function '{error.Name}' threw {ex.GetType().Name} on the first probe batch (model output {TensorDescription.Describe(output)}, " +
                $"target {TensorDescription.Describe(target)}): {TorchErrorText.Summary(ex)}",
                nameof(error), ex);
        }

        if (errors.shape[0] == 0)
        {
            throw new ArgumentException(
                $"Error function '{error.Name}' returned an empty error vector ({TensorDescription.Describe(errors)}) for the first probe batch " +
                $"(model output {TensorDescription.Describe(output)}): a probe needs at least one error entry.",
                nameof(error));
        }
    }

    // libtorch's errors arrive as ExternalException: naming the library says more than the type.
    private static string Source(Exception ex) => ex is ExternalException ? "libtorch" : ex.GetType().Name;

    /// <summary>"Float32 on cpu", or every distinct dtype and device of the parameters.</summary>
    private static string DescribeParameters(Tensor[] parameters) =>
        string.Join(", ", parameters.Select(p => $"{p.dtype} on {p.device}").Distinct(StringComparer.Ordinal));

    /// <summary>What the libtorch message and the tensors say the mismatch is, as a sentence; empty when nothing is clear.</summary>
    private static string Hint(Exception ex, Tensor input, Tensor[] parameters)
    {
        if (!parameters.Any(p => TensorDescription.SameDevice(p, input)))
        {
            return $" The input is on {input.device}, the parameters on {string.Join(", ", parameters.Select(p => p.device.ToString()).Distinct(StringComparer.Ordinal))}.";
        }

        var floating = parameters.Where(p => p.is_floating_point()).Select(p => p.dtype).Distinct().ToArray();
        if (input.is_floating_point() && floating.Length > 0 && !floating.Contains(input.dtype))
        {
            return $" The input's dtype {input.dtype} is not the parameters' {floating[0]}: convert the probe inputs (x.to_type(ScalarType.{floating[0]})) or the model.";
        }

        var product = MatrixProductShapes().Match(ex.Message);
        if (product.Success)
        {
            var got = long.Parse(product.Groups["got"].Value, CultureInfo.InvariantCulture);
            var expected = long.Parse(product.Groups["expected"].Value, CultureInfo.InvariantCulture);
            return $" A layer expects {expected} input features (the last dimension) where the batch gives {got}: input shape {TensorDescription.Shape(input)}, expected [N, …, {expected}].";
        }

        return string.Empty;
    }

    // libtorch's linear/matmul shape error: "mat1 and mat2 shapes cannot be multiplied (16x32 and 64x8)".
    [GeneratedRegex(@"shapes cannot be multiplied \((?<rows>\d+)x(?<got>\d+) and (?<expected>\d+)x(?<cols>\d+)\)")]
    private static partial Regex MatrixProductShapes();
}
