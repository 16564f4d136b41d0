using System.Globalization;
using ClipLit.Inference.Model;
using Onnx;

namespace ClipLit.Inference.Student;

/// <summary>
/// What a student ONNX file says about itself (ONNX <c>metadata_props</c>, keys <c>cliplit.*</c>):
/// that it is a ClipLit student, the teacher it was distilled from (name and SHA-256 of the file, so
/// <c>--quality fast</c> finds the student of the model in use), its input size policy (the frame
/// downscaled by <see cref="InputScale"/>), its architecture, and its validation figures.
/// Thread-safety: immutable.
/// </summary>
public sealed record StudentMetadata(
    string Source,
    string TeacherName,
    string TeacherSha256,
    double InputScale,
    string Architecture,
    string Validation,
    string Training)
{
    public const string KindKey = "cliplit.kind";
    public const string KindValue = "student";
    private const string TeacherKey = "cliplit.teacher";
    private const string TeacherShaKey = "cliplit.teacher_sha256";
    private const string ScaleKey = "cliplit.input_scale";
    private const string ArchitectureKey = "cliplit.architecture";
    private const string ValidationKey = "cliplit.validation";
    private const string TrainingKey = "cliplit.training";

    /// <summary>The architecture <see cref="Architecture"/> describes (<see cref="StudentArchitecture.Describe"/>: "unet 16,32,48,64 at 0.2").</summary>
    /// <exception cref="FormatException">Not a description ClipLit writes (a student made elsewhere).</exception>
    public StudentArchitecture ParsedArchitecture()
    {
        var parts = Architecture.Split(' ');
        if (parts.Length < 2 || parts[0] != "unet") throw new FormatException($"'{Architecture}' is not a ClipLit student architecture");
        return new StudentArchitecture(StudentArchitecture.ParseWidths(parts[1]), InputScale);
    }

    /// <summary>Whether <paramref name="model"/> declares itself a ClipLit student.</summary>
    public static bool IsStudent(ModelProto model) =>
        model.MetadataProps.Any(p => p.Key == KindKey && p.Value == KindValue);

    public void WriteTo(ModelProto model)
    {
        void Put(string key, string value) => model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        Put(KindKey, KindValue);
        Put(TeacherKey, TeacherName);
        Put(TeacherShaKey, TeacherSha256);
        Put(ScaleKey, InputScale.ToString("R", CultureInfo.InvariantCulture));
        Put(ArchitectureKey, Architecture);
        Put(ValidationKey, Validation);
        Put(TrainingKey, Training);
    }

    /// <exception cref="ModelLoadException">A required key is missing or malformed.</exception>
    public static StudentMetadata Read(ModelProto model, string source)
    {
        var props = model.MetadataProps.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        string Get(string key) => props.TryGetValue(key, out var value) ? value
            : throw new ModelLoadException(source, $"student metadata lacks {key}");
        string scaleText = Get(ScaleKey);
        if (!double.TryParse(scaleText, NumberStyles.Float, CultureInfo.InvariantCulture, out double scale) || !(scale > 0 && scale <= 1))
            throw new ModelLoadException(source, $"student metadata {ScaleKey} is '{scaleText}', not a scale in (0, 1]");
        string sha = Get(TeacherShaKey);
        if (sha.Length != 64 || !sha.All(Uri.IsHexDigit))
            throw new ModelLoadException(source, $"student metadata {TeacherShaKey} is '{sha}', not a SHA-256");
        return new StudentMetadata(source, Get(TeacherKey), sha.ToLowerInvariant(), scale,
            props.GetValueOrDefault(ArchitectureKey, "?"), props.GetValueOrDefault(ValidationKey, ""), props.GetValueOrDefault(TrainingKey, ""));
    }
}
