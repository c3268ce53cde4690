namespace Validation.Scenarios;

internal enum OptimizerKind
{
    Sgd,
    Momentum,
    Adam,
    AdamW,
}
