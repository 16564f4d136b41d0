using ClipLit.Engine.Models;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Passes;

namespace ClipLit.Engine;

/// <summary>
/// How a model's frames are enhanced, decided once per model and asked by everyone who runs frames
/// (enhance, live, a job's shards, the benchmarks) instead of deciding again: the quality, which
/// model gives the light maps (in fast quality the student that serves the model, where one does),
/// and per source size the frame layout (the network's size and the upsampler).
/// Thread-safety: immutable.
/// </summary>
/// <param name="Model">The model the user runs (the paper's network, or a student run as itself).</param>
/// <param name="Student">The student that gives <paramref name="Model"/> its fast-quality light maps; null: none (the model itself on a downscaled copy).</param>
/// <param name="Quality">Fast or full.</param>
/// <param name="FastLongSide">Long side of the network's input in fast quality without a student.</param>
/// <param name="Upsample">Fast quality's upsampler without a student (a student's map is always bilinear).</param>
public sealed record FramePlan(LightMapModel Model, StudentModel? Student, EnhanceQuality Quality,
    int FastLongSide = FrameLayout.DefaultFastLongSide, UpsampleMode Upsample = UpsampleMode.EdgeAware)
{
    /// <summary>The plan for <paramref name="model"/> with the video options' quality, fast size and upsampler.</summary>
    public static FramePlan For(LightMapModel model, StudentModel? student, VideoEnhanceOptions options) =>
        new(model, student, options.Quality, options.FastLongSide, options.Upsample);

    /// <summary>
    /// The quality when none is asked for: full where the network runs on CUDA (it keeps up there),
    /// else fast. The one place this default is decided.
    /// </summary>
    public static EnhanceQuality DefaultQuality(bool networkRunsOnCuda) => networkRunsOnCuda ? EnhanceQuality.Full : EnhanceQuality.Fast;

    /// <summary>
    /// How the light map is smoothed over time when nobody asked: not at all, each frame its own map.
    /// On the shared clips any average (even one that follows motion) moved files' output away from
    /// the paper's, steadied moving content by a few percent at most, and made a noisy still scene's
    /// low-frequency flicker worse; in the live view the newest map carried to the shown frame by its
    /// motion (<see cref="TemporalOptions.For"/>) was nearer the paper than any average
    /// (docs/benchmarks.md, motion section).
    /// </summary>
    public const SmoothingMode DefaultSmoothing = SmoothingMode.Off;

    /// <summary>
    /// The default quality for a network asked to run on <paramref name="requested"/>, for whoever
    /// decides before opening a session (a job's creation): CUDA asked for by name is full quality
    /// even where this machine has none (a job may be planned on a machine without the workers'
    /// GPUs); auto asks this machine where the network would run, as enhance does (on a machine with
    /// an NVIDIA driver that starts a probe session of ONNX Runtime's CUDA provider: a second or so).
    /// </summary>
    public static EnhanceQuality DefaultQuality(ExecutionDevice requested) => requested switch
    {
        ExecutionDevice.Cuda => EnhanceQuality.Full,
        ExecutionDevice.Cpu => EnhanceQuality.Fast,
        _ => DefaultQuality(OrtSessionFactory.Create(ExecutionDevice.Auto, new OrtSessionSettings(1)).Device == ExecutionDevice.Cuda),
    };

    /// <summary>
    /// Whether <paramref name="student"/> gives <paramref name="model"/>'s fast quality its light maps
    /// without being asked by name: it was distilled from that very file (a student given with
    /// --fast-model serves whatever model it is given with, with a note).
    /// </summary>
    public static bool Serves(StudentModel student, LightMapModel model) => model is not StudentModel && student.IsStudentOf(model);

    /// <summary>The model whose network gives this plan's light maps: the student in fast quality where one serves the model, else the model.</summary>
    public LightMapModel LightMapModel => Quality == EnhanceQuality.Fast && Student is { } student && Model is not StudentModel ? student : Model;

    /// <summary>Whether the light maps come from the student rather than the model itself.</summary>
    public bool RunsStudent => !ReferenceEquals(LightMapModel, Model);

    /// <summary>Whether the plan is for photos: a student runs them at its still scale (<see cref="StudentModel.StillScale"/>), not its frame-rate one.</summary>
    public bool Stills { get; init; }

    /// <summary>The layout of a <paramref name="width"/> x <paramref name="height"/> source: a student at its own scale (photos: its still scale), the paper's network full or at the fast size.</summary>
    public FrameLayout LayoutFor(int width, int height) => LightMapModel.LayoutFor(width, height, Quality, FastLongSide, Upsample, Stills);

    /// <summary>The same plan in the other quality (the live view's Q).</summary>
    public FramePlan Toggled() => this with { Quality = Quality == EnhanceQuality.Fast ? EnhanceQuality.Full : EnhanceQuality.Fast };

    /// <summary>
    /// What lights a scene cut's first frame where this plan's network is slow (a full-size layout):
    /// the fast plan's model at its layout (the serving student, else the model on the small copy);
    /// null where this plan is cheap already (its own network lights the cut frame) or the fast plan is not cheaper.
    /// </summary>
    public (LightMapModel Model, FrameLayout Layout)? CutFrameEstimator(int width, int height)
    {
        if (LayoutFor(width, height).IsDownscaled) return null;
        var fast = this with { Quality = EnhanceQuality.Fast };
        var layout = fast.LayoutFor(width, height);
        return layout.IsDownscaled ? (fast.LightMapModel, layout) : null;
    }
}
