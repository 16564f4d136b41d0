using ClipLit.Renderer.Presentation;

namespace ClipLit.Renderer.Tests;

/// <summary>Where a frame lands in a window of another shape: as large as fits, aspect ratio kept, centred.</summary>
[TestFixture]
public sealed class LetterboxTests
{
    [TestCase(1280, 720, 1280, 720, 0, 0, 1280, 720)]     // same size: 1:1
    [TestCase(1280, 720, 1600, 1200, 0, 150, 1600, 900)]  // taller window: bars above and below
    [TestCase(1280, 720, 800, 300, 133, 0, 533, 300)]     // wider window: bars left and right
    [TestCase(720, 1280, 1000, 1000, 219, 0, 562, 1000)]  // portrait frame (562.5 rounds to even)
    [TestCase(320, 180, 1, 1, 0, 0, 1, 1)]                // never smaller than a pixel
    public void KeepsTheAspectRatio(int frameWidth, int frameHeight, int windowWidth, int windowHeight, int x, int y, int width, int height) =>
        Assert.That(VkPresenter.Letterbox(frameWidth, frameHeight, windowWidth, windowHeight), Is.EqualTo((x, y, width, height)));
}
