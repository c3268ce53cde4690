using TorchSharp;
using TrainMonitor.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Operators;

internal static class Numerics
{
    /// <summary>‖a − b‖_F / ‖b‖_F in float64.</summary>
    public static double RelativeError(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var diff = (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).norm().item<double>();
        return diff / b.to_type(ScalarType.Float64).norm().item<double>();
    }

    /// <summary>The matrix of an operator, column by column: M e_j for every unit vector.</summary>
    public static Tensor MaterialiseColumns(IErrorOperator op)
    {
        var columns = new Tensor[op.Size];
        for (var j = 0; j < op.Size; j++)
        {
            using var unit = zeros(op.Size, ScalarType.Float64);
            unit[j] = tensor(1.0, ScalarType.Float64);
            columns[j] = op.Apply(unit);
        }

        var matrix = stack(columns, 1);
        foreach (var c in columns)
        {
            c.Dispose();
        }

        return matrix;
    }

    /// <summary>Raw bytes of a tensor (contiguous copy), for bit-exact comparisons.</summary>
    public static byte[] Bytes(Tensor t)
    {
        using var c = t.detach().contiguous().cpu();
        return c.bytes.ToArray();
    }
}
