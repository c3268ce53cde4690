using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Operators;

/// <summary>Tiny float64 models and batches; each factory is deterministic in its seed.</summary>
internal static class TestModels
{
    public const ScalarType F64 = ScalarType.Float64;

    /// <summary>Linear(4,8) → LayerNorm → GELU → Linear(8,3); 6 examples.</summary>
    public static nn.Module<Tensor, Tensor> Mlp(long seed)
    {
        manual_seed(seed);
        return nn.Sequential(
            ("fc1", nn.Linear(4, 8, dtype: F64)),
            ("norm", nn.LayerNorm(8, dtype: F64)),
            ("act", nn.GELU()),
            ("fc2", nn.Linear(8, 3, dtype: F64)));
    }

    public static (Tensor Input, Tensor RegressionTarget, Tensor Classes) MlpBatch(long seed)
    {
        manual_seed(seed);
        return (randn(6, 4, dtype: F64), randn(6, 3, dtype: F64), randint(0, 3, [6], dtype: ScalarType.Int64));
    }

    /// <summary>Causal single-block attention through SDPA, 2 heads, model width 8, 5 classes per token.</summary>
    public static nn.Module<Tensor, Tensor> Attention(long seed)
    {
        manual_seed(seed);
        return new TinyAttention();
    }

    /// <summary>x [2, 4, 8], regression target [2, 4, 5], token classes [2, 4].</summary>
    public static (Tensor Input, Tensor RegressionTarget, Tensor Classes) AttentionBatch(long seed)
    {
        manual_seed(seed);
        return (randn(2, 4, 8, dtype: F64), randn(2, 4, 5, dtype: F64), randint(0, 5, [2, 4], dtype: ScalarType.Int64));
    }

    /// <summary>Conv2d(1,3,3) → ReLU → MaxPool2d(2) → Flatten → Linear(12,4); 5 images 6×6.</summary>
    public static nn.Module<Tensor, Tensor> Cnn(long seed)
    {
        manual_seed(seed);
        return nn.Sequential(
            ("conv", nn.Conv2d(1, 3, 3, dtype: F64)),
            ("relu", nn.ReLU()),
            ("pool", nn.MaxPool2d(2)),
            ("flat", nn.Flatten()),
            ("fc", nn.Linear(12, 4, dtype: F64)));
    }

    public static (Tensor Input, Tensor RegressionTarget, Tensor Classes) CnnBatch(long seed)
    {
        manual_seed(seed);
        return (randn(5, 1, 6, 6, dtype: F64), randn(5, 4, dtype: F64), randint(0, 4, [5], dtype: ScalarType.Int64));
    }

    /// <summary>Linear → BatchNorm1d → Dropout → Tanh → Linear: modules whose training flag matters.</summary>
    public static nn.Module<Tensor, Tensor> MlpWithBatchNormAndDropout(long seed)
    {
        manual_seed(seed);
        return nn.Sequential(
            ("fc1", nn.Linear(4, 6, dtype: F64)),
            ("bn", nn.BatchNorm1d(6, dtype: F64)),
            ("drop", nn.Dropout(0.5)),
            ("act", nn.Tanh()),
            ("fc2", nn.Linear(6, 2, dtype: F64)));
    }

    private sealed class TinyAttention : nn.Module<Tensor, Tensor>
    {
        private const int Heads = 2;
        private readonly Linear qkv;
        private readonly Linear proj;
        private readonly LayerNorm norm;
        private readonly Linear head;

        public TinyAttention()
            : base(nameof(TinyAttention))
        {
            qkv = nn.Linear(8, 24, dtype: F64);
            proj = nn.Linear(8, 8, dtype: F64);
            norm = nn.LayerNorm(8, dtype: F64);
            head = nn.Linear(8, 5, dtype: F64);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var (n, t, d) = (x.shape[0], x.shape[1], x.shape[2]);
            var parts = qkv.call(x).chunk(3, -1);
            Tensor Split(Tensor z) => z.reshape(n, t, Heads, d / Heads).transpose(1, 2);
            var attended = nn.functional.scaled_dot_product_attention(Split(parts[0]), Split(parts[1]), Split(parts[2]), is_casual: true);
            var merged = attended.transpose(1, 2).reshape(n, t, d);
            var y = x + proj.call(merged);
            return head.call(nn.functional.gelu(norm.call(y))).MoveToOuterDisposeScope();
        }
    }
}
