using ClipLit.Core.Files;

namespace ClipLit.Inference.Model;

/// <summary>A model file could not be used (<see cref="FileProblemException"/>).</summary>
public sealed class ModelLoadException(string path, string problem, Exception? inner = null) : FileProblemException(path, problem, inner);
