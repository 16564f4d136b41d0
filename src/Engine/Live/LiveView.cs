using System.Diagnostics;
using ClipLit.Core;
using ClipLit.Engine.Models;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Presentation;
using ClipLit.Renderer.Vulkan;
using ClipLit.VideoIO.Video;

namespace ClipLit.Engine.Live;

/// <summary>
/// What the live view runs and how.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Model">The model shown (right of the divider side by side).</param>
/// <param name="Compare">A second model for the side-by-side view; null: none.</param>
/// <param name="Enhancer">Where and how ONNX Runtime runs the network.</param>
/// <param name="Quality">Fast or full; null: full where the network runs on CUDA, else fast.</param>
/// <param name="FastLongSide">Long side of the network's input in fast quality.</param>
/// <param name="Temporal">Temporal smoothing of the light map and cut detection.</param>
/// <param name="Windowed">Present in a window; false runs the same loop headless.</param>
/// <param name="WindowSize">The window's initial size; null: the picture's, fitted to 1600x900.</param>
/// <param name="Options">What the loop does (frame limit, outputs, split, watch folder...); its Compare and FastModel are filled in here.</param>
/// <param name="FastModel">
/// The student that gives fast quality its light maps, and lights the frames at scene cuts in full
/// quality, when <paramref name="Model"/> is the paper's network; null: the model itself on a copy
/// with a long side of <paramref name="FastLongSide"/>.
/// </param>
public sealed record LiveViewSettings(LightMapModel Model, LightMapModel? Compare, EnhancerOptions Enhancer, EnhanceQuality? Quality, int FastLongSide,
    TemporalOptions Temporal, bool Windowed, (int Width, int Height)? WindowSize, LiveOptions Options, StudentModel? FastModel = null);

/// <summary>
/// What a live run measured, and what Vulkan validation said of it (when it was on).
/// Thread-safety: immutable.
/// </summary>
public sealed record LiveRun(LiveStatistics Statistics, bool ValidationEnabled, int ValidationErrors, IReadOnlyList<string> ValidationMessages);

