using ClipLit.Engine.Models;
using ClipLit.Inference.Model;
using ClipLit.Renderer;

namespace ClipLit.Cli.Models;

/// <summary>
/// Which model gives fast quality its light maps: a student needs no other; for the paper's network,
/// the student given with <c>--fast-model</c>, else an installed student distilled from it, else
/// none (the network itself on a downscaled copy, with a note saying so).
/// </summary>
public static class FastModelChoice
{
    /// <summary>The student for fast quality, or null; <paramref name="failed"/> when <c>--fast-model</c> cannot be used (the error is printed).</summary>
    /// <param name="model">The model fast quality approximates.</param>
    /// <param name="fastModelPath">--fast-model, if given.</param>
    /// <param name="context">Where notes and errors go.</param>
    /// <param name="quiet">No notes.</param>
    /// <param name="failed">Set when --fast-model cannot be used.</param>
    /// <param name="searchInstalled">Look for an installed student when none is given; a job's shard does not (the job pinned its student, or none, for every worker alike).</param>
    public static StudentModel? Resolve(LightMapModel model, string? fastModelPath, CliContext context, bool quiet, out bool failed, bool searchInstalled = true)
    {
        failed = false;
        void Note(string line)
        {
            if (!quiet) context.Error.WriteLine($"note: {line}");
        }
        if (model is StudentModel) return null;
        if (fastModelPath is not null)
        {
            try
            {
                var student = ModelFile.LoadStudent(fastModelPath);
                if (!student.IsStudentOf(model))
                    Note($"{student.Name} was distilled from {student.Metadata.TeacherName} (another file than {model.Name}); its light maps follow that teacher");
                return student;
            }
            catch (ModelLoadException e)
            {
                context.Error.WriteLine($"error: {e.Message} (--fast-model)");
                failed = true;
                return null;
            }
        }
        if (!searchInstalled) return null;
        var installed = StudentStore.FindFor(model, Note);
        if (installed is null)
            Note($"no student distilled from {model.Name} is installed: fast quality runs it on a copy with a {FrameLayout.DefaultFastLongSide}-pixel long side, "
                + "a different picture from its full-resolution output ('cliplit models install' installs the default student; 'cliplit distill' makes one)");
        return installed;
    }
}
