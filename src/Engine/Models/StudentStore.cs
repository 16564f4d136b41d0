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

    /// <summary>
    /// An installed student distilled from <paramref name="teacher"/>, or null (broken files are skipped
    /// with a note). The user's own students (any other file name) come first, in name order; then the
    /// default student. Its installed copy is ClipLit's (<see cref="Install"/> replaces it): where it is
    /// not the one this ClipLit ships (an earlier version installed it), the shipped one serves, with a note.
    /// </summary>
    public static StudentModel? FindFor(LightMapModel teacher, Action<string> note)
    {
        if (!Directory.Exists(UserStudentFolder)) return null;
        StudentModel? installedDefault = null;
        foreach (string file in Directory.EnumerateFiles(UserStudentFolder, "*.onnx").Order(StringComparer.Ordinal))
        {
            try
            {
                var student = ModelFile.LoadStudent(file);
                if (!student.IsStudentOf(teacher)) continue;
                if (Path.GetFileName(file) != DefaultStudentFileName) return student;
                installedDefault = student;
            }
            catch (ModelLoadException e)
            {
                note($"skipped an installed student: {e.Message}");
            }
        }
        return installedDefault is null ? null : Current(installedDefault, teacher, note);
    }

    /// <summary>Whether <paramref name="path"/> is the installed default student and differs from the one shipped (an earlier version's copy).</summary>
    public static bool IsOutdatedDefault(string path)
    {
        if (Path.GetFileName(path) != DefaultStudentFileName || !File.Exists(BundledStudent) || !File.Exists(path) || ContentFile.IsEmpty(path)) return false;
        try
        {
            return new FileInfo(path).Length != new FileInfo(BundledStudent).Length || !File.ReadAllBytes(path).AsSpan().SequenceEqual(File.ReadAllBytes(BundledStudent));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // loading it says why
        }
    }

    /// <summary>The shipped default student in place of an installed copy that differs from it, where the shipped one serves the same teacher.</summary>
    private static StudentModel Current(StudentModel installed, LightMapModel teacher, Action<string> note)
    {
        if (!File.Exists(BundledStudent)) return installed;
        try
        {
            var shipped = ModelFile.LoadStudent(BundledStudent);
            if (!shipped.IsStudentOf(teacher) || string.Equals(shipped.Sha256, installed.Sha256, StringComparison.Ordinal)) return installed;
            note($"the installed default student {installed.Source} is not the one this ClipLit ships (an earlier version's): "
                + $"fast quality takes the shipped one, {BundledStudent} ('cliplit models install' updates the installed copy)");
            return shipped;
        }
        catch (ModelLoadException e)
        {
            note($"the shipped default student cannot be used ({e.Message}): fast quality takes the installed copy");
            return installed;
        }
    }

    /// <summary>Installs the shipped default student into the user folder (kept when already there, identical).</summary>
    /// <returns>A line saying what was done.</returns>
    /// <exception cref="ModelLoadException">The shipped student is missing or broken.</exception>
    public static string Install()
    {
        var student = ModelFile.LoadStudent(BundledStudent);
        string target = Path.Combine(UserStudentFolder, DefaultStudentFileName);
        // The size first: whatever else stands under the name (a pipe reports none) is replaced unread.
        if (File.Exists(target) && new FileInfo(target).Length == student.Data.OnnxBytes.Length && File.ReadAllBytes(target).AsSpan().SequenceEqual(student.Data.OnnxBytes))
            return $"default student already installed: {target}";
        Directory.CreateDirectory(UserStudentFolder);
        AtomicFile.Write(target, output => output.Write(student.Data.OnnxBytes));
        return $"installed the default student (fast quality; {student.Metadata.Validation}): {target}";
    }
}
