using TorchSharp;
using TrainMonitor.Errors;
using static TorchSharp.torch;

namespace TrainMonitor.Benchmarks;

/// <summary>
/// Where the time of one double-backward product goes: the VJP <c>Jᵀ u</c> (a backward pass through the retained
/// forward graph), the JVP <c>J w</c> (a backward pass through the create-graph backward), and the one-off cost of
/// building that create-graph backward, each against a training step.
/// </summary>
internal sealed class ProductProfile
{
    private ProductProfile(List<string> lines) => Lines = lines;

    public IReadOnlyList<string> Lines { get; }

    public static ProductProfile Measure(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y, Action trainingStep, int pairs)
    {
        var lines = new List<string>();
        using var scope = NewDisposeScope();
        var parameters = model.parameters().Where(p => p.requires_grad).Cast<Tensor>().ToArray();
        using var grad = enable_grad();
        model.eval();
        var errors = ErrorFunctions.CrossEntropy.Compute(model.call(x), y);
        var n = errors.shape[0];
        var u = randn(new[] { n }, errors.dtype);
        var dummy = zeros_like(errors).requires_grad_(true);
        var dual = autograd.grad([errors], parameters, [dummy], retain_graph: true, create_graph: true, allow_unused: true);
        var w = autograd.grad([errors], parameters, [u], retain_graph: true, create_graph: false, allow_unused: true);

        void Vjp()
        {
            using var s = NewDisposeScope();
            autograd.grad([errors], parameters, [u], retain_graph: true, create_graph: false, allow_unused: true);
        }

        void Jvp()
        {
            using var s = NewDisposeScope();
            autograd.grad([.. dual], [dummy], [.. w], retain_graph: true, create_graph: false, allow_unused: true);
        }

        void BuildDual()
        {
            using var s = NewDisposeScope();
            var e = ErrorFunctions.CrossEntropy.Compute(model.call(x), y);
            var d = zeros_like(e).requires_grad_(true);
            autograd.grad([e], parameters, [d], retain_graph: true, create_graph: true, allow_unused: true);
        }

        void Forward()
        {
            using var s = NewDisposeScope();
            ErrorFunctions.CrossEntropy.Compute(model.call(x), y);
        }

        var vjp = PairedTiming.Measure(Vjp, trainingStep, warmup: 2, pairs);
        lines.Add(vjp.Describe("VJP Jᵀu", "training step"));
        var jvp = PairedTiming.Measure(Jvp, trainingStep, warmup: 2, pairs);
        lines.Add(jvp.Describe("JVP J w (double backward)", "training step"));
        var build = PairedTiming.Measure(BuildDual, trainingStep, warmup: 2, pairs);
        lines.Add(build.Describe("forward + create-graph backward (once per batch)", "training step"));
        var forward = PairedTiming.Measure(Forward, trainingStep, warmup: 2, pairs);
        lines.Add(forward.Describe("forward with graph", "training step"));
        model.train();
        return new ProductProfile(lines);
    }
}
