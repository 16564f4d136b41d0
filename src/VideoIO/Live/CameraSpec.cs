namespace ClipLit.VideoIO.Live;

/// <summary>
/// A live capture device as FFmpeg opens it: an input format (v4l2 on Linux, dshow on Windows,
/// avfoundation on macOS, or lavfi for FFmpeg's generated test sources) and the device's name.
/// Written <c>/dev/video0</c> (the platform's default format) or <c>FORMAT:DEVICE</c>, e.g.
/// <c>v4l2:/dev/video2</c>, <c>dshow:video=Integrated Camera</c>, <c>lavfi:testsrc2=size=640x360:rate=30</c>.
/// <see cref="Mode"/> asks a capture device for one of its modes (<c>cliplit cameras</c> lists them).
/// </summary>
public sealed record CameraSpec(string Format, string Device)
{
    /// <summary>The mode to capture in; the device's default when empty.</summary>
    public CameraMode Mode { get; init; } = CameraMode.Default;

    /// <summary>Whether <see cref="Mode"/> can apply: capture devices have modes, generated sources and streams do not.</summary>
    public bool HasModes => Format is "v4l2" or "dshow" or "avfoundation";

    /// <summary>FFmpeg's input options before <c>-i DEVICE</c>, one element each: the format, then the mode's size, rate and pixel format.</summary>
    public IReadOnlyList<string> InputArguments()
    {
        var arguments = new List<string>();
        if (Format.Length > 0) arguments.AddRange(["-f", Format]);
        if (Mode.Size is { } size) arguments.AddRange(["-video_size", $"{size.Width}x{size.Height}"]);
        if (Mode.FramesPerSecond is { } rate) arguments.AddRange(["-framerate", rate.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        // v4l2 names the camera's own format (yuyv422, mjpeg) -input_format; the others -pixel_format.
        if (Mode.PixelFormat is { } pixels) arguments.AddRange([Format == "v4l2" ? "-input_format" : "-pixel_format", pixels]);
        return arguments;
    }

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

/// <summary>A capture mode: picture size, frame rate and the camera's pixel format (e.g. mjpeg, yuyv422); null parts are the device's choice.</summary>
public sealed record CameraMode((int Width, int Height)? Size, double? FramesPerSecond, string? PixelFormat)
{
    public static readonly CameraMode Default = new(null, null, null);

    public bool IsDefault => this == Default;
}
