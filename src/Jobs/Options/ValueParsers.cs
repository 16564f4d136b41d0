using System.CommandLine;
using System.Globalization;
using ClipLit.Cli.CommandLine;
using ClipLit.Inference.Runtime;

namespace ClipLit.Jobs.Options;

/// <summary>
/// Options of value kinds several commands take (device, sizes, byte counts, frame rates), each
/// parsed and checked as the command line is parsed (<see cref="Define.Parsed"/>).
/// Thread-safety: each call builds a new option.
/// </summary>
public static class ValueParsers
{
    /// <summary>auto, cpu or cuda (gpu too, any case).</summary>
    public static Option<ExecutionDevice?> Device(string description)
    {
        var option = Define.Parsed<ExecutionDevice>("--device", null, description, ExecutionDeviceNames.TryParse, "auto, cpu or cuda", "-d");
        option.CompletionSources.Add("auto", "cpu", "cuda");
        return option;
    }

    /// <summary>"WxH" (e.g. 1920x1080) as (height, width).</summary>
    public static Option<(int Height, int Width)?> Size(string name, string description, params string[] aliases) =>
        Define.Parsed<(int Height, int Width)>(name, "WxH", description, (string text, out (int Height, int Width) size) =>
        {
            var parts = text.ToLowerInvariant().Split('x');
            size = default;
            if (parts.Length != 2 || !int.TryParse(parts[0], out int width) || !int.TryParse(parts[1], out int height)
                || width < 2 || height < 2 || width > 65536 || height > 65536)
                return false;
            size = (height, width);
            return true;
        }, "WIDTHxHEIGHT with sides from 2 to 65536", aliases);

    /// <summary>A byte count with an optional K/M/G/T suffix (binary units), e.g. 4G, 512M, 1073741824.</summary>
    public static Option<long?> ByteSize(string name, string description) =>
        Define.Parsed<long>(name, "SIZE", description, (string text, out long bytes) =>
        {
            string trimmed = text.Trim().ToUpperInvariant().TrimEnd('B').TrimEnd('I');
            long multiplier = 1;
            if (trimmed.Length > 0 && "KMGT".Contains(trimmed[^1]))
            {
                multiplier = 1L << (10 * ("KMGT".IndexOf(trimmed[^1]) + 1));
                trimmed = trimmed[..^1];
            }
            bool valid = double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && value * multiplier < long.MaxValue;
            bytes = valid ? (long)(value * multiplier) : 0;
            return valid;
        }, "a size such as 512M or 4G");

    /// <summary>Frames per second: a positive number (e.g. 30, 29.97) or a ratio (30000/1001).</summary>
    public static Option<double?> FrameRate(string name, string description) =>
        Define.Parsed<double>(name, "N", description, (string text, out double rate) =>
        {
            static double Number(string part) =>
                double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : double.NaN;
            var parts = text.Split('/');
            rate = parts.Length switch
            {
                1 => Number(parts[0]),
                2 => Number(parts[0]) / Number(parts[1]),
                _ => double.NaN,
            };
            return rate is > 0 and <= 1000;
        }, "a frame rate such as 30, 29.97 or 30000/1001");
}
