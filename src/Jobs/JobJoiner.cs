using ClipLit.Cli;
using ClipLit.Core.Files;
using ClipLit.VideoIO.Video;

namespace ClipLit.Jobs;

/// <summary>
/// <c>job join</c>: once every shard is done, puts each input's parts together into its output
/// (no re-encoding; the original's audio, subtitles, metadata and chapters; frame count, streams and
/// timestamps checked: <see cref="VideoPartJoiner"/>), after checking the input's content is the
/// one planned, that the outputs are in place (<see cref="JobOutputs"/>) and that every part is the
/// file its shard recorded (size and SHA-256: a part copied over another is refused). Outputs are
/// written atomically, each on its own: one that fails does not stop the others; an output that
/// appeared meanwhile is replaced only when the job was created with <c>--overwrite</c>. Refuses,
/// listing them, while any shard is not done.
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
        JobOutputs.Check(folder, manifest);
        int failed = 0;
        for (int i = 0; i < manifest.Inputs.Count && !context.Cancellation.IsCancellationRequested; i++)
        {
            var input = manifest.Inputs[i];
            try
            {
                Join(i, input);
                if (!quiet) context.Error.WriteLine($"joined {input.Output} ({input.Frames} frames)");
            }
            catch (Exception e) when (e is JobException or VideoFileException)
            {
                failed++;
                context.Error.WriteLine($"error: {e.Message}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed++;
                context.Error.WriteLine(e.Message.StartsWith(input.Output, StringComparison.Ordinal) ? $"error: {e.Message}" : $"error: {input.Output}: {e.Message}");
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
    /// <exception cref="JobException">The output exists without --overwrite, the input changed, or a part is missing or not as recorded.</exception>
    /// <exception cref="VideoFileException">ffmpeg failed, or the result's frames or streams are not the original's.</exception>
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
        var source = VideoProbe.Probe(input.Path, context.Cancellation);
        var parts = new List<VideoPart>();
        foreach (var shard in manifest.Shards)
            foreach (var part in shard.Parts.Where(p => p.Input == index))
                parts.Add(new VideoPart(CheckedPart(shard, part, input, source), part.Start, part.End));
        Directory.CreateDirectory(Path.GetDirectoryName(input.Output)!);
        StaleTemporaries.Remove(Path.GetDirectoryName(input.Output)!, Path.GetFileName(input.Output));
        using var temporary = TemporaryFile.Create(input.Output);
        VideoPartJoiner.JoinAsync(source, parts, temporary.Path, input.Output, context.Cancellation).GetAwaiter().GetResult();
        try
        {
            temporary.Commit(replace: manifest.Overwrite);
        }
        catch (OutputExistsException)
        {
            throw new JobException($"{input.Output}: a file of that name appeared while joining; it was not replaced (the job was created without --overwrite)");
        }
        folder.MarkJoined(index, input.Output);
    }

    /// <summary>The part's file, once it is the one its shard's done marker records (same name, frames, size and SHA-256) and holds its range's frames.</summary>
    private string CheckedPart(JobShard shard, JobPart part, JobInput input, VideoInfo source)
    {
        string file = folder.PartFile(shard.Index, part, input);
        var record = folder.DoneParts(shard.Index)?.FirstOrDefault(r => r.File == Path.GetFileName(file));
        if (record is null || record.Frames != part.End - part.Start)
            throw new JobException($"{file}: shard {shard.Index}'s done marker does not record this part (run the shard again: cliplit job run {folder.Path} --shard {shard.Index})");
        var info = new FileInfo(file);
        if (!info.Exists) throw new JobException($"{file}: a done shard's part is missing (was the job folder changed?)");
        if (info.Length != record.Bytes || InputCheck.Sha256(file) != record.Sha256)
            throw new JobException($"{file}: the part is not the one shard {shard.Index} wrote (its size or SHA-256 differs); run the shard again");
        if (PartCheck.Problem(file, part, source, context.Cancellation) is { } problem)
            throw new JobException($"{file}: the part does not hold frames {part.Start}..{part.End - 1} ({problem}); run the shard again");
        return file;
    }
}
