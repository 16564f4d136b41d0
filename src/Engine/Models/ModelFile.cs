using ClipLit.Inference.Model;

namespace ClipLit.Engine.Models;

/// <summary>Reads a model file into the kind of <see cref="LightMapModel"/> it holds.</summary>
public static class ModelFile
{
    /// <exception cref="ModelLoadException">Missing, unreadable, or not a model ClipLit knows; the message names the file.</exception>
    public static LightMapModel Load(string path) => new PaperNetworkModel(ModelLoader.Load(path));
}
