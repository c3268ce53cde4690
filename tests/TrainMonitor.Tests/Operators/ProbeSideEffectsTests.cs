using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Operators;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Operators;

/// <summary>A probe leaves no trace: parameters, gradients, flags, module modes, buffers, flash flag, RNG.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class ProbeSideEffectsTests
{
    [Theory]
    [InlineData(true, JvpMethod.DoubleBackward)]
    [InlineData(false, JvpMethod.DoubleBackward)]
    [InlineData(true, JvpMethod.FiniteDifference)]
    public void BuildingAndApplyingOperatorsLeavesTheTrainingStateUntouched(bool flashBefore, JvpMethod method)
    {
        using var scope = NewDisposeScope();
        var flashOriginal = torch.backends.cuda.flash_sdp_enabled();
        try
        {
            using var model = TestModels.MlpWithBatchNormAndDropout(41);
            manual_seed(42);
            var input = randn(8, 4, dtype: ScalarType.Float64);
            var target = randn(8, 2, dtype: ScalarType.Float64);

            // A training-like state: train mode except one submodule, gradients present except one, one frozen parameter.
            model.train();
            var named = model.named_modules().ToDictionary(m => m.name, m => m.module);
            named["act"].eval();
            var parameters = model.parameters().ToArray();
            (model.call(input) - target).square().sum().backward();
            parameters[1].grad = null;
            parameters[^1].requires_grad_(false);
            torch.backends.cuda.enable_flash_sdp(flashBefore);

            var paramBytes = parameters.Select(Numerics.Bytes).ToArray();
            var gradBytes = parameters.Select(p => p.grad is { } g ? Numerics.Bytes(g) : null).ToArray();
            var requiresGrad = parameters.Select(p => p.requires_grad).ToArray();
            var buffers = model.buffers().Select(Numerics.Bytes).ToArray();
            var modes = model.modules().Select(m => m.training).Prepend(model.training).ToArray();
            var rng = Numerics.Bytes(torch.random.get_rng_state());
            var gradMode = is_grad_enabled();

            using (var guard = new ProbeGuard(model))
            {
                Assert.All(model.modules().Prepend(model), m => Assert.False(m.training));
                Assert.False(torch.backends.cuda.flash_sdp_enabled());
                Assert.Equal(flashBefore, guard.FlashAttentionWasEnabled);
                using var op = AutogradErrorOperator.ForModel(model, input, target, ErrorFunctions.SquaredError,
                    new AutogradOperatorOptions { JvpMethod = method });
                using var v = ones(op.Size, ScalarType.Float64);
                for (var k = 0; k < 3; k++)
                {
                    using var r = op.Apply(v);
                }

                using var exact = ExactErrorOperator.ForModel(model, input, target, ErrorFunctions.SquaredError);
            }

            // Without an outer guard the model factory still runs its forwards in eval mode and restores the modes.
            using (var op = AutogradErrorOperator.ForModel(model, input, target, ErrorFunctions.SquaredError, new AutogradOperatorOptions { JvpMethod = method }))
            {
                using var r = op.Apply(ones(op.Size, ScalarType.Float64));
            }

            Assert.Equal(paramBytes, parameters.Select(Numerics.Bytes).ToArray());
            Assert.Equal(gradBytes, parameters.Select(p => p.grad is { } g ? Numerics.Bytes(g) : null).ToArray());
            Assert.Null(parameters[1].grad);
            Assert.Equal(requiresGrad, parameters.Select(p => p.requires_grad).ToArray());
            Assert.Equal(buffers, model.buffers().Select(Numerics.Bytes).ToArray());
            Assert.Equal(modes, model.modules().Select(m => m.training).Prepend(model.training).ToArray());
            Assert.True(model.training);
            Assert.False(named["act"].training);
            Assert.True(named["drop"].training);
            Assert.Equal(flashBefore, torch.backends.cuda.flash_sdp_enabled());
            Assert.Equal(rng, Numerics.Bytes(torch.random.get_rng_state()));
            Assert.Equal(gradMode, is_grad_enabled());
        }
        finally
        {
            torch.backends.cuda.enable_flash_sdp(flashOriginal);
        }
    }

    [Fact]
    public void ProbeGuardEnablesGradAndRestoresTheCallersMode()
    {
        using var model = TestModels.Mlp(1);
        using (no_grad())
        {
            Assert.False(is_grad_enabled());
            using (new ProbeGuard(model))
            {
                Assert.True(is_grad_enabled());
            }

            Assert.False(is_grad_enabled());
        }
    }

    [Fact]
    public void NextRandomDrawIsTheSameWithOrWithoutAProbe()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.MlpWithBatchNormAndDropout(5);
        manual_seed(6);
        var input = randn(8, 4, dtype: ScalarType.Float64);
        var target = randn(8, 2, dtype: ScalarType.Float64);
        model.train();

        manual_seed(1234);
        var expected = rand(16, dtype: ScalarType.Float64);

        manual_seed(1234);
        using (new ProbeGuard(model))
        using (var op = AutogradErrorOperator.ForModel(model, input, target, ErrorFunctions.SquaredError))
        {
            using var r = op.Apply(ones(op.Size, ScalarType.Float64));
        }

        var actual = rand(16, dtype: ScalarType.Float64);
        Assert.Equal(Numerics.Bytes(expected), Numerics.Bytes(actual));
    }
}
