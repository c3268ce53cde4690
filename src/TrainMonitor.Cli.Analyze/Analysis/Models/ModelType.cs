using System.Reflection;
using System.Runtime.Loader;
using TorchSharp;
using TrainMonitor.Cli.Runs;
using static TorchSharp.torch;

namespace TrainMonitor.Cli.Analysis.Models;

/// <summary>
/// A TorchSharp model type from the user's assembly (<c>--model-type</c>, <c>--model-assembly</c>): an
/// <c>nn.Module&lt;Tensor, Tensor&gt;</c> with a public parameterless constructor, instantiated once per checkpoint before
/// the checkpoint's state dict is loaded into it.
/// </summary>
internal sealed class ModelType
{
    private readonly ConstructorInfo _constructor;

    private ModelType(Type type, ConstructorInfo constructor)
    {
        Type = type;
        _constructor = constructor;
    }

    /// <summary>The model's type.</summary>
    public Type Type { get; }

    /// <summary>
    /// Loads <paramref name="assemblyPath"/> (its dependencies are looked for beside it) and finds <paramref name="typeName"/>:
    /// a full name, or a simple name that only one type of the assembly has.
    /// </summary>
    /// <exception cref="RunInputException">The assembly cannot be loaded, or the type is missing or unsuitable; the message says which and lists the candidates.</exception>
    public static ModelType Resolve(string assemblyPath, string typeName)
    {
        var assembly = LoadAssembly(assemblyPath);
        var candidates = ExportedTypes(assembly).Where(IsModel).ToArray();
        var type = assembly.GetType(typeName, throwOnError: false)
            ?? candidates.SingleOrDefault(t => t.Name == typeName)
            ?? throw new RunInputException(
                $"--model-type {typeName}: no such type in {assemblyPath}. " + CandidateList(candidates));
        if (!IsModel(type))
        {
            throw new RunInputException(
                $"--model-type {type.FullName} is not a TorchSharp nn.Module<Tensor, Tensor> (one input tensor, one output tensor). " + CandidateList(candidates));
        }

        var constructor = type.GetConstructor(Type.EmptyTypes)
            ?? throw new RunInputException(
                $"--model-type {type.FullName} has no public parameterless constructor: analyze builds one instance per checkpoint and loads the " +
                "checkpoint's state dict into it, so the constructor must build the architecture the checkpoints were saved from.");
        return new ModelType(type, constructor);
    }

    /// <summary>A new instance (the architecture with its initial weights).</summary>
    public nn.Module<Tensor, Tensor> Create()
    {
        try
        {
            return (nn.Module<Tensor, Tensor>)_constructor.Invoke(null);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new InvalidOperationException($"the constructor of {Type.FullName} threw: {ex.InnerException.Message}", ex.InnerException);
        }
    }

    private static Assembly LoadAssembly(string assemblyPath)
    {
        var fullPath = Path.GetFullPath(assemblyPath);
        if (!File.Exists(fullPath))
        {
            throw new RunInputException($"--model-assembly {assemblyPath}: no such file.");
        }

        // Its own dependencies resolve from its folder (its deps.json when it has one); TorchSharp itself is already loaded
        // by the tool, so the model's types and the tool's agree on what a Module is.
        var resolver = new AssemblyDependencyResolver(fullPath);
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            resolver.ResolveAssemblyToPath(name) is { } path ? context.LoadFromAssemblyPath(path) : null;
        try
        {
            return AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException)
        {
            throw new RunInputException($"--model-assembly {assemblyPath} is not a .NET assembly this tool can load ({ex.Message}).", ex);
        }
    }

    private static IEnumerable<Type> ExportedTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetExportedTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.OfType<Type>().Where(t => t.IsPublic);
        }
    }

    private static bool IsModel(Type type) => !type.IsAbstract && typeof(nn.Module<Tensor, Tensor>).IsAssignableFrom(type);

    private static string CandidateList(IReadOnlyCollection<Type> candidates) => candidates.Count == 0
        ? "The assembly has no public nn.Module<Tensor, Tensor> type."
        : $"Its nn.Module<Tensor, Tensor> types: {string.Join(", ", candidates.Select(t => t.FullName))}.";
}
