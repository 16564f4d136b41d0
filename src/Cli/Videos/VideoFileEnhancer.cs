using ClipLit.Core;
using ClipLit.Engine;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer.Vulkan;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Videos;

/// <summary>
/// Enhances one video file into another for the command line: probe, run the frame engine into a
/// hidden temporary file, rename it when complete. A cancelled or failed run leaves nothing under
/// the output's name; a source that is cut short yields its decodable part under an explicit
/// <c>.partial</c> name, with an error.
/// Thread-safety: one video at a time. Ownership: owns neither the device nor the estimator.
/// </summary>
public sealed class VideoFileEnhancer(LightMapEstimator estimator, Func<VkComputeDevice> device, VideoEnhanceOptions options)
{
    /// <summary>Where the last video's time went, per stage.</summary>
    public string LastTimings { get; private set; } = "";

    /// <exception cref="VideoFileException">The input cannot be read, is cut short, or encoding failed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was left behind.</exception>
    public async Task EnhanceAsync(string input, string output, IProgress<VideoProgress> progress, CancellationToken cancellation)
    {
        var info = VideoProbe.Probe(input, cancellation);
        string temporary = AtomicFile.TemporaryPathFor(output);
        try
        {
            var result = await new VideoEnhancer(device(), estimator, options).EnhanceAsync(info, temporary, output, progress, cancellation);
            LastTimings = $"{result.FramesWritten} frames in {result.Elapsed.TotalSeconds:F1} s ({result.FramesWritten / result.Elapsed.TotalSeconds:F1} fps); busy: "
                          + string.Join(", ", result.StageSeconds.Select(kv => $"{kv.Key} {kv.Value:F1} s"))
                          + (result.Cuts.Count > 0 ? $"; scene cuts at frames {string.Join(", ", result.Cuts)}" : "");
            if (result.DecodeProblem is { } problem)
            {
                string partial = PartialName(output);
                AtomicFile.Commit(temporary, partial);
                throw new VideoFileException(input, $"{problem}; the {result.FramesWritten} decodable frames are in {partial}");
            }
            AtomicFile.Commit(temporary, output);
        }
        finally
        {
            AtomicFile.TryDelete(temporary);
        }
    }

    /// <summary>out.mp4 -> out.partial.mp4: the container stays recognizable, the name says it is incomplete.</summary>
    public static string PartialName(string output) =>
        Path.Combine(Path.GetDirectoryName(output) ?? "", $"{Path.GetFileNameWithoutExtension(output)}.partial{Path.GetExtension(output)}");
}
