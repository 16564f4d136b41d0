namespace ClipLit.Engine.Live;

/// <summary>
/// What the live view shows: a name for messages, the picture's size and frame rate, and how to
/// open (and, for cameras, reopen) the source. A file's source ends at its end; a camera's ending
/// means it went away, and it is retried.
/// Thread-safety: immutable; Open is called on the window thread (the live loop's source playback).
/// </summary>
public sealed record LiveInput(string Name, int Width, int Height, double FramesPerSecond, Func<ClipLit.VideoIO.Video.IFrameSource> Open, bool IsCamera);

/// <summary>
/// Options of the live loop.
/// Thread-safety: immutable; FrameTap is invoked on the window thread.
/// </summary>
/// <param name="FrameLimit">Stop after presenting this many frames; null: run to the end (or forever with <paramref name="Loop"/>).</param>
/// <param name="ScreenshotPath">Save the last presented frame (read back from the swapchain) here as PNG.</param>
/// <param name="Loop">Start the source again at its end.</param>
/// <param name="Lockstep">Every frame waits for its own light map (deterministic: equals <c>enhance</c>); default off: the newest light map is used.</param>
/// <param name="WatchFolder">Swap in checkpoints completed in this folder while running (hot reload); null: no watching.</param>
/// <param name="Split">Start in split view with the divider at this fraction of the width (0..1); null: no split.</param>
/// <param name="OutputStream">Also send the shown frames to this FFmpeg output (udp://..., rtmp://..., a file); null: none.</param>
/// <param name="VirtualCamera">Also write the shown frames to this v4l2loopback device; null: none.</param>
/// <param name="Compare">The second model of the side-by-side view (B); null: the model before the last swap.</param>
/// <param name="SideBySide">Start side by side (needs <paramref name="Compare"/>).</param>
/// <param name="Hud">Start with the heads-up display shown.</param>
/// <param name="FastModel">
/// The student that gives fast quality its light maps (and the frames at scene cuts in full quality)
/// when the model is the paper's network; null: the model itself on a downscaled copy. A sibling of the model's session.
/// </param>
/// <param name="FrameTap">Receives every shown frame (RGBA, as presented, before the heads-up display) with its index in the source; null: none (tests).</param>
/// <param name="Strength">How strongly to correct at the start (<see cref="ClipLit.Renderer.CorrectionStrength"/>; [ and ] change it).</param>
/// <param name="Denoise">The gain-aware denoise's amount (<see cref="ClipLit.Renderer.FrameRenderer.Denoise"/>; 0 off).</param>
public sealed record LiveOptions(int? FrameLimit, string? ScreenshotPath, bool Loop, bool Lockstep, string? WatchFolder = null, double? Split = null,
    string? OutputStream = null, string? VirtualCamera = null, LoadedModel? Compare = null, bool SideBySide = false, bool Hud = false,
    LoadedModel? FastModel = null, LiveFrameTap? FrameTap = null, float Strength = ClipLit.Renderer.CorrectionStrength.Paper, float Denoise = 0f);

/// <summary>
/// A shown frame: its index among the source's frames and its pixels (valid during the call only).
/// Thread-safety: invoked on the window thread, one frame at a time, in the order shown.
/// </summary>
public delegate void LiveFrameTap(int frameIndex, ReadOnlySpan<byte> rgba);
