using System.Globalization;
using ClipLit.Inference.Runtime;

namespace ClipLit.Cli.CommandLine;

/// <summary>Parsing of option values shared by commands; failures are <see cref="UsageException"/>s.</summary>
public static class ValueParsers
{
    public static ExecutionDevice Device(string command, string? text)
    {
        if (text is null) return ExecutionDevice.Auto;
        return ExecutionDeviceNames.TryParse(text, out var device)
            ? device
            : throw new UsageException($"{command}: --device must be auto, cpu or cuda, got '{text}'");
    }

    /// <summary>"WxH" (e.g. 1920x1080) as (height, width).</summary>
    public static (int Height, int Width) Size(string command, string option, string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], out int width) && int.TryParse(parts[1], out int height)
            && width >= 2 && height >= 2 && width <= 65536 && height <= 65536)
            return (height, width);
        throw new UsageException($"{command}: {option} must be WIDTHxHEIGHT with sides from 2 to 65536, got '{text}'");
    }

    /// <summary>A byte count with an optional K/M/G/T suffix (binary units), e.g. 4G, 512M, 1073741824.</summary>
    public static long ByteSize(string command, string option, string text)
    {
        string trimmed = text.Trim().ToUpperInvariant().TrimEnd('B').TrimEnd('I');
        long multiplier = 1;
        if (trimmed.Length > 0 && "KMGT".Contains(trimmed[^1]))
        {
            multiplier = 1L << (10 * ("KMGT".IndexOf(trimmed[^1]) + 1));
            trimmed = trimmed[..^1];
        }
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && value * multiplier < long.MaxValue)
            return (long)(value * multiplier);
        throw new UsageException($"{command}: {option} must be a size such as 512M or 4G, got '{text}'");
    }

    /// <summary>Frames per second: a positive number (e.g. 30, 29.97) or a ratio (30000/1001).</summary>
    public static double FrameRate(string command, string text)
    {
        static double Number(string part) =>
            double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : double.NaN;
        var parts = text.Split('/');
        double rate = parts.Length switch
        {
            1 => Number(parts[0]),
            2 => Number(parts[0]) / Number(parts[1]),
            _ => double.NaN,
        };
        if (rate is > 0 and <= 1000) return rate;
        throw new UsageException($"{command}: --fps must be a frame rate such as 30, 29.97 or 30000/1001, got '{text}'");
    }
}
