using System.Diagnostics;
using ClipLit.Cli.Videos;
using ClipLit.Core;
using ClipLit.Engine;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer.Vulkan;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Jobs;

/// <summary>
/// Runs one shard of a job: checks its inputs are the files planned, opens the enhancer from the
/// job's options exactly as <c>enhance</c> would, and enhances each part (warm-up included) into
/// its file in the shard's folder, atomically, skipping parts an earlier attempt finished. The
/// shard's marker says running, then done, or failed with the error line; a cancelled run removes
/// it, so the shard reads as missing and is simply run again.
/// Thread-safety: one shard per instance.
/// </summary>
public sealed class ShardRunner(JobFolder folder, JobManifest manifest, CliContext context, bool quiet)
{
    /// <summary>Runs shard <paramref name="index"/>; returns the exit code (success when it was already done).</summary>
    /// <param name="index">The shard.</param>
    /// <param name="pipeline">An enhancer already open with the job's options (enhance --resume's); null: opened from the manifest.</param>
    /// <param name="progress">Frames done in this shard's parts.</param>
    public int Run(int index, VideoPipeline? pipeline = null, IProgress<VideoProgress>? progress = null)
    {
        if (index < 0 || index >= manifest.Shards.Count)
        {
            context.Error.WriteLine($"error: {folder.Path}: shard {index} does not exist (the job has shards 0..{manifest.Shards.Count - 1})");
            return ExitCodes.SomeFailed;
        }
        var status = folder.Status(index);
        if (status.State == ShardState.Done && MissingPart(manifest.Shards[index]) is null)
        {
            if (!quiet) context.Error.WriteLine($"shard {index}: already done ({status.Detail})");
            return ExitCodes.Success;
        }
        if (status.State == ShardState.Done && !quiet)
            context.Error.WriteLine($"note: shard {index} is marked done but {MissingPart(manifest.Shards[index])} is missing: running it again");
        if (status.State == ShardState.Running && status.Detail.StartsWith("pid ", StringComparison.Ordinal))
        {
            context.Error.WriteLine($"error: shard {index} is already running on this host ({status.Detail})");
            return ExitCodes.SomeFailed;
        }
        folder.MarkRunning(index);
        // Parts of an earlier attempt on this host that was killed mid-write: nothing will finish them.
        StaleTemporaries.Remove(folder.ShardFolder(index));
        var clock = Stopwatch.StartNew();
        try
        {
            int frames = Enhance(manifest.Shards[index], pipeline, progress);
            folder.MarkDone(index, $"{frames} frames in {clock.Elapsed.TotalSeconds:F1} s on {JobFolder.ThisHost}");
            if (!quiet && pipeline is null) context.Error.WriteLine($"shard {index}: done, {frames} frames in {clock.Elapsed.TotalSeconds:F1} s");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is OperationCanceledException
                                  // A scheduler's SIGTERM reaches ffmpeg too, which may die first: its error is the cancellation's.
                                  || (context.Cancellation.IsCancellationRequested && e is VideoFileException or IOException))
        {
            folder.ClearRunning(index);
            if (pipeline is not null) throw new OperationCanceledException("cancelled", e); // enhance --resume says what to do itself
            context.Error.WriteLine($"interrupted: shard {index} stopped; its finished parts are kept and it runs again from there");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is JobException or VideoFileException or InferenceException or VulkanException or FormatException or IOException
                                      or UnauthorizedAccessException)
        {
            folder.MarkFailed(index, e.Message);
            if (pipeline is not null) throw; // enhance --resume reports it as the file's failure
            context.Error.WriteLine($"error: shard {index}: {e.Message}");
            return ExitCodes.SomeFailed;
        }
    }

    /// <summary>The first part file of the shard that is not there, or null when all are.</summary>
    private string? MissingPart(JobShard shard) =>
        shard.Parts.Select(part => folder.PartFile(shard.Index, part, manifest.Inputs[part.Input])).FirstOrDefault(file => !File.Exists(file));

    /// <summary>Enhances the shard's parts; returns the frames written.</summary>
    private int Enhance(JobShard shard, VideoPipeline? given, IProgress<VideoProgress>? progress)
    {
        foreach (int input in shard.Parts.Select(p => p.Input).Distinct()) InputCheck.Unchanged(manifest.Inputs[input], full: false);
        using var opened = given is null ? OpenPipeline() : null;
        var pipeline = given ?? opened!;
        var enhancer = new VideoEnhancer(pipeline.VideoSession, pipeline.Video);
        var probed = new Dictionary<int, VideoInfo>();
        int frames = 0;
        foreach (var part in shard.Parts)
        {
            var input = manifest.Inputs[part.Input];
            string file = folder.PartFile(shard.Index, part, input);
            if (File.Exists(file)) continue; // an earlier attempt finished it (parts appear only when complete)
            if (!probed.TryGetValue(part.Input, out var info)) probed[part.Input] = info = VideoProbe.Probe(input.Path, context.Cancellation);
            if (info.FrameCount != input.Frames) throw new JobException($"{input.Path}: {info.FrameCount} frames now, {input.Frames} when the job was created");
            string temporary = AtomicFile.TemporaryPathFor(file);
            try
            {
                var result = enhancer.EnhanceAsync(info, temporary, file, progress, context.Cancellation,
                    range: new FrameRange(part.DecodeFrom, part.Start, part.End)).GetAwaiter().GetResult();
                if (result.DecodeProblem is { } problem) throw new VideoFileException(input.Path, problem);
                if (result.FramesWritten != part.End - part.Start)
                    throw new JobException($"{input.Path}: frames {part.Start}..{part.End - 1} gave {result.FramesWritten} frames");
                // On disk before it counts: a node that crashes after the done marker must not leave a truncated part.
                AtomicFile.CommitDurably(temporary, file);
                frames += result.FramesWritten;
            }
            finally
            {
                AtomicFile.TryDelete(temporary);
            }
            if (!quiet && given is null) context.Error.WriteLine($"shard {shard.Index}: {Path.GetFileName(input.Path)} frames {part.Start}..{part.End - 1} done");
        }
        return frames;
    }

    private VideoPipeline OpenPipeline()
    {
        var options = new VideoOptionSet();
        return VideoPipeline.Open(options, options.Parse(manifest.Options), context, quiet, searchInstalledStudents: false)
               ?? throw new JobException("the enhancer could not be started (the error is above)");
    }
}
