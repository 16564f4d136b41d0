using ClipLit.Engine;
using ClipLit.Renderer;

namespace ClipLit.Bench.Motion;

/// <summary>
/// One way of making a video's light maps: a quality and a smoothing mode.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Name">What the report calls it.</param>
/// <param name="Quality">Full (the paper's network at full size) or fast (the student).</param>
/// <param name="Smoothing">How the light map is smoothed over time.</param>
/// <param name="IsDefault">What ClipLit does for a file when nothing is asked.</param>
public sealed record MotionVariant(string Name, EnhanceQuality Quality, SmoothingMode Smoothing, bool IsDefault);

/// <summary>
/// One variant on one clip: its stability figures, and how fast it ran.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Variant">The variant.</param>
/// <param name="Figures">Against the paper per frame, by bench/video_stability.py.</param>
/// <param name="FramesPerSecond">File to file (decode to encode), the best of the runs.</param>
/// <param name="MotionMillisecondsPerFrame">Time the motion estimate took per frame (0 where the variant does not follow motion).</param>
public sealed record MotionRow(MotionVariant Variant, StabilityFigures Figures, double FramesPerSecond, double MotionMillisecondsPerFrame);

/// <summary>
/// One clip's rows.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Clip">What the report calls the clip.</param>
/// <param name="Description">Where it comes from and what moves in it.</param>
/// <param name="Frames">Frames enhanced.</param>
/// <param name="ComparedPairs">Frame pairs the warping error averages over.</param>
/// <param name="CutPairs">Pairs left out as scene cuts.</param>
/// <param name="Rows">Each variant, the paper per frame first.</param>
public sealed record MotionClip(string Clip, string Description, int Frames, int ComparedPairs, int CutPairs, IReadOnlyList<MotionRow> Rows);

/// <summary>
/// The headless live view on a clip with one quality and smoothing mode: each shown frame against the
/// paper's output for that very frame.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Quality">Full (the paper's network) or fast (the student).</param>
/// <param name="Smoothing">How the light map is smoothed over time.</param>
/// <param name="Shown">Frames shown.</param>
/// <param name="PsnrMean">Mean PSNR of the shown frames against the paper per frame (dB).</param>
/// <param name="PsnrWorst">The worst shown frame's.</param>
/// <param name="MeanMapAgeFrames">How many frames older than the shown frame its light map was, on average.</param>
/// <param name="StudentCorrects">
/// Full quality, not averaging: whether the student's map of each shown frame corrects the teacher's
/// carried map (the default, <c>TemporalOptions.CorrectWithStudent</c>); false: carried by motion alone.
/// </param>
public sealed record LiveMotionRow(EnhanceQuality Quality, SmoothingMode Smoothing, int Shown, double PsnrMean, double PsnrWorst, double MeanMapAgeFrames,
    bool StudentCorrects = false);

/// <summary>
/// What <c>cliplit bench motion</c> measured.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Machine">Where it ran.</param>
/// <param name="Date">When.</param>
/// <param name="Threads">ONNX Runtime's threads.</param>
/// <param name="Student">The student's file name (fast quality).</param>
/// <param name="Clips">Each clip's variants.</param>
/// <param name="Live">The live view on the fast pan (first clip), each quality and mode.</param>
public sealed record MotionBenchResult(MachineDescription Machine, DateTime Date, int Threads, string Student, IReadOnlyList<MotionClip> Clips,
    IReadOnlyList<LiveMotionRow> Live);
