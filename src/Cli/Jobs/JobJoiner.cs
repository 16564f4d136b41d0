using ClipLit.Core;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Jobs;

/// <summary>
/// <c>job join</c>: once every shard is done, puts each input's parts together into its output
/// (no re-encoding; the original's audio, subtitles, metadata and chapters; frame count and
/// timestamps checked: <see cref="VideoPartJoiner"/>), after checking the input's content is the
/// one planned. Outputs are written atomically, each on its own: one that fails does not stop the
/// others. Refuses, listing them, while any shard is not done.
/// Thread-safety: one join per instance.
/// </summary>
public sealed class JobJoiner(JobFolder folder, JobManifest manifest, CliContext context, bool quiet)
{
    /// <summary>Joins every output; returns the exit code.</summary>
    public int Run()
    {
        var unfinished = Enumerable.Range(0, manifest.Shards.Count).Select(folder.Status).Where(s => s.State != ShardState.Done).ToList();
        if (unfinished.Count > 0)
        {
            context.Error.WriteLine($"error: {folder.Path}: {unfinished.Count} of {manifest.Shards.Count} shards are not done, nothing joined:");
            foreach (var shard in unfinished) context.Error.WriteLine($"  shard {shard.Index}: {shard.State.ToString().ToLowerInvariant()}: {shard.Detail}");
            return ExitCodes.SomeFailed;
        }
        int failed = 0;
        for (int i = 0; i < manifest.Inputs.Count && !context.Cancellation.IsCancellationRequested; i++)
        {
            var input = manifest.Inputs[i];
            try
            {
                Join(i, input);
                if (!quiet) context.Error.WriteLine($"joined {input.Output} ({input.Frames} frames)");
            }
            catch (Exception e) when (e is JobException or VideoFileException or IOException)
            {
                failed++;
                context.Error.WriteLine($"error: {e.Message}");
            }
        }
        if (context.Cancellation.IsCancellationRequested)
        {
            context.Error.WriteLine("interrupted: the output in progress was not written");
            return ExitCodes.Interrupted;
        }
        return failed > 0 ? ExitCodes.SomeFailed : ExitCodes.Success;
    }

    /// <summary>Joins input <paramref name="index"/>'s parts into its output (atomically).</summary>
    /// <exception cref="JobException">The output exists without --overwrite, the input changed, or a part is missing.</exception>
    /// <exception cref="VideoFileException">ffmpeg failed, or the result's frames are not the original's.</exception>
    public void Join(int index, JobInput input)
    {
        if (folder.WasJoined(index, input.Output))
        {
            if (!quiet) context.Error.WriteLine($"{input.Output}: already joined");
            return;
        }
        if (File.Exists(input.Output) && !manifest.Overwrite)
            throw new JobException($"{input.Output}: the output already exists (the job was created without --overwrite)");
        InputCheck.Unchanged(input, full: true);
        var parts = manifest.Shards
            .SelectMany(shard => shard.Parts.Where(p => p.Input == index).Select(p => new VideoPart(folder.PartFile(shard.Index, p, input), p.Start, p.End)))
            .ToList();
        foreach (var part in parts.Where(p => !File.Exists(p.Path)))
            throw new JobException($"{part.Path}: a done shard's part is missing (was the job folder changed?)");
        Directory.CreateDirectory(Path.GetDirectoryName(input.Output)!);
        StaleTemporaries.Remove(Path.GetDirectoryName(input.Output)!, Path.GetFileName(input.Output));
        string temporary = AtomicFile.TemporaryPathFor(input.Output);
        try
        {
            VideoPartJoiner.JoinAsync(VideoProbe.Probe(input.Path, context.Cancellation), parts, temporary, input.Output, context.Cancellation).GetAwaiter().GetResult();
            AtomicFile.CommitDurably(temporary, input.Output);
            folder.MarkJoined(index, input.Output);
        }
        finally
        {
            AtomicFile.TryDelete(temporary);
        }
    }
}
