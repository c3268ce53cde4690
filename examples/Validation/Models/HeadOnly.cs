using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Validation.Models;

/// <summary>Freezes a network's body so only its last Linear layer (the head) trains: the model is then linear in its trained parameters.</summary>
internal static class HeadOnly
{
    /// <summary>
    /// Sets <c>requires_grad = false</c> on every parameter outside the last <see cref="Linear"/> module in registration
    /// order. Call before attaching the monitor and creating the optimizer: both take the trainable set as it is then.
    /// </summary>
    public static void Freeze(nn.Module<Tensor, Tensor> model)
    {
        var head = model.modules().OfType<Linear>().LastOrDefault()
            ?? throw new ArgumentException("The model has no Linear layer to keep as its head.", nameof(model));
        var kept = head.parameters().Select(p => p.Handle).ToHashSet();
        foreach (var parameter in model.parameters())
        {
            parameter.requires_grad = kept.Contains(parameter.Handle);
        }
    }
}
