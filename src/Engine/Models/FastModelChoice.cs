using ClipLit.Inference.Model;
using ClipLit.Renderer;

namespace ClipLit.Engine.Models;

/// <summary>
/// Which model gives fast quality its light maps: a student needs no other; for the paper's network,
/// the student given with <c>--fast-model</c>, else an installed student distilled from it, else
/// none (the network itself on a downscaled copy, with a note saying so).
/// Thread-safety: stateless apart from the file system; notes go to the callback on the calling thread.
/// </summary>
public static class FastModelChoice
{
    /// <summary>The student for fast quality, or null (the model itself on a downscaled copy).</summary>
    /// <param name="model">The model fast quality approximates.</param>
    /// <param name="fastModelPath">--fast-model, if given.</param>
    /// <param name="note">Receives notes (a line each, without the "note: " prefix); null: none.</param>
    /// <param name="searchInstalled">Look for an installed student when none is given; a job's shard does not (the job pinned its student, or none, for every worker alike).</param>
    /// <exception cref="ModelLoadException">--fast-model cannot be used (the message names the file; the caller adds "(--fast-model)").</exception>
    public static StudentModel? Resolve(LightMapModel model, string? fastModelPath, Action<string>? note, bool searchInstalled = true)
    {
        void Note(string line) => note?.Invoke(line);
        if (model is StudentModel) return null;
        if (fastModelPath is not null)
        {
            var student = ModelFile.LoadStudent(fastModelPath);
            if (!student.IsStudentOf(model))
                Note($"{student.Name} was distilled from {student.Metadata.TeacherName} (another file than {model.Name}); its light maps follow that teacher");
            return student;
        }
        if (!searchInstalled) return null;
        var installed = StudentStore.FindFor(model, Note);
        if (installed is null)
            Note($"no student distilled from {model.Name} is installed: fast quality runs it on a copy with a {FrameLayout.DefaultFastLongSide}-pixel long side, "
                + "a different picture from its full-resolution output ('cliplit models install' installs the default student; 'cliplit distill' makes one)");
        return installed;
    }
}
