using System.Globalization;
using System.Text.Json;
using ClipLit.Core.Processes;

namespace ClipLit.VideoIO.Video;

/// <summary>
/// Reads a video file's <see cref="VideoInfo"/> with ffprobe: the streams, and every video packet's
/// presentation time, which in display order are the frames' timestamps (exact for variable frame
/// rates, where a nominal rate would be wrong). ffprobe gets an argument list and its JSON is read
/// as untrusted data (a field missing or of another type reads as absent).
/// Thread-safety: stateless.
/// </summary>
public static class VideoProbe
{
    /// <summary>The largest picture side ClipLit takes (FFmpeg's own decoders stop at 16384 or below).</summary>
    public const int MaxSide = 32768;

    /// <summary>
    /// Extensions read as video (an input named so, or found in a folder): the containers ClipLit
    /// writes (<see cref="VideoFrameWriter.CanWrite"/>) and those cameras, camcorders and recorders
    /// leave (MPEG transport streams, MPEG program streams, Flash, Windows Media, 3GP, Ogg), which
    /// FFmpeg reads as well.
    /// </summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi",
        ".ts", ".mts", ".m2ts", ".mpg", ".mpeg", ".flv", ".wmv", ".3gp", ".ogv",
    };

    public static bool HasVideoExtension(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <exception cref="VideoFileException">The file is missing, empty, not a media file, has no video, or ffmpeg is missing.</exception>
    /// <exception cref="OperationCanceledException">Cancelled (ffprobe was stopped).</exception>
    public static VideoInfo Probe(string path, CancellationToken cancellation = default)
    {
        var file = new FileInfo(path);
        if (!file.Exists) throw new VideoFileException(path, Directory.Exists(path) ? "is a folder, not a video file" : "no such file");
        if (file.Length == 0) throw new VideoFileException(path, "empty file (0 bytes)");
        FfmpegTools.EnsureAvailable(path);
        // Long enough for hours of packets; a file that makes ffprobe hang (a pipe named like a video) ends.
        var timeout = TimeSpan.FromSeconds(120 + file.Length / 10_000_000);

        using var streams = Json(path, ["-show_format", "-show_streams"], timeout, cancellation);
        var root = streams.RootElement;
        var video = Array(root, "streams").FirstOrDefault(s => Text(s, "codec_type") == "video" && !IsAttachedPicture(s));
        if (video.ValueKind != JsonValueKind.Object)
            throw new VideoFileException(path, Array(root, "streams").Any(s => Text(s, "codec_type") == "audio") ? "has no video stream (audio only)" : "has no video stream");
        int storedWidth = Integer(video, "width") ?? 0, storedHeight = Integer(video, "height") ?? 0;
        if (storedWidth <= 0 || storedHeight <= 0) throw new VideoFileException(path, "the video stream has no picture size (corrupt header)");
        if (storedWidth > MaxSide || storedHeight > MaxSide)
            throw new VideoFileException(path, string.Create(CultureInfo.InvariantCulture, $"the picture is {storedWidth}x{storedHeight}; ClipLit takes at most {MaxSide} pixels a side"));

        cancellation.ThrowIfCancellationRequested();
        var (timestamps, timeBase, keyframes, start) = FrameTimestamps(path, Integer(video, "index") ?? 0, timeout, cancellation);
        if (timestamps.Count == 0) throw new VideoFileException(path, "the video stream has no frames");

        int rotation = Rotation(video);
        bool quarterTurn = Math.Abs(rotation) % 180 == 90;
        double rate = Ratio(Text(video, "r_frame_rate")) is > 0 and var real ? real : Ratio(Text(video, "avg_frame_rate"));
        string? format = root.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.Object ? Text(f, "format_name") : null;
        return new VideoInfo(
            path,
            quarterTurn ? storedHeight : storedWidth,
            quarterTurn ? storedWidth : storedHeight,
            timestamps, timeBase, rate,
            IsVariable(timestamps),
            Text(video, "codec_name") ?? "unknown",
            Text(video, "pix_fmt") ?? "unknown",
            BitsPerChannel(video),
            rotation,
            format ?? "unknown",
            Array(root, "streams").Count(s => Text(s, "codec_type") == "audio"),
            Array(root, "streams").Count(s => Text(s, "codec_type") == "subtitle"),
            keyframes,
            start);
    }

    /// <summary>ffprobe's JSON for <paramref name="path"/> with the given sections.</summary>
    private static JsonDocument Json(string path, IEnumerable<string> sections, TimeSpan timeout, CancellationToken cancellation)
    {
        ChildProgramResult result;
        try
        {
            result = ChildProgram.Run(FfmpegTools.Ffprobe, ["-v", "error", "-print_format", "json", .. sections, "-i", FfmpegTools.FileArgument(path)], timeout, cancellation);
        }
        catch (ChildProgramException e)
        {
            throw new VideoFileException(path, e.Message);
        }
        catch (TimeoutException)
        {
            throw new VideoFileException(path, $"ffprobe did not finish reading it within {timeout.TotalSeconds:0} s");
        }
        if (result.ExitCode != 0)
        {
            string problem = result.LastErrorLine?.Replace(FfmpegTools.FileArgument(path) + ": ", "", StringComparison.Ordinal) ?? $"ffprobe exit code {result.ExitCode}";
            throw new VideoFileException(path, $"not a video file ffprobe can read ({problem})");
        }
        try
        {
            return JsonDocument.Parse(result.Output, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new VideoFileException(path, $"ffprobe's description of it cannot be read ({e.Message})");
        }
    }

    /// <summary>
    /// The video packets' presentation times in display order (microseconds from the first), the
    /// stream's time-base denominator, the display-order indices of keyframes (packets flagged K)
    /// and the first frame's time in the file (microseconds).
    /// </summary>
    private static (IReadOnlyList<long> Timestamps, long TimeBase, IReadOnlyList<int> Keyframes, long Start) FrameTimestamps(
        string path, int streamIndex, TimeSpan timeout, CancellationToken cancellation)
    {
        using var packets = Json(path,
            ["-select_streams", streamIndex.ToString(CultureInfo.InvariantCulture), "-show_entries", "packet=stream_index,pts,dts,pts_time,dts_time,flags"],
            timeout, cancellation);
        var times = new List<long>();
        var keyTimes = new List<long>();
        long timeBase = 0;
        long bestPts = 0;
        foreach (var packet in Array(packets.RootElement, "packets"))
        {
            if (Integer(packet, "stream_index") is { } index && index != streamIndex) continue;
            bool hasPts = TryParseSeconds(Text(packet, "pts_time"), out double seconds);
            if (!hasPts && !TryParseSeconds(Text(packet, "dts_time"), out seconds)) continue;
            if (!double.IsFinite(seconds) || Math.Abs(seconds) > 1e9) continue;
            long time = (long)Math.Round(seconds * 1e6);
            times.Add(time);
            if (Text(packet, "flags")?.Contains('K') == true) keyTimes.Add(time);
            long pts = Long(packet, hasPts ? "pts" : "dts") ?? 0;
            if (pts > bestPts && seconds > 0)
            {
                bestPts = pts;
                timeBase = (long)Math.Round(pts / seconds);
            }
        }
        times.Sort();
        long first = times.Count > 0 ? times[0] : 0;
        // Keyframes by display index: a keyframe's time is one of the frames' (sorted, so a binary search finds it).
        var keyframes = keyTimes.Select(t => times.BinarySearch(t)).Where(i => i > 0).Prepend(0).Distinct().Order().ToList();
        for (int i = 0; i < times.Count; i++) times[i] -= first;
        return (times, timeBase > 0 ? timeBase : 1_000_000, keyframes, first);
    }

    private static bool IsVariable(IReadOnlyList<long> timestamps)
    {
        if (timestamps.Count < 3) return false;
        long min = long.MaxValue, max = 0;
        for (int i = 1; i < timestamps.Count; i++)
        {
            long step = timestamps[i] - timestamps[i - 1];
            min = Math.Min(min, step);
            max = Math.Max(max, step);
        }
        return max - min > 1000; // more than a millisecond apart: not rounding noise
    }

    private static int BitsPerChannel(JsonElement video)
    {
        if (int.TryParse(Text(video, "bits_per_raw_sample"), NumberStyles.None, CultureInfo.InvariantCulture, out int bits) && bits is > 0 and <= 32) return bits;
        string format = Text(video, "pix_fmt") ?? "";
        foreach (int candidate in new[] { 16, 14, 12, 10, 9 })
            if (format.Contains($"p{candidate}", StringComparison.Ordinal)) return candidate;
        return 8;
    }

    /// <summary>Rotation in degrees: the display matrix's where there is one, else the older "rotate" tag.</summary>
    private static int Rotation(JsonElement video)
    {
        foreach (var side in Array(video, "side_data_list"))
            if (Text(side, "side_data_type") == "Display Matrix" && side.TryGetProperty("rotation", out var rotation) && rotation.ValueKind == JsonValueKind.Number
                && rotation.TryGetDouble(out double degrees) && Math.Abs(degrees) <= 360)
                return (int)degrees;
        return video.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Object
               && double.TryParse(Text(tags, "rotate"), NumberStyles.Float, CultureInfo.InvariantCulture, out double tag) && Math.Abs(tag) <= 360
            ? (int)tag
            : 0;
    }

    private static bool IsAttachedPicture(JsonElement stream) =>
        stream.TryGetProperty("disposition", out var disposition) && disposition.ValueKind == JsonValueKind.Object && Integer(disposition, "attached_pic") == 1;

    /// <summary>"30000/1001" as 29.97; 0 for anything else.</summary>
    private static double Ratio(string? text)
    {
        var parts = (text ?? "").Split('/');
        if (parts.Length != 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double numerator)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double denominator) || denominator <= 0)
            return 0;
        double ratio = numerator / denominator;
        return double.IsFinite(ratio) && ratio > 0 ? ratio : 0;
    }

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
            : [];

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private static int? Integer(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) ? number : null;

    private static long? Long(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) ? number : null;

    /// <summary>ffprobe times as plain seconds ("1.033333"); "N/A" is absent.</summary>
    private static bool TryParseSeconds(string? text, out double seconds) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds);
}
