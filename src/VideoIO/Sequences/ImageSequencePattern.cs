using System.Globalization;
using System.Text.RegularExpressions;
using ClipLit.VideoIO.Images;

namespace ClipLit.VideoIO.Sequences;

/// <summary>
/// A numbered image sequence named the way FFmpeg names one: a printf-style pattern with one
/// <c>%d</c> or <c>%0Nd</c> in the file name, e.g. <c>frames/%05d.png</c> for frames/00001.png,
/// frames/00002.png, … The extension picks the image format.
/// </summary>
public sealed partial class ImageSequencePattern
{
    private readonly FrameName _name;

    private ImageSequencePattern(string pattern, FrameName name)
    {
        Pattern = pattern;
        _name = name;
    }

    public string Pattern { get; }

    /// <summary>The folder holding the frames ("." when the pattern names none).</summary>
    public string Folder => Path.GetDirectoryName(Pattern) is { Length: > 0 } folder ? folder : ".";

    /// <summary>The pattern when <paramref name="path"/> is one (a %d or %0Nd in the file name and an image extension), else null.</summary>
    public static ImageSequencePattern? TryParse(string path)
    {
        string name = Path.GetFileName(path);
        var match = Placeholder().Match(name);
        if (!match.Success || ImageFileFormats.FromExtension(path) is null) return null;
        if (Placeholder().Matches(name).Count > 1) return null;
        int digits = match.Groups[1].Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        return new ImageSequencePattern(path, new FrameName(name[..match.Index], digits, name[(match.Index + match.Length)..]));
    }

    /// <summary>Whether <paramref name="path"/> is a sequence pattern.</summary>
    public static bool IsPattern(string path) => TryParse(path) is not null;

    /// <summary>The path of frame number <paramref name="number"/>.</summary>
    public string PathOf(int number) => Path.Combine(Folder, _name.Of(number));

    /// <summary>The existing frames, ordered by number (gaps allowed; hidden files ignored).</summary>
    public IReadOnlyList<string> ExistingFrames()
    {
        if (!Directory.Exists(Folder)) return [];
        var frames = new List<(long Number, string Path)>();
        foreach (string file in Directory.EnumerateFiles(Folder))
            if (_name.NumberOf(Path.GetFileName(file)) is { } number) frames.Add((number, file));
        return frames.OrderBy(f => f.Number).Select(f => f.Path).ToList();
    }

    /// <summary>A frame's file name: its number, zero-padded to <paramref name="Digits"/> (0: no padding, as %d), between a prefix and a suffix.</summary>
    private readonly record struct FrameName(string Prefix, int Digits, string Suffix)
    {
        public string Of(int number) => Prefix + number.ToString(Digits > 0 ? new string('0', Digits) : "0", CultureInfo.InvariantCulture) + Suffix;

        /// <summary>The number <paramref name="name"/> holds when it is a frame's name (never a hidden file's), else null.</summary>
        public long? NumberOf(string name)
        {
            // The length first: prefix and suffix may overlap in a name too short for both ("a%dab.png" and "ab.png").
            if (name.StartsWith('.') || name.Length < Prefix.Length + Suffix.Length
                || !name.StartsWith(Prefix, StringComparison.Ordinal) || !name.EndsWith(Suffix, StringComparison.Ordinal)) return null;
            string number = name[Prefix.Length..^Suffix.Length];
            if (number.Length == 0 || !number.All(char.IsAsciiDigit) || (Digits > 0 && number.Length < Digits)) return null;
            return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;
        }
    }

    [GeneratedRegex(@"%(?:0(\d{1,2}))?d")]
    private static partial Regex Placeholder();
}
