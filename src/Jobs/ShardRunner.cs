using System.Diagnostics;
using ClipLit.Cli;
using ClipLit.Core.Files;
using ClipLit.Engine;
using ClipLit.Inference.Runtime;
using ClipLit.Jobs.Videos;
using ClipLit.Renderer.Vulkan;
using ClipLit.VideoIO.Video;

namespace ClipLit.Jobs;

/// <summary>
/// Runs one shard of a job: takes the shard's lock (so no other worker runs it), checks its inputs
/// are the files planned and that what the job would write is in place, opens the enhancer from the
/// job's options exactly as <c>enhance</c> would, and enhances each part (warm-up included) into
/// its file in the shard's folder, each verified and then renamed; parts an earlier attempt
/// finished are verified and kept. The shard's markers say running, then done (with every part's
/// size and SHA-256), or failed with the error line; a cancelled run removes its running marker, so
/// the shard reads as missing and is simply run again.
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
            return context.Fail($"{folder.Path}: shard {index} does not exist (the job has shards 0..{manifest.Shards.Count - 1})");
        }
        if (DoneProblem(index) is null)
        {
            if (!quiet) context.Error.WriteLine($"shard {index}: already done ({folder.Status(index).Detail})");
            return ExitCodes.Success;
        }
        using var claim = folder.Claim(index);
        if (claim is null)
        {
            return context.Fail($"shard {index} is already running ({folder.Status(index).Detail}); a shard runs in one worker at a time");
        }
        // Another worker may have finished it while this one waited for the lock.
        switch (DoneProblem(index))
        {
            case null:
                if (!quiet) context.Error.WriteLine($"shard {index}: already done ({folder.Status(index).Detail})");
                return ExitCodes.Success;
            case { Length: > 0 } problem:
                if (!quiet) context.Error.WriteLine($"note: shard {index} is marked done but {problem}: running it again");
                break;
        }
        if (!claim.Exclusive && !quiet)
            context.Error.WriteLine($"note: {folder.Path}: the file system keeps no locks, so nothing stops a second worker from running shard {index} too");
        claim.MarkRunning();
        // Parts of an earlier attempt that was killed mid-write: nobody holds their locks, nothing will finish them.
        StaleTemporaries.Remove(folder.ShardFolder(index));
        var clock = Stopwatch.StartNew();
        try
        {
            var parts = Enhance(manifest.Shards[index], pipeline, progress);
            int frames = parts.Sum(p => p.Frames);
            claim.MarkDone($"{frames} frames in {clock.Elapsed.TotalSeconds:F1} s on {JobFolder.ThisHost}", parts);
            if (!quiet && pipeline is null) context.Error.WriteLine($"shard {index}: done, {frames} frames in {clock.Elapsed.TotalSeconds:F1} s");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is OperationCanceledException
                                  // A scheduler's SIGTERM reaches ffmpeg too, which may die first: its error is the cancellation's.
                                  || (context.Cancellation.IsCancellationRequested && e is JobException or VideoFileException or IOException or InferenceException))
        {
            if (pipeline is not null) throw new OperationCanceledException("cancelled", e); // enhance --resume says what to do itself
            context.Error.WriteLine($"interrupted: shard {index} stopped; its finished parts are kept and it runs again from there");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is JobException or VideoFileException or InferenceException or VulkanException or FormatException or IOException
                                      or UnauthorizedAccessException)
        {
            string line = e is IOException or UnauthorizedAccessException ? $"{folder.ShardFolder(index)}: {e.Message}" : e.Message;
            TryMarkFailed(claim, line);
            if (pipeline is not null) throw new JobException(line); // enhance --resume reports it as the file's failure
            return context.Fail($"shard {index}: {line}");
        }
    }

    /// <summary>
    /// Null when the shard's done marker stands: it lists the parts as planned, each there with its
    /// recorded size and SHA-256 and holding its range's frames. "" when the shard is not marked
    /// done; else what does not stand (a part that is not as recorded is then checked again as any
    /// earlier attempt's part is).
    /// </summary>
    private string? DoneProblem(int index)
    {
        if (folder.Status(index).State != ShardState.Done || folder.DoneParts(index) is not { } recorded) return "";
        var expected = manifest.Shards[index].Parts.Select(part => (File: folder.PartFile(index, part, manifest.Inputs[part.Input]), Frames: part.End - part.Start)).ToList();
        if (recorded.Count != expected.Count || recorded.Zip(expected).Any(pair => pair.First.File != Path.GetFileName(pair.Second.File) || pair.First.Frames != pair.Second.Frames))
            return "its done marker does not list its parts as planned";
        var sources = new Dictionary<int, VideoInfo>();
        foreach (var ((record, (file, _)), part) in recorded.Zip(expected).Zip(manifest.Shards[index].Parts))
        {
            var info = new FileInfo(file);
            if (!info.Exists) return $"{file} is missing";
            if (info.Length != record.Bytes || InputCheck.Sha256(file) != record.Sha256) return $"{file} is not the part it recorded (size or SHA-256)";
            var input = manifest.Inputs[part.Input];
            if (!sources.TryGetValue(part.Input, out var source))
            {
                try
                {
                    sources[part.Input] = source = VideoProbe.Probe(input.Path, context.Cancellation);
                }
                catch (VideoFileException e)
                {
                    return e.Message;
                }
            }
            if (PartCheck.Problem(file, part, source, context.Cancellation) is { } problem) return $"{file} does not hold its frames ({problem})";
        }
        return null;
    }

    private void TryMarkFailed(ShardClaim claim, string line)
    {
        try
        {
            claim.MarkFailed(line);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder cannot be written (that may be the failure itself): the error line says enough.
        }
    }

    /// <summary>Enhances the shard's parts; returns each part's record.</summary>
    private List<PartRecord> Enhance(JobShard shard, VideoPipeline? given, IProgress<VideoProgress>? progress)
    {
        JobOutputs.Check(folder, manifest);
        foreach (int input in shard.Parts.Select(p => p.Input).Distinct()) InputCheck.Unchanged(manifest.Inputs[input], full: false);
        using var opened = given is null ? OpenPipeline() : null;
        var pipeline = given ?? opened!;
        var enhancer = new VideoEnhancer(pipeline.VideoSession, pipeline.Video);
        var probed = new Dictionary<int, VideoInfo>();
        var records = new List<PartRecord>();
        foreach (var part in shard.Parts)
        {
            var input = manifest.Inputs[part.Input];
            string file = folder.PartFile(shard.Index, part, input);
            int frames = part.End - part.Start;
            if (!probed.TryGetValue(part.Input, out var info)) probed[part.Input] = info = VideoProbe.Probe(input.Path, context.Cancellation);
            if (info.FrameCount != input.Frames) throw new JobException($"{input.Path}: {info.FrameCount} frames now, {input.Frames} when the job was created");
            if (Finished(file, part, info) is { } earlier)
            {
                records.Add(earlier); // an earlier attempt finished it (parts appear only when verified)
                continue;
            }
            using (var temporary = TemporaryFile.Create(file))
            {
                var result = enhancer.EnhanceAsync(info, temporary.Path, file, progress, context.Cancellation,
                    range: new FrameRange(part.DecodeFrom, part.Start, part.End)).GetAwaiter().GetResult();
                if (result.DecodeProblem is { } problem) throw new VideoFileException(input.Path, problem);
                if (result.FramesWritten != frames)
                    throw new JobException($"{input.Path}: frames {part.Start}..{part.End - 1} gave {result.FramesWritten} frames");
                var record = new PartRecord(Path.GetFileName(file), temporary.Length, temporary.Sha256(), frames);
                // Flushed to disk before it counts: a node that crashes after the done marker must not leave a truncated part.
                temporary.Commit(replace: false);
                records.Add(record);
            }
            if (!quiet && given is null) context.Error.WriteLine($"shard {shard.Index}: {Path.GetFileName(input.Path)} frames {part.Start}..{part.End - 1} done");
        }
        return records;
    }

    /// <summary>A part file an earlier attempt left, when it holds its range's frames; else null (one that does not is removed).</summary>
    private PartRecord? Finished(string file, JobPart part, VideoInfo source)
    {
        if (!File.Exists(file)) return null;
        if (PartCheck.Problem(file, part, source, context.Cancellation) is not { } problem)
            return new PartRecord(Path.GetFileName(file), new FileInfo(file).Length, InputCheck.Sha256(file), part.End - part.Start);
        if (!quiet) context.Error.WriteLine($"note: {file} is not this part ({problem}): making it again");
        File.Delete(file);
        return null;
    }

    /// <summary>The enhancer as the job's options say, once they name the job's own, unchanged model copies and encoder options ffmpeg takes.</summary>
    private VideoPipeline OpenPipeline()
    {
        JobOutputs.CheckModels(folder, manifest);
        var options = new VideoOptionSet();
        var args = options.Parse(manifest.Options);
        if (args.GetValue(options.Network.Model) != manifest.ModelOf(ModelRole.Model)?.Path
            || args.GetValue(options.Network.FastModel) != manifest.ModelOf(ModelRole.Student)?.Path)
            throw new JobException($"{folder.Path}: the job's options name other model files than the ones it pinned");
        var encode = options.Encode(args);
        foreach (string extension in manifest.Inputs.Select(i => Path.GetExtension(i.Output).ToLowerInvariant()).Distinct())
            if (EncoderCheck.Problem(encode, extension) is { } problem) throw new JobException($"{folder.Path}: {problem}");
        return VideoPipeline.Open(options, args, context, quiet, searchInstalledStudents: false)
               ?? throw new JobException("the enhancer could not be started (the error is above)");
    }
}
