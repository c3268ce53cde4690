using TorchSharp;
using TorchSharp.PyBridge;
using TrainMonitor.Checkpoints;
using TrainMonitor.Cli.Runs;
using static TorchSharp.torch;

namespace TrainMonitor.Cli.Analysis.Models;

/// <summary>
/// Turns each checkpoint into a model on the CPU, in eval mode and in the requested dtype: a TorchScript file on its own,
/// or a state dict (TorchSharp, PyTorch or safetensors) loaded strictly into a new instance of the user's model type.
/// </summary>
internal sealed class CheckpointModelLoader
{
    private readonly ModelType? _modelType;
    private readonly CheckpointFormat? _format;
    private readonly ScalarType? _dtype;

    private CheckpointModelLoader(ModelType? modelType, CheckpointFormat? format, ScalarType? dtype)
    {
        _modelType = modelType;
        _format = format;
        _dtype = dtype;
    }

    /// <summary>Checkpoints are TorchScript modules.</summary>
    public static CheckpointModelLoader TorchScript(ScalarType? dtype) => new(null, CheckpointFormat.TorchScript, dtype);

    /// <summary>Checkpoints are state dicts of <paramref name="modelType"/>, in <paramref name="format"/> (null: told by each file's content).</summary>
    public static CheckpointModelLoader StateDict(ModelType modelType, CheckpointFormat? format, ScalarType? dtype) => new(modelType, format, dtype);

    /// <summary>What the checkpoints are, for the report: "TorchScript" or "state dicts of My.Model".</summary>
    public string Source => _modelType is null ? "TorchScript modules" : $"state dicts of {_modelType.Type.FullName}";

    /// <summary>
    /// The format of every checkpoint, checked before anything is probed so that a wrong kind of file stops the command at
    /// once with a message saying what to give instead.
    /// </summary>
    /// <exception cref="RunInputException">A checkpoint cannot be read or is of a kind this source cannot load.</exception>
    public IReadOnlyList<CheckpointFormat> Check(IReadOnlyList<Checkpoint> checkpoints) => checkpoints.Select(Check).ToArray();

    /// <summary>The model holding <paramref name="checkpoint"/>'s weights.</summary>
    public nn.Module<Tensor, Tensor> Load(Checkpoint checkpoint)
    {
        var format = _modelType is null ? CheckpointFormat.TorchScript : _format ?? CheckpointFormatDetection.Detect(checkpoint.Path);
        nn.Module<Tensor, Tensor> model = format == CheckpointFormat.TorchScript ? TorchScriptModel.Load(checkpoint.Path) : _modelType!.Create();
        try
        {
            // A PyTorch state dict is saved detached, and TorchSharp.PyBridge copies that flag onto the parameters: the probe
            // would find nothing to differentiate. Which parameters train is the model type's to say, so its constructor's
            // flags are put back after the load.
            var trainable = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.requires_grad);
            switch (format)
            {
                case CheckpointFormat.PyTorch:
                    model.load_py(checkpoint.Path, strict: true);
                    break;
                case CheckpointFormat.Safetensors:
                    model.load_safetensors(checkpoint.Path, strict: true);
                    break;
                case CheckpointFormat.TorchSharp:
                    model.load(checkpoint.Path, strict: true);
                    break;
            }

            foreach (var (name, parameter) in model.named_parameters())
            {
                if (trainable.TryGetValue(name, out var requiresGrad) && parameter.requires_grad != requiresGrad)
                {
                    parameter.requires_grad_(requiresGrad);
                }
            }

            if (_dtype is { } dtype)
            {
                model.to(dtype);
            }

            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private CheckpointFormat Check(Checkpoint checkpoint)
    {
        CheckpointFormat detected;
        try
        {
            detected = CheckpointFormatDetection.Detect(checkpoint.Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new RunInputException($"{checkpoint.Path}: cannot be read ({ex.Message}).", ex);
        }

        if (_modelType is null && detected != CheckpointFormat.TorchScript)
        {
            throw new RunInputException(
                $"{checkpoint.Path} is {CheckpointFormatDetection.Describe(detected)}, not a TorchScript module: give the model's type with " +
                "--model-type and --model-assembly to load state dicts into it, or export the model with torch.jit.script(model).save(path).");
        }

        if (_modelType is not null && detected == CheckpointFormat.TorchScript)
        {
            throw new RunInputException(
                $"{checkpoint.Path} is a TorchScript module, which carries its own architecture: leave out --model-type and --model-assembly to analyse it as one.");
        }

        return _format ?? detected;
    }
}