/// <summary>
/// The live view put together: the window (when asked), the enhancer session on a Vulkan device
/// made for that window, the compared model as a sibling session, the presenter and the loop.
/// The command line (live) and the benchmarks (bench live) both run the live view through here.
/// Thread-safety: stateless; the thread that calls Run becomes the window thread (with a window, the process's main thread, as GLFW asks).
/// </summary>
public static class LiveView
{
    /// <summary>
    /// Runs the live view of <paramref name="input"/> until it ends (files, unless looping), the
    /// frame limit, the window closing or cancellation. Takes ownership of <paramref name="first"/>.
    /// Writes the lines a user reads (where the model runs, notes, swaps) to <paramref name="log"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">CUDA was asked for explicitly and cannot be used.</exception>
    /// <exception cref="PresentationException">The window or its swapchain failed.</exception>
    /// <exception cref="VulkanException">No usable Vulkan device.</exception>
    /// <exception cref="VideoFileException">The source or an output failed.</exception>
    public static LiveRun Run(LiveInput input, IFrameSource first, LiveViewSettings settings, TextWriter log, CancellationToken cancellation)
    {
        using var firstSource = new Owned<IFrameSource>(first);
        // Models loaded in the background write their notes from another thread.
        log = TextWriter.Synchronized(log);
        var loading = Stopwatch.StartNew();
        using var window = settings.Windowed ? OpenWindow(input, settings.WindowSize) : null;
        var deviceOptions = VkDeviceOptions.Default with
        {
            InstanceExtensions = window is null ? [] : GlfwWindow.RequiredInstanceExtensions(),
            Presentation = window is not null,
        };
        using var session = new EnhancerSession(settings.Model, settings.Enhancer, deviceOptions, note => log.WriteLine($"note: {note}"));
        log.WriteLine($"model {settings.Model.Source}, running on {session.Provider.Description}");
        var options = VideoEnhanceOptions.Default with
        {
            Quality = settings.Quality ?? FramePlan.DefaultQuality(session.RunsOnCuda),
            FastLongSide = settings.FastLongSide,
            Temporal = settings.Temporal,
        };
        // The network's tensors at the first network size: zero-copy on CUDA when the network runs there and the chain works.
        // Each model's layout alone (the live loop routes the student where it serves the model).
        FrameLayout LayoutAlone(LightMapModel model, EnhanceQuality quality) => (FramePlan.For(model, null, options) with { Quality = quality }).LayoutFor(input.Width, input.Height);
        var startLayout = LayoutAlone(settings.Model, options.Quality);
        var startTensors = session.TensorsFor(startLayout.NetworkWidth, startLayout.NetworkHeight);
        var running = new LoadedModel(session, loading.Elapsed);
        loading.Restart();
        // On the CPU the student runs on one intra-op thread: it keeps the source's pace on one core
        // (29 light maps a second for 720p30), and a second thread cost more in hand-overs than it
        // saved (bench live, headless, interleaved: 0.88-0.92 cores with one, 0.94-1.09 with two).
        int? studentThreads = session.RunsOnCuda ? null : 1;
        using var fast = settings.FastModel is not { } student || settings.Model is StudentModel ? null
            : new LoadedModel(session.OpenSibling(student, studentThreads), loading.Elapsed);
        if (fast is not null)
        {
            var studentLayout = LayoutAlone(settings.FastModel!, EnhanceQuality.Fast);
            fast.Session.TensorsFor(studentLayout.NetworkWidth, studentLayout.NetworkHeight);
            log.WriteLine($"fast quality: light maps from student {fast.Name} at {studentLayout.NetworkWidth}x{studentLayout.NetworkHeight}"
                + (options.Quality != EnhanceQuality.Full ? ""
                    : !settings.Options.Lockstep && FreshLightMap.Applies(settings.Temporal, startTensors.Residence) ? " (in full quality: every frame, correcting the model's slower light map where things moved)"
                    : " (in full quality: the frames at scene cuts, until the model's own light map)"));
            loading.Restart();
        }
        using var compare = settings.Compare is null ? null : new LoadedModel(session.OpenSibling(settings.Compare), loading.Elapsed);
        if (compare is not null)
        {
            log.WriteLine($"model {compare.Path}, running on {compare.Session.Provider.Description}");
            // Its tensors now, not on the first B: on CUDA that starts a context and a session, which would stall the window.
            var compareLayout = LayoutAlone(settings.Compare!, options.Quality);
            compare.Session.TensorsFor(compareLayout.NetworkWidth, compareLayout.NetworkHeight);
        }
        var device = session.Device;
        using var presenter = window is null ? null : new VkPresenter(device, window);
        var loop = new LiveLoop(window, presenter, running, options, settings.Options with { Compare = compare, FastModel = fast }, log)
        {
            StartupNotice = session.FallbackReason is { } why ? $"{EnhancerSession.RoundTrip}: {why}" : null,
        };
        var statistics = loop.Run(input, firstSource.Take(), cancellation);
        return new LiveRun(statistics, device.ValidationEnabled, device.ValidationErrorCount, device.ValidationMessages.ToList());
    }

    /// <summary>What a live run throws when its input, an output, the window, the Vulkan device or the network fails (one error line; anything else is a bug).</summary>
    public static bool IsRunFailure(Exception e) =>
        e is PresentationException or VulkanException or VideoFileException or VideoIO.Images.ImageFileException or InferenceException;

    /// <summary>A window of the given size, else the frame's size scaled down to fit 1600x900 (it can be resized).</summary>
    private static GlfwWindow OpenWindow(LiveInput input, (int Width, int Height)? size)
    {
        string title = $"ClipLit - {input.Name}";
        if (size is { } given) return new GlfwWindow(given.Width, given.Height, title);
        double scale = Math.Min(1.0, Math.Min(1600.0 / input.Width, 900.0 / input.Height));
        return new GlfwWindow(Math.Max(1, (int)(input.Width * scale)), Math.Max(1, (int)(input.Height * scale)), title);
    }
}
