using ClipLit.Core.Files;
using ClipLit.Inference.Model;

namespace ClipLit.Engine.Models;

/// <summary>
/// Where students (<c>cliplit distill</c>) are found for fast quality: the per-user folder
/// <c>students/</c> beside the default model, which <c>cliplit models install</c> fills with the
/// default student shipped with ClipLit (<c>models/student/</c> in the repository, copied beside
/// the executable). A student serves the teacher whose file checksum its metadata names.
/// Thread-safety: stateless apart from the file system.
/// </summary>
public static class StudentStore
{
    /// <summary>The default student's file name, in the repository, beside the executable and in the user folder.</summary>
    public const string DefaultStudentFileName = "clip-lit-student.onnx";

    public static string UserStudentFolder => Path.Combine(ModelStore.UserModelFolder, "students");

    /// <summary>The default student as shipped beside the executable.</summary>
    public static string BundledStudent => Path.Combine(AppContext.BaseDirectory, "models", DefaultStudentFileName);

    /// <summary>An installed student distilled from <paramref name="teacher"/>, or null (broken files are skipped with a note).</summary>
    public static StudentModel? FindFor(LightMapModel teacher, Action<string> note)
    {
        if (!Directory.Exists(UserStudentFolder)) return null;
        foreach (string file in Directory.EnumerateFiles(UserStudentFolder, "*.onnx").Order(StringComparer.Ordinal))
        {
            try
            {
                var student = ModelFile.LoadStudent(file);
                if (student.IsStudentOf(teacher)) return student;
            }
            catch (ModelLoadException e)
            {
                note($"skipped an installed student: {e.Message}");
            }
        }
        return null;
    }

    /// <summary>Installs the shipped default student into the user folder (kept when already there, identical).</summary>
    /// <returns>A line saying what was done.</returns>
    /// <exception cref="ModelLoadException">The shipped student is missing or broken.</exception>
    public static string Install()
    {
        var student = ModelFile.LoadStudent(BundledStudent);
        string target = Path.Combine(UserStudentFolder, DefaultStudentFileName);
        if (File.Exists(target) && File.ReadAllBytes(target).AsSpan().SequenceEqual(student.Data.OnnxBytes))
            return $"default student already installed: {target}";
        Directory.CreateDirectory(UserStudentFolder);
        AtomicFile.Write(target, output => output.Write(student.Data.OnnxBytes));
        return $"installed the default student (fast quality; {student.Metadata.Validation}): {target}";
    }
}
