using System.Diagnostics;
using System.Runtime.InteropServices;
using ClipLit.Renderer.Presentation;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Tests;

/// <summary>
/// <see cref="VkPresenter"/> in a window on a virtual X display (an Xvfb this fixture starts), under
/// the validation layer: what it reads back from the swapchain is the frame copied 1:1, the frame
/// letterboxed between black bars, and the heads-up display over the corner. No Xvfb or no GLFW:
/// ignored with the reason.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class PresenterTests
{
    private const int WindowWidth = 61, WindowHeight = 37; // odd sizes, as the swapchain must cope
    private Process? _xvfb;
    private GlfwWindow? _window;
    private VkComputeDevice? _device;

    [OneTimeSetUp]
    public void OpenWindow()
    {
        try
        {
            // -displayfd: Xvfb picks a free display and writes its number once it accepts clients.
            var start = new ProcessStartInfo("Xvfb") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in new[] { "-displayfd", "1", "-screen", "0", "320x240x24", "-nolisten", "tcp" }) start.ArgumentList.Add(arg);
            _xvfb = Process.Start(start)!;
            _xvfb.ErrorDataReceived += (_, _) => { };
            _xvfb.BeginErrorReadLine();
            string? display = _xvfb.StandardOutput.ReadLine();
            if (string.IsNullOrWhiteSpace(display)) Assert.Ignore("Xvfb did not start");
            // GLFW reads DISPLAY from the C environment, which Environment.SetEnvironmentVariable does not change.
            if (SetEnvironment("DISPLAY", $":{display.Trim()}", 1) != 0) Assert.Ignore("cannot set DISPLAY");
            _window = new GlfwWindow(WindowWidth, WindowHeight, "presenter test");
            _device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Required, PreferredDevice: null)
            {
                InstanceExtensions = GlfwWindow.RequiredInstanceExtensions(),
                Presentation = true,
            });
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or PresentationException or VulkanException)
        {
            Assert.Ignore($"no window to present to: {e.Message} (Xvfb, libglfw3, mesa-vulkan-drivers, vulkan-validationlayers)");
        }
    }

    [TearDown]
    public void NoValidationErrors() => Validation.AssertNoErrors(_device);

    [OneTimeTearDown]
    public void CloseWindow()
    {
        _device?.Dispose();
        // Twice, as every owner must allow (here, not in a test: GLFW has one window per process in ClipLit, and Dispose ends GLFW).
        _window?.Dispose();
        _window?.Dispose();
        if (_xvfb is { HasExited: false }) _xvfb.Kill();
        _xvfb?.WaitForExit();
        _xvfb?.Dispose();
    }

    private GlfwWindow Window => _window!;

    private VkComputeDevice Device => _device!;

    [Test]
    public void AFrameOfTheWindowsSizeIsShownAsItIs()
    {
        using var presenter = new VkPresenter(Device, Window);
        Assert.That(presenter.Extent, Is.EqualTo((WindowWidth, WindowHeight)));
        var frame = Pattern(WindowWidth, WindowHeight);
        // Twice: the second frame waits for the first one's commands and reuses its buffers.
        presenter.Present(Pattern(WindowWidth, WindowHeight, seed: 7), WindowWidth, WindowHeight);
        var shown = presenter.Present(frame, WindowWidth, WindowHeight, screenshot: true);
        Assert.That(shown, Is.EqualTo(frame));
    }

    [Test]
    public void AFrameOfAnotherShapeIsScaledBetweenBlackBars()
    {
        using var presenter = new VkPresenter(Device, Window);
        // 20x4 into 61x37: scaled to 61x12 (x3.05), centred with 12 rows of bar above and 13 below.
        var frame = Enumerable.Repeat(new byte[] { 200, 100, 50, 255 }, 20 * 4).SelectMany(p => p).ToArray();
        var shown = presenter.Present(frame, 20, 4, screenshot: true)!;
        var (x, y, width, height) = VkPresenter.Letterbox(20, 4, WindowWidth, WindowHeight);
        Assert.That((x, y, width, height), Is.EqualTo((0, 12, 61, 12)));
        for (int row = 0; row < WindowHeight; row++)
        {
            var expected = row >= y && row < y + height ? new byte[] { 200, 100, 50, 255 } : [0, 0, 0, 255];
            for (int column = 0; column < WindowWidth; column++)
                Assert.That(shown.AsSpan(4 * (row * WindowWidth + column), 4).ToArray(), Is.EqualTo(expected), $"pixel ({column}, {row})");
        }
    }

    [Test]
    public void TheHeadsUpDisplayCoversTheCornerClippedToTheWindow()
    {
        using var presenter = new VkPresenter(Device, Window);
        var frame = Pattern(WindowWidth, WindowHeight);
        var panel = HudPanel.Draw([new HudLine("FPS 30"), new HudLine("NO SIGNAL", Warning: true)], scale: 1);
        Assert.That(panel.Width, Is.GreaterThan(WindowWidth - 8), "the panel is wider than the window: it is clipped");
        var shown = presenter.Present(frame, WindowWidth, WindowHeight, screenshot: true, overlay: panel)!;
        for (int row = 0; row < WindowHeight; row++)
            for (int column = 0; column < WindowWidth; column++)
            {
                bool covered = column >= 8 && row >= 8 && row - 8 < panel.Height;
                int at = 4 * (row * WindowWidth + column);
                var expected = covered ? panel.Rgba.AsSpan(4 * ((row - 8) * panel.Width + column - 8), 4) : frame.AsSpan(at, 4);
                Assert.That(shown.AsSpan(at, 4).ToArray(), Is.EqualTo(expected.ToArray()), $"pixel ({column}, {row})");
            }
    }

    [Test]
    public void DisposingThePresenterTwiceIsHarmless()
    {
        var presenter = new VkPresenter(Device, Window);
        // A frame still on the GPU when it is disposed: Dispose waits for it.
        presenter.Present(Pattern(WindowWidth, WindowHeight), WindowWidth, WindowHeight);
        presenter.Dispose();
        Assert.DoesNotThrow(presenter.Dispose);
        Assert.Throws<ObjectDisposedException>(() => presenter.Present(Pattern(WindowWidth, WindowHeight), WindowWidth, WindowHeight));
    }

    /// <summary>Opaque RGBA8 pixels that differ in every channel and position.</summary>
    private static byte[] Pattern(int width, int height, int seed = 1)
    {
        var pixels = new byte[4 * width * height];
        for (int i = 0; i < width * height; i++)
        {
            pixels[4 * i] = (byte)(i * 3 + seed);
            pixels[4 * i + 1] = (byte)(i * 5 + 17 * seed);
            pixels[4 * i + 2] = (byte)(i * 7 + 101);
            pixels[4 * i + 3] = 255;
        }
        return pixels;
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);
}
