namespace ClipLit.VideoIO.Live;

/// <summary>
/// A live capture device as FFmpeg opens it: an input format (v4l2 on Linux, dshow on Windows,
/// avfoundation on macOS, or lavfi for FFmpeg's generated test sources) and the device's name.
/// Written <c>/dev/video0</c> (the platform's default format) or <c>FORMAT:DEVICE</c>, e.g.
/// <c>v4l2:/dev/video2</c>, <c>dshow:video=Integrated Camera</c>, <c>lavfi:testsrc2=size=640x360:rate=30</c>.
/// </summary>
public sealed record CameraSpec(string Format, string Device)
{
    private static readonly string[] KnownFormats = ["v4l2", "dshow", "avfoundation", "lavfi", "x11grab", "kmsgrab", "gdigrab"];

    /// <summary>The platform's capture format: v4l2, dshow or avfoundation.</summary>
    public static string PlatformFormat => OperatingSystem.IsWindows() ? "dshow" : OperatingSystem.IsMacOS() ? "avfoundation" : "v4l2";

    public static CameraSpec Parse(string text)
    {
        int colon = text.IndexOf(':');
        if (colon > 0 && KnownFormats.Contains(text[..colon], StringComparer.OrdinalIgnoreCase))
            return new CameraSpec(text[..colon].ToLowerInvariant(), text[(colon + 1)..]);
        return new CameraSpec(PlatformFormat, text);
    }

    /// <summary>A generated source (lavfi) runs as fast as it is read unless paced like a camera.</summary>
    public bool IsGenerated => Format == "lavfi";

    /// <summary>A network stream (udp://, rtsp://, http://...): FFmpeg detects the format.</summary>
    public static CameraSpec ForUrl(string url) => new("", url);

    /// <summary>Whether <paramref name="text"/> is a URL FFmpeg opens as a network stream.</summary>
    public static bool IsUrl(string text) => text.Contains("://", StringComparison.Ordinal) && !text.StartsWith("file://", StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Format.Length == 0 ? Device : $"{Format}:{Device}";
}
