using System.Security.Cryptography;
using ClipLit.Inference.Model;
using ClipLit.Inference.Student;
using Google.Protobuf;

namespace ClipLit.TestSupport;

/// <summary>
/// Student ONNX files for tests, until a trained default student is committed: the real student
/// graph (<see cref="StudentGraphBuilder"/>) with small deterministic random weights and the head's
/// bias set so the light map is about 0.6 (exp of the head), plausible maps that still depend on
/// the content. The metadata names a teacher file by its SHA-256, as <c>cliplit distill</c> does.
/// </summary>
public static class TestStudents
{
    /// <summary>Small widths: fast on the CPU, the default student's shape of network.</summary>
    public static readonly IReadOnlyList<int> SmallWidths = [8, 12, 16];

    /// <summary>Writes a student of <paramref name="teacher"/> to <paramref name="path"/> (through a temporary name, so a watcher sees it complete); returns the path.</summary>
    /// <param name="path">The .onnx file to write.</param>
    /// <param name="teacher">The teacher file the metadata names (default: the paper's checkpoint).</param>
    /// <param name="seed">Different seeds give different students.</param>
    /// <param name="inputScale">The student's input scale (the default student's is 0.2).</param>
    /// <param name="widths">Channel widths per level (default <see cref="SmallWidths"/>).</param>
    public static string Write(string path, string? teacher = null, int seed = 1, double inputScale = 0.2, IReadOnlyList<int>? widths = null)
    {
        teacher ??= SharedData.EnhancementCheckpoint;
        var architecture = new StudentArchitecture(widths ?? SmallWidths, inputScale);
        var random = new Random(seed);
        var weights = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var (name, shape) in architecture.ParameterShapes())
        {
            long count = shape.Aggregate(1L, (a, b) => a * b);
            var values = new float[count];
            if (name.EndsWith(".weight", StringComparison.Ordinal))
            {
                // Fan-in scaled, as a fresh network is: activations stay of the input's order.
                double bound = 1.0 / Math.Sqrt(shape[1] * shape[2] * shape[3]);
                for (int i = 0; i < values.Length; i++) values[i] = (float)((2 * random.NextDouble() - 1) * bound);
            }
            weights[name] = new TensorData(shape, values);
        }
        weights[architecture.Head.Name + ".bias"].Values[0] = MathF.Log(0.6f);
        var metadata = new StudentMetadata(path, Path.GetFileName(teacher), Sha256(teacher), inputScale, architecture.Describe(),
            Validation: "", Training: $"test student, seed {seed}");
        var model = StudentGraphBuilder.Build(architecture, weights, metadata);
        string temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.tmp");
        File.WriteAllBytes(temporary, model.ToByteArray());
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
