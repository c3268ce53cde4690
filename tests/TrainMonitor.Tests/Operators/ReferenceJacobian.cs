using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Operators;

/// <summary>
/// A Jacobian built without autograd.grad: on a fresh copy of the model, one forward and one
/// <c>backward()</c> into <c>.grad</c> per error entry. Independent of the code under test except
/// for the error function's forward formula.
/// </summary>
internal static class ReferenceJacobian
{
    public static Tensor Compute(Func<nn.Module<Tensor, Tensor>> makeCopy, nn.Module<Tensor, Tensor> original, Tensor input, Tensor target, ErrorFunction error)
    {
        using var copy = makeCopy();
        copy.load_state_dict(original.state_dict());
        var parameters = copy.parameters().Where(p => p.requires_grad).ToArray();
        using var guard = new ProbeGuard(copy);
        int n;
        using (var probe = error.Compute(copy.call(input), target))
        {
            n = (int)probe.shape[0];
        }

        var rows = new List<Tensor>();
        for (var i = 0; i < n; i++)
        {
            foreach (var p in parameters)
            {
                p.grad = null;
            }

            using var scope = NewDisposeScope();
            var e = error.Compute(copy.call(input), target);
            e[i].backward();
            var row = cat(parameters.Select(p => p.grad is { } g ? g.reshape(-1).to_type(ScalarType.Float64) : zeros(p.numel(), ScalarType.Float64)).ToArray(), 0);
            rows.Add(row.MoveToOuterDisposeScope());
        }

        var jacobian = stack(rows.ToArray(), 0);
        foreach (var r in rows)
        {
            r.Dispose();
        }

        return jacobian;
    }
}
