using ClipLit.Inference.Model;
using ClipLit.Inference.Student;

namespace ClipLit.Engine.Models;

/// <summary>
/// Reads a model file into the kind of <see cref="LightMapModel"/> it holds.
/// Thread-safety: stateless apart from the file system.
/// </summary>
public static class ModelFile
{
    /// <summary>
    /// A PyTorch checkpoint is the paper's network; an ONNX file is a student when its metadata
    /// says so (<see cref="StudentMetadata.IsStudent"/>), else the paper's network's weights.
    /// </summary>
    /// <exception cref="ModelLoadException">Missing, unreadable, broken (NaN or infinite weights), or not a model ClipLit knows; the message names the file.</exception>
    public static LightMapModel Load(string path)
    {
        if (StudentModelFile.TryRead(path) is { } student) return new StudentModel(student);
        return new PaperNetworkModel(ModelLoader.Load(path));
    }

    /// <summary>A model that must be a student (<c>--fast-model</c>): the contract is checked and what does not fit is named.</summary>
    /// <exception cref="ModelLoadException">Not a student.</exception>
    public static StudentModel LoadStudent(string path) => new(StudentModelFile.Read(path));
}
