using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using ClipLit.Core.Processes;

namespace ClipLit.VideoIO.Video;

/// <summary>
/// Checks video encoder options against the ffmpeg installed, before any work: the codec is one of
/// its video encoders, a bitrate is a number with an optional k, M or G, and a trial encode of two
/// small frames with exactly these options into the output's container succeeds (so a preset the
/// encoder does not know, or a codec the container cannot hold, is found in a tenth of a second,
/// not after an hour of enhancing). A passing answer for one set of options is kept for the process
/// (a failing one is asked again: ffmpeg may have been stopped by a signal meant for the run).
/// Thread-safety: safe from any thread.
/// </summary>
public static partial class EncoderCheck
{
    private static readonly ConcurrentDictionary<(VideoEncodeOptions, string), bool> Passed = new();
    private static EncoderList? _encoders;

    /// <summary>Null when ffmpeg can encode a video with <paramref name="options"/> into a file of <paramref name="extension"/>; else one line naming the value and the problem.</summary>
    /// <param name="options">The encoder options (codec, CRF, bitrate, preset).</param>
    /// <param name="extension">The output's extension, lower case with the dot (its container).</param>
    public static string? Problem(VideoEncodeOptions options, string extension)
    {
        var key = (options, extension.ToLowerInvariant());
        if (Passed.ContainsKey(key)) return null;
        string? problem = Find(key.options, key.Item2);
        if (problem is null) Passed[key] = true;
        return problem;
    }

    private static string? Find(VideoEncodeOptions options, string extension)
    {
        if (VideoFrameWriter.MuxerFor(extension) is not { } muxer) return $"'{extension}' is not a video container ClipLit writes (.mp4, .mov, .mkv, .webm, .avi)";
        if (options.Bitrate is { } bitrate && !Bitrate().IsMatch(bitrate))
            return $"--bitrate '{Printable(bitrate)}' is not a bitrate (a number of bits a second, with k, M or G: 800k, 8M)";
        if (options.Preset is { } preset && (preset.Length == 0 || preset.Length > 64 || !preset.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            return $"--preset '{Printable(preset)}' is not a preset name (letters, digits, '-', '_' and '.')";
        // Without ffmpeg nothing is encoded at all: each video's own step says so, with the fix.
        if (FfmpegTools.Problem() is not null) return null;
        string codec = options.CodecFor(extension);
        var encoders = _encoders ?? ListEncoders();
        if (encoders.Problem is { } unavailable) return unavailable;
        _encoders = encoders;
        if (!encoders.Video.Contains(codec))
            return encoders.Other.Contains(codec)
                ? $"--codec '{codec}' is not a video encoder"
                : $"--codec '{Printable(codec)}' is not an encoder of the ffmpeg installed here (its video encoders include {string.Join(", ", encoders.Video.Where(e => e is "libx264" or "libx265" or "libvpx-vp9" or "libaom-av1" or "mpeg4" or "h264_nvenc" or "hevc_nvenc").Order(StringComparer.Ordinal))})";

        var trial = Trial(options, extension, muxer);
        if (trial is null) return null;
        // Name the value at fault where it can be told: the same trial without the preset passes.
        if (options.Preset is not null && Trial(options with { Preset = null }, extension, muxer) is null)
            return trial.Contains("has not been used", StringComparison.Ordinal)
                ? $"--preset '{options.Preset}': the encoder {codec} has no presets"
                : $"--preset '{options.Preset}' is not a preset of {codec} ({trial})";
        if (options.Bitrate is not null && trial.Contains("'b'", StringComparison.Ordinal)) return $"--bitrate '{options.Bitrate}' is refused by {codec} ({trial})";
        return $"{codec} cannot encode into a {extension} file with these options ({trial})";
    }

    /// <summary>Encodes two 64x64 frames with the options into the container, to nowhere; null when that works, else ffmpeg's error line.</summary>
    private static string? Trial(VideoEncodeOptions options, string extension, string muxer)
    {
        List<string> arguments =
        [
            "-nostdin", "-hide_banner", "-nostats", "-loglevel", "warning", "-f", "lavfi", "-i", "color=c=gray:s=64x64:r=25", "-frames:v", "2",
            .. options.EncoderArguments(extension), "-pix_fmt", "yuv420p", "-f", muxer, "-y", "/dev/null",
        ];
        ChildProgramResult result;
        try
        {
            result = ChildProgram.Run(FfmpegTools.Ffmpeg, arguments, TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is ChildProgramException or TimeoutException)
        {
            return e.Message;
        }
        var lines = result.Error.Split('\n').Select(l => Prefix().Replace(l, "").Trim()).Where(l => l.Length > 0).ToList();
        // A preset the encoder does not have is only a warning to ffmpeg: to the user it is a mistake. (The default
        // CRF is given to every encoder; one that has no CRF ignores it, as before.)
        string? unused = lines.FirstOrDefault(l => l.Contains("has not been used", StringComparison.Ordinal) && l.Contains("preset", StringComparison.Ordinal));
        if (result.ExitCode == 0) return unused;
        return lines.FirstOrDefault(l => l.Contains("rror", StringComparison.Ordinal) || l.Contains("nvalid", StringComparison.Ordinal)) ?? lines.LastOrDefault()
            ?? $"ffmpeg exit code {result.ExitCode}";
    }

    private sealed record EncoderList(IReadOnlySet<string> Video, IReadOnlySet<string> Other, string? Problem);

    /// <summary>ffmpeg -encoders: " V....D libx264   libx264 H.264 ..." (the first flag says video, audio or subtitle).</summary>
    private static EncoderList ListEncoders()
    {
        ChildProgramResult result;
        try
        {
            result = ChildProgram.Run(FfmpegTools.Ffmpeg, ["-nostdin", "-hide_banner", "-encoders"], TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is ChildProgramException or TimeoutException)
        {
            return new EncoderList(new HashSet<string>(), new HashSet<string>(), $"ffmpeg cannot list its encoders ({e.Message})");
        }
        var video = new HashSet<string>(StringComparer.Ordinal);
        var other = new HashSet<string>(StringComparer.Ordinal);
        foreach (var match in result.Output.Split('\n').Select(line => EncoderLine().Match(line)).Where(m => m.Success))
            (match.Groups["kind"].Value == "V" ? video : other).Add(match.Groups["name"].Value);
        return new EncoderList(video, other, video.Count == 0 ? $"ffmpeg lists no video encoders (exit code {result.ExitCode})" : null);
    }

    /// <summary>The value as one printable line (a hostile value may hold line breaks).</summary>
    private static string Printable(string value) => new(value.Select(c => char.IsControl(c) ? '?' : c).Take(80).ToArray());

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)?[kKMG]?$")]
    private static partial Regex Bitrate();

    [GeneratedRegex(@"^ (?<kind>[VAS])[A-Z.]{5} (?<name>[^ =]+)\s")]
    private static partial Regex EncoderLine();

    [GeneratedRegex(@"^(\[[^\]]+ @ 0x[0-9a-f]+\] )+")]
    private static partial Regex Prefix();
}
