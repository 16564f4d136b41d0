using ClipLit.Engine;
using ClipLit.Renderer.Passes;

namespace ClipLit.Bench.Videos;

/// <summary>
/// Fast quality at one network size and upsampler, against full quality.
/// Thread-safety: immutable.
/// </summary>
/// <param name="LongSide">The network's long side.</param>
/// <param name="Upsampler">How the light map is brought back to full size.</param>
/// <param name="Photos">The golden photos' scores.</param>
/// <param name="Clip">The shared clip's sampled frames' scores.</param>
public sealed record FastQualityRow(int LongSide, UpsampleMode Upsampler, IReadOnlyList<StillScores> Photos, IReadOnlyList<StillScores> Clip);

/// <summary>
/// How often the network alone refreshes a 720p frame's light map at one fast size.
/// Thread-safety: immutable.
/// </summary>
public sealed record NetworkRate(int LongSide, int Width, int Height, double Hertz);

/// <summary>
/// The window of a golden photo where bilinear upsampling errs most at silhouettes, at each long side.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Photo">The photo's file name.</param>
/// <param name="X">The window's left edge.</param>
/// <param name="Y">The window's top edge.</param>
/// <param name="Sides">Per long side: the window in full quality, fast bilinear and fast edge-aware.</param>
public sealed record SilhouetteCrops(string Photo, int X, int Y, IReadOnlyList<(int LongSide, IReadOnlyList<ImageCrop> Crops)> Sides);

/// <summary>
/// Flicker of one clip with the plain moving average on or off.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Clip">Which clip ("shared clip", "static stretch").</param>
/// <param name="Smoothing">The temporal average on.</param>
/// <param name="Figures">The flicker figures.</param>
/// <param name="WarpError">The output's change on static content; NaN when there was none.</param>
/// <param name="Cuts">The scene cuts found.</param>
public sealed record TemporalRow(string Clip, bool Smoothing, FlickerFigures Figures, double WarpError, IReadOnlyList<int> Cuts);

/// <summary>
/// A file-to-file run through the video pipeline, and the bench process's peak memory during it.
/// Thread-safety: immutable.
/// </summary>
public sealed record PipelineRun(string Name, VideoResult Result, double PeakMiB);

/// <summary>
/// What <see cref="VideoBench"/> measured (data only; <see cref="VideoReport"/> writes it).
/// Thread-safety: immutable.
/// </summary>
/// <param name="Machine">Where it ran.</param>
/// <param name="Date">When (UTC).</param>
/// <param name="Threads">ONNX Runtime's and PyTorch's threads.</param>
/// <param name="Quality">Fast against full quality, per long side and upsampler.</param>
/// <param name="UpsamplerAlone">The upsamplers by themselves (the full-size light map downscaled to 256 and upsampled again): mean PSNR on the photos.</param>
/// <param name="NetworkRates">The network alone at each fast size.</param>
/// <param name="Crops">The silhouette crops.</param>
/// <param name="Temporal">Flicker, the plain moving average on and off.</param>
/// <param name="BaselineFrames">Frames the naive baseline ran on.</param>
/// <param name="BaselineAsInstalled">The naive baseline's fps, PyTorch as installed.</param>
/// <param name="BaselineHugePages">The naive baseline's fps with huge pages.</param>
/// <param name="Throughput">ClipLit's runs: full quality, and fast with the plain moving average.</param>
public sealed record VideoBenchResult(MachineDescription Machine, DateTime Date, int Threads, IReadOnlyList<FastQualityRow> Quality,
    IReadOnlyDictionary<UpsampleMode, double> UpsamplerAlone, IReadOnlyList<NetworkRate> NetworkRates, SilhouetteCrops Crops,
    IReadOnlyList<TemporalRow> Temporal, int BaselineFrames, double BaselineAsInstalled, double BaselineHugePages, IReadOnlyList<PipelineRun> Throughput);
