namespace ClipLit.Bench.Denoise;

/// <summary>
/// What <see cref="DenoiseBench"/> measured: each clip at each noise level, without and with
/// <c>--denoise auto</c>, against the same pipeline's output of the clean frames and the paper's; and the cost.
/// Thread-safety: immutable.
/// </summary>
public sealed record DenoiseBenchResult(MachineDescription Machine, DateTime Date, int Threads, string Student, int Frames,
    IReadOnlyList<DenoiseClip> Clips, DenoiseCost Cost);

/// <summary>One clip's rows, weakest noise first (level 0: none added).</summary>
public sealed record DenoiseClip(string Name, string Description, IReadOnlyList<DenoiseRow> Rows);

/// <summary>
/// One noise level of a clip: the noise added (its σ in 8-bit levels at luma 0.1 and 0.5), what the
/// estimate found, and the output against the clean frames' output, mean over the frames, without and
/// with the denoise: PSNR everywhere, at strong edges, and the frame-to-frame change of the output
/// (RMS in 8-bit levels: on a still clip, the shimmer the noise leaves).
/// </summary>
public sealed record DenoiseRow(int Level, double AddedDark, double AddedMid, double FoundDark, double FoundMid,
    DenoiseFigures Off, DenoiseFigures Auto);

/// <summary>
/// PSNR everywhere and at strong edges (dB) against the paper's output of the clean frames (its
/// network at full resolution, each frame alone) and against the same engine's; the output's
/// frame-to-frame change (RMS, 8-bit levels), and its warping error (Lai et al., ×1000, the flow of
/// the clean frames; NaN before measured).
/// </summary>
public sealed record DenoiseFigures(double PaperPsnr, double PaperEdgePsnr, double Psnr, double EdgePsnr, double FrameToFrame, double WarpingError = double.NaN);

/// <summary>Milliseconds a 720p frame through the frame engine (fast quality, in memory), without and with the denoise, medians of interleaved runs.</summary>
public sealed record DenoiseCost(double OffMilliseconds, double AutoMilliseconds);
