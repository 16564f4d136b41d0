using System.Globalization;

namespace ClipLit.Inference.Student;

/// <summary>
/// The distilled student network, described once as data (the ONNX graph builder and the TorchSharp
/// module both read it): a small U-Net on a copy of the frame downscaled by a fixed factor
/// (<see cref="InputScale"/>), so each of its pixels covers the same area of the scene whatever the
/// frame's resolution (the teacher's light map depends on absolute resolution; a fixed factor keeps
/// what the student sees in step with what the teacher saw). Levels: <c>enc0</c> (two 3x3
/// convolutions at the input size), then per deeper level a stride-2 3x3 convolution
/// (<c>down{k}</c>) and a 3x3 convolution (<c>enc{k}</c>); the deepest level adds scene-wide
/// context (global average → 1x1 convolution → ReLU, added to every position: <c>context</c>);
/// the decoder upsamples bilinearly to the skip's size, concatenates it and convolves
/// (<c>dec{k}</c>); <c>head</c> is a 3x3 convolution to one channel whose exponential is the light
/// map (the student predicts log L). Zero padding, ReLU everywhere.
/// Thread-safety: immutable.
/// </summary>
public sealed record StudentArchitecture(IReadOnlyList<int> Widths, double InputScale)
{
    public const int InputChannels = 3;

    /// <summary>The default student: four levels, 1/5 of the frame (256x144 for 720p), about 2 GFLOP at 720p.</summary>
    public static StudentArchitecture Default { get; } = new([16, 32, 48, 64], 0.2);

    /// <summary>One convolution: its parameter prefix, channels, kernel and stride.</summary>
    public sealed record Conv(string Name, int InChannels, int OutChannels, int Kernel, int Stride);

    public int Levels => Widths.Count;

    public Conv Enc0A => new("enc0a", InputChannels, Widths[0], 3, 1);
    public Conv Enc0B => new("enc0b", Widths[0], Widths[0], 3, 1);
    public Conv Down(int level) => new($"down{level}", Widths[level - 1], Widths[level], 3, 2);
    public Conv Enc(int level) => new($"enc{level}", Widths[level], Widths[level], 3, 1);
    public Conv Context => new("context", Widths[^1], Widths[^1], 1, 1);
    public Conv Dec(int level) => new($"dec{level}", Widths[level + 1] + Widths[level], Widths[level], 3, 1);
    public Conv Head => new("head", Widths[0], 1, 3, 1);

    /// <summary>Every convolution in forward order.</summary>
    public IEnumerable<Conv> Convolutions()
    {
        yield return Enc0A;
        yield return Enc0B;
        for (int level = 1; level < Levels; level++)
        {
            yield return Down(level);
            yield return Enc(level);
        }
        yield return Context;
        for (int level = Levels - 2; level >= 0; level--) yield return Dec(level);
        yield return Head;
    }

    /// <summary>Parameter names and shapes (each convolution has <c>.weight</c> OIHW and <c>.bias</c>).</summary>
    public IReadOnlyDictionary<string, long[]> ParameterShapes() =>
        Convolutions().SelectMany(c => new[]
        {
            KeyValuePair.Create(c.Name + ".weight", new long[] { c.OutChannels, c.InChannels, c.Kernel, c.Kernel }),
            KeyValuePair.Create(c.Name + ".bias", new long[] { c.OutChannels }),
        }).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    /// <summary>Multiply-adds of one run on an input of <paramref name="width"/> x <paramref name="height"/>.</summary>
    public double MultiplyAdds(int width, int height)
    {
        double total = 0;
        double Pixels(int level) => Math.Ceiling(width / Math.Pow(2, level)) * Math.Ceiling(height / Math.Pow(2, level));
        double Cost(Conv c) => (double)c.InChannels * c.OutChannels * c.Kernel * c.Kernel;
        total += Pixels(0) * (Cost(Enc0A) + Cost(Enc0B) + Cost(Head));
        for (int level = 1; level < Levels; level++) total += Pixels(level) * (Cost(Down(level)) + Cost(Enc(level)));
        for (int level = 0; level < Levels - 1; level++) total += Pixels(level) * Cost(Dec(level));
        return total;
    }

    /// <summary>The student's input size for a frame: the frame scaled by <see cref="InputScale"/> (at least 2x2, never larger than the frame).</summary>
    public (int Width, int Height) InputSize(int frameWidth, int frameHeight) => InputSizeFor(InputScale, frameWidth, frameHeight);

    /// <summary>The input size rule for any scale (a student file states its scale in its metadata).</summary>
    public static (int Width, int Height) InputSizeFor(double scale, int frameWidth, int frameHeight)
    {
        if (scale >= 1) return (frameWidth, frameHeight);
        return (Math.Clamp((int)Math.Round(frameWidth * scale), Math.Min(2, frameWidth), frameWidth),
                Math.Clamp((int)Math.Round(frameHeight * scale), Math.Min(2, frameHeight), frameHeight));
    }

    /// <summary>Text for metadata and logs, e.g. "unet 16,32,48,64 at 1/5".</summary>
    public string Describe() =>
        $"unet {string.Join(",", Widths)} at {InputScale.ToString("0.###", CultureInfo.InvariantCulture)}";

    /// <summary>Parses <c>16,32,48,64</c>.</summary>
    /// <exception cref="FormatException">Not a list of 2 to 6 positive widths.</exception>
    public static IReadOnlyList<int> ParseWidths(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var widths = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int width) || width < 1 || width > 512)
                throw new FormatException($"'{text}' is not a list of channel widths (1 to 512 each, e.g. 16,32,48,64)");
            widths.Add(width);
        }
        if (widths.Count is < 2 or > 6) throw new FormatException($"'{text}': a student has 2 to 6 levels");
        return widths;
    }

    public bool Equals(StudentArchitecture? other) =>
        other is not null && Widths.SequenceEqual(other.Widths) && InputScale == other.InputScale;

    public override int GetHashCode() => HashCode.Combine(string.Join(",", Widths), InputScale);
}
