using System.Globalization;
using ClipLit.Renderer.Presentation;

namespace ClipLit.Engine.Live;

/// <summary>
/// What the heads-up display reports (rates are over the last second).
/// Thread-safety: immutable.
/// </summary>
public readonly record struct HudReadings(double DisplayFps, double EnhancerHz, double EnhancerMilliseconds, double LightMapAgeFrames,
    double LatencyP50Milliseconds, double LatencyP99Milliseconds, string Device, string Quality, LoadedModel Model, LoadedModel? LeftModel, bool Paused)
{
    /// <summary>Cores in use over the last second (process and children).</summary>
    public double CpuCores { get; init; }

    /// <summary>CPU milliseconds per shown frame over the last second.</summary>
    public double CpuMillisecondsPerFrame { get; init; }

    /// <summary>How strongly the picture is corrected (<see cref="ClipLit.Renderer.CorrectionStrength"/>).</summary>
    public float Strength { get; init; } = ClipLit.Renderer.CorrectionStrength.Paper;

    /// <summary>The gain-aware denoise's amount (0: off).</summary>
    public float Denoise { get; init; }

    /// <summary>The student's milliseconds on each shown frame where it places the enhancer's slower maps (<see cref="EnhancerLane.EveryFrameMilliseconds"/>); null where it does not.</summary>
    public double? EveryFrameMilliseconds { get; init; }
}

/// <summary>
/// The live window's heads-up display (H): rates, latency, CPU use, device, model; and messages (a model
/// that did not load, no signal), which show for a few seconds even while the display is hidden.
/// The panel is redrawn only when its text changes.
/// Thread-safety: the window thread.
/// </summary>
public sealed class LiveHud
{
    private static readonly TimeSpan MessageTime = TimeSpan.FromSeconds(6);
    private const int MaxMessages = 3;
    private readonly List<(string Text, DateTime Until)> _messages = [];
    private string? _drawnText;
    private HudPanel? _panel;

    public bool Visible { get; set; }

    /// <summary>Shows <paramref name="text"/> (upper-cased by the font) for a few seconds.</summary>
    public void Message(string text)
    {
        _messages.Add((text, DateTime.UtcNow + MessageTime));
        if (_messages.Count > MaxMessages) _messages.RemoveAt(0);
    }

    /// <summary>The panel to draw over the window, or null when there is nothing to show.</summary>
    public HudPanel? Panel(HudReadings readings, int scale)
    {
        _messages.RemoveAll(message => message.Until < DateTime.UtcNow);
        var lines = new List<HudLine>();
        if (Visible) lines.AddRange(Lines(readings).Select(text => new HudLine(text)));
        lines.AddRange(_messages.Select(message => new HudLine(Shorten(message.Text, 90), Warning: true)));
        if (lines.Count == 0) return null;
        string text = string.Join('\n', lines.Select(line => (line.Warning ? "!" : " ") + line.Text)) + scale;
        if (text != _drawnText)
        {
            _panel = HudPanel.Draw(lines, scale);
            _drawnText = text;
        }
        return _panel;
    }

    /// <summary>The display's lines for <paramref name="r"/> (before the messages).</summary>
    public static IEnumerable<string> Lines(HudReadings r)
    {
        var c = CultureInfo.InvariantCulture;
        yield return string.Format(c, "DISPLAY {0:F1} FPS   LATENCY {1:F0} MS (P99 {2:F0}){3}", r.DisplayFps, r.LatencyP50Milliseconds, r.LatencyP99Milliseconds,
            r.Paused ? "   PAUSED" : "");
        yield return string.Format(c, "ENHANCER {0:F1} HZ, {1:F0} MS   LIGHT MAP {2:F1} FRAMES OLD", r.EnhancerHz, r.EnhancerMilliseconds, r.LightMapAgeFrames);
        // Otherwise the rate above (the slow network's) reads as if the picture's light changed that seldom.
        if (r.EveryFrameMilliseconds is { } student)
            yield return string.Format(c, "STUDENT ON EVERY FRAME, {0:F0} MS: LIGHTS IT WHERE THINGS ARE NOW", student);
        yield return string.Format(c, "CPU {0:F2} CORES, {1:F0} MS A FRAME (WITH THE DECODER)", r.CpuCores, r.CpuMillisecondsPerFrame);
        // The strength first: the quality's and the device's descriptions are long, and a small window cuts them.
        string denoise = r.Denoise > 0 ? r.Denoise.ToString("0.0#", c) : "OFF";
        yield return $"STRENGTH {ClipLit.Renderer.CorrectionStrength.Describe(r.Strength)} ([ ])   DENOISE {denoise}   {r.Quality}";
        yield return r.Device;
        yield return string.Format(c, "MODEL {0} (LOADED IN {1:F1} S)", Shorten(r.Model.Name, 48), r.Model.LoadTime.TotalSeconds);
        if (r.LeftModel is { } left) yield return $"LEFT {Shorten(left.Name, 32)} | RIGHT {Shorten(r.Model.Name, 32)}";
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 3), "...");
}
