using TorchSharp;
using TrainMonitor.Errors;
using static TorchSharp.torch;

namespace TrainMonitor.Benchmarks;

/// <summary>
/// A float32 model whose M is rank-deficient on its probe batch, with its float64 twin (the same weights and inputs
/// cast to float64): the twin's exact M is the truth a float32 probe is compared with. Every number comes from a
/// seeded generator.
/// </summary>
internal sealed class RankDeficientCase : IDisposable
{
    private RankDeficientCase(string name, string why, Func<ScalarType, nn.Module<Tensor, Tensor>> build, Tensor input, Tensor target, ErrorFunction error)
    {
        Name = name;
        Why = why;
        Error = error;
        Model = build(ScalarType.Float32);
        Twin = build(ScalarType.Float64);
        using (no_grad())
        {
            // The twin gets the float32 weights exactly (float32 → float64 is exact), so the two differ by round-off only.
            foreach (var (p64, p32) in Twin.parameters().Zip(Model.parameters()))
            {
                p64.copy_(p32);
            }
        }

        Input = input.is_floating_point() ? input.to_type(ScalarType.Float32).DetachFromDisposeScope() : input.DetachFromDisposeScope();
        TwinInput = input.is_floating_point() ? Input.to_type(ScalarType.Float64).DetachFromDisposeScope() : input.alias().DetachFromDisposeScope();
        Target = (target.is_floating_point() ? target.to_type(ScalarType.Float32) : target).DetachFromDisposeScope();
        TwinTarget = (target.is_floating_point() ? Target.to_type(ScalarType.Float64) : target.alias()).DetachFromDisposeScope();
    }

    public string Name { get; }

    /// <summary>Why M is rank-deficient.</summary>
    public string Why { get; }

    public nn.Module<Tensor, Tensor> Model { get; }

    public nn.Module<Tensor, Tensor> Twin { get; }

    public Tensor Input { get; }

    public Tensor Target { get; }

    public Tensor TwinInput { get; }

    public Tensor TwinTarget { get; }

    public ErrorFunction Error { get; }

    /// <summary>The cases of the nullfloor suite (and the float32 cases of the accuracy suite).</summary>
    public static IEnumerable<Func<RankDeficientCase>> All()
    {
        yield return Duplicated;
        yield return Bottleneck;
        yield return DeadUnits;
        yield return DependentInputs;
    }

    /// <summary>
    /// 8-32-32-2 GELU MLP, squared error; 128 examples made of 64 distinct inputs each twice with independent
    /// targets: duplicate examples have identical Jacobian rows, so rank ≤ 64·2 = 128 of n = 256 (P = 1410 &gt; n),
    /// and the differing targets put error into the null space.
    /// </summary>
    public static RankDeficientCase Duplicated()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(301);
        var distinct = randn(new long[] { 64, 8 }, generator: generator);
        var input = cat(new[] { distinct, distinct }, 0);
        var target = randn(new long[] { 128, 2 }, generator: generator);
        return new RankDeficientCase("duplicated inputs 8-32-32-2 mse", "each input twice, different targets", d => Mlp([8, 32, 32, 2], 311, d, relu: false), input, target, ErrorFunctions.SquaredError);
    }

    /// <summary>16-4-2-4 GELU MLP, cross-entropy, n = 256: P = 90, so rank ≤ 90 through the narrow bottleneck.</summary>
    public static RankDeficientCase Bottleneck()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(302);
        var input = randn(new long[] { 256, 16 }, generator: generator);
        var target = randint(0, 4, new long[] { 256 }, generator: generator);
        return new RankDeficientCase("bottleneck 16-4-2-4 ce", "P = 90 < n", d => Mlp([16, 4, 2, 4], 312, d, relu: false), input, target, ErrorFunctions.CrossEntropy);
    }

    /// <summary>
    /// 16-24-4 ReLU MLP, cross-entropy, n = 256, with 16 of the 24 hidden units dead (bias −100): their weights and
    /// outgoing weights have zero gradient, leaving 16·8 + 8 + 8·4 + 4 = 172 live parameters, rank ≤ 172.
    /// </summary>
    public static RankDeficientCase DeadUnits()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(303);
        var input = randn(new long[] { 256, 16 }, generator: generator);
        var target = randint(0, 4, new long[] { 256 }, generator: generator);
        return new RankDeficientCase("dead units 16-24(16 dead)-4 relu ce", "16 of 24 hidden units dead", d =>
        {
            var model = Mlp([16, 24, 4], 313, d, relu: true);
            using (no_grad())
            {
                var bias = model.parameters().ElementAt(1);
                bias.narrow(0, 0, 16).fill_(-100.0);
            }

            return model;
        }, input, target, ErrorFunctions.CrossEntropy);
    }

    /// <summary>
    /// Linear 32 → 1, squared error, n = 128 inputs of rank 6 (x = a B, a ∈ R⁶): Jacobian rows [x, 1] span at most
    /// 7 dimensions, so 121 of 128 eigenvalues of M are exactly 0.
    /// </summary>
    public static RankDeficientCase DependentInputs()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(304);
        var input = randn(new long[] { 128, 6 }, generator: generator).mm(randn(new long[] { 6, 32 }, generator: generator));
        var target = randn(new long[] { 128, 1 }, generator: generator);
        return new RankDeficientCase("dependent inputs linear 32-1 mse", "inputs of rank 6", d => Mlp([32, 1], 314, d, relu: false), input, target, ErrorFunctions.SquaredError);
    }

    public void Dispose()
    {
        Model.Dispose();
        Twin.Dispose();
        Input.Dispose();
        Target.Dispose();
        TwinInput.Dispose();
        TwinTarget.Dispose();
    }

    private static nn.Module<Tensor, Tensor> Mlp(int[] widths, int seed, ScalarType dtype, bool relu)
    {
        if (!relu)
        {
            // Same draws for both dtypes; the twin is overwritten with the float32 weights anyway.
            using var generator = new Generator((ulong)seed);
            return GeluMlp.Create(widths, generator, dtype);
        }

        using var g = new Generator((ulong)seed);
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (var i = 0; i + 1 < widths.Length; i++)
        {
            var linear = nn.Linear(widths[i], widths[i + 1], dtype: dtype);
            var bound = 1.0 / Math.Sqrt(widths[i]);
            SeededUniform.Fill(linear.weight!, bound, g);
            SeededUniform.Fill(linear.bias!, bound, g);
            layers.Add(($"linear{i}", linear));
            if (i + 2 < widths.Length)
            {
                layers.Add(($"relu{i}", nn.ReLU()));
            }
        }

        return nn.Sequential(layers);
    }
}
