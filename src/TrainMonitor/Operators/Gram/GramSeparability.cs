using System.Runtime.CompilerServices;
using TorchSharp;
using TrainMonitor.Errors;
using static TorchSharp.torch;

namespace TrainMonitor.Operators.Gram;

/// <summary>
/// Remembers, per (model instance, error function), whether the numerical separability check of the Gram path
/// passed, so it runs on the first Gram probe only. Entries die with the model.
/// </summary>
/// <remarks>
/// Whether errors couple examples is a property of the architecture and the error function, not of the weights or the
/// batch: a model that normalises over the batch couples at every step, one that does not never does.
/// </remarks>
internal static class GramSeparability
{
    private const string Separable = "";
    private static readonly ConditionalWeakTable<nn.Module, ConditionalWeakTable<ErrorFunction, string>> Verdicts = new();

    /// <summary>Null when unknown; empty when separable; otherwise why not.</summary>
    public static string? Lookup(nn.Module model, ErrorFunction error) =>
        Verdicts.TryGetValue(model, out var perError) && perError.TryGetValue(error, out var verdict) ? verdict : null;

    public static void Record(nn.Module model, ErrorFunction error, string? couplingReason)
    {
        var perError = Verdicts.GetOrCreateValue(model);
        perError.AddOrUpdate(error, couplingReason ?? Separable);
    }

    public static bool IsSeparable(string verdict) => verdict.Length == 0;
}
