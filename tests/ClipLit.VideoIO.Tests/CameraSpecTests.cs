using ClipLit.VideoIO.Live;

namespace ClipLit.VideoIO.Tests;

/// <summary>How a camera and its capture mode become FFmpeg's input options.</summary>
[TestFixture]
public sealed class CameraSpecTests
{
    [Test]
    public void APlainDeviceNamesOnlyItsFormat()
    {
        var camera = CameraSpec.Parse("v4l2:/dev/video2");
        Assert.That((camera.Format, camera.Device), Is.EqualTo(("v4l2", "/dev/video2")));
        Assert.That(camera.InputArguments(), Is.EqualTo(new[] { "-f", "v4l2" }));
        Assert.That(CameraSpec.ForUrl("udp://127.0.0.1:5000").InputArguments(), Is.Empty, "FFmpeg detects a stream's format");
    }

    [Test]
    public void AModeAddsSizeRateAndTheCamerasPixelFormat()
    {
        var mode = new CameraMode((1280, 720), 29.97, "mjpeg");
        Assert.That((CameraSpec.Parse("v4l2:/dev/video0") with { Mode = mode }).InputArguments(),
            Is.EqualTo(new[] { "-f", "v4l2", "-video_size", "1280x720", "-framerate", "29.97", "-input_format", "mjpeg" }));
        Assert.That((CameraSpec.Parse("dshow:video=Integrated Camera") with { Mode = mode }).InputArguments(),
            Is.EqualTo(new[] { "-f", "dshow", "-video_size", "1280x720", "-framerate", "29.97", "-pixel_format", "mjpeg" }), "dshow and avfoundation call it -pixel_format");
    }

    [Test]
    public void OnlyCaptureDevicesHaveModes()
    {
        Assert.That(CameraSpec.Parse("/dev/video0").HasModes, Is.True, "the platform's capture format");
        Assert.That(CameraSpec.Parse("lavfi:testsrc2").HasModes, Is.False);
        Assert.That(CameraSpec.ForUrl("rtsp://camera/stream").HasModes, Is.False);
    }
}
