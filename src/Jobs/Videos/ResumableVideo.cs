using ClipLit.Cli;
using ClipLit.Engine;
using ClipLit.VideoIO.Video;

namespace ClipLit.Jobs.Videos;

/// <summary>
/// <c>enhance --resume</c> for one video: the same shards as a job's, run one after another on this
/// machine, their state kept in a hidden folder beside the output (<c>.NAME.cliplit-resume</c>), so
/// a run stopped by Ctrl+C, a crash or kill -9 continues from the last finished shard when the same
/// command is given again. The state pins everything that decides a frame: the input's content
/// (SHA-256), the model's and the student's content (SHA-256, not their paths), every option that
/// changes the picture or its encoding, and ClipLit's version. Anything else starts over, with a
/// note saying why. Joined as a job is, and the state removed once the output is complete.
/// </summary>
/// <param name="pipeline">The enhancer, open with the run's options.</param>
/// <param name="options">The options that decide a frame (<see cref="VideoOptionSet.Deciding"/>).</param>
/// <param name="context">Where notes and errors go.</param>
/// <param name="quiet">No notes.</param>
/// <param name="overwrite">The output may replace an existing file (--overwrite).</param>
public sealed class ResumableVideo(VideoPipeline pipeline, IReadOnlyList<string> options, CliContext context, bool quiet, bool overwrite)
{
    /// <summary>Frames per shard: a minute at 30 fps, so the warm-up before each costs under 2 %.</summary>
    public const int DefaultFramesPerShard = 1800;

    /// <summary>What a shard holds: <c>$CLIPLIT_RESUME_FRAMES_PER_SHARD</c> when set (tests use short clips), else the default.</summary>
    public static int FramesPerShard =>
        int.TryParse(Environment.GetEnvironmentVariable("CLIPLIT_RESUME_FRAMES_PER_SHARD"), out int frames) && frames > 0 ? frames : DefaultFramesPerShard;

    /// <summary>Where the state of a resumable run into <paramref name="output"/> lives.</summary>
    public static string StateFolder(string output)
    {
        string full = Path.GetFullPath(output);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.cliplit-resume");
    }

    /// <exception cref="OperationCanceledException">Stopped; the finished shards are kept for the next run.</exception>
    /// <exception cref="JobException">A shard or the join failed.</exception>
    /// <exception cref="VideoFileException">The input cannot be read, or encoding or joining failed.</exception>
    public void Enhance(string input, string output, IProgress<VideoProgress> progress)
    {
        var folder = new JobFolder(StateFolder(output));
        var manifest = Reusable(folder, input, output) ?? Plan(folder, input, output);
        int total = manifest.Inputs[0].Frames, before = 0;
        var runner = new ShardRunner(folder, manifest, context, quiet: true);
        foreach (var shard in manifest.Shards)
        {
            int done = before;
            if (runner.Run(shard.Index, pipeline, new Progress<VideoProgress>(p => progress.Report(new VideoProgress(done + p.FramesDone, total, p.FramesPerSecond)))) != ExitCodes.Success)
                throw new JobException($"{input}: shard {shard.Index} of the resumable run is already running in another process");
            before += shard.Parts.Sum(p => p.End - p.Start);
        }
        new JobJoiner(folder, manifest, context, quiet).Join(0, manifest.Inputs[0]);
        Directory.Delete(folder.Path, recursive: true);
    }

    /// <summary>The state of an earlier run of this same command, or null (noted) when there is none to reuse.</summary>
    private JobManifest? Reusable(JobFolder folder, string input, string output)
    {
        if (!Directory.Exists(folder.Path)) return null;
        string why;
        try
        {
            var manifest = JobManifest.Read(folder.Path);
            var recorded = manifest.Inputs[0];
            why = Difference(manifest, input, output) ?? "";
            if (why.Length == 0)
            {
                // The content, not the size and time: an input rewritten in place with both kept is another video.
                InputCheck.Unchanged(recorded, full: true);
                int done = manifest.Shards.Count(s => folder.Status(s.Index).State == ShardState.Done);
                if (!quiet) context.Error.WriteLine($"note: resuming {input}: {done} of {manifest.Shards.Count} shards already done");
                return manifest;
            }
        }
        catch (JobException e)
        {
            why = e.Message;
        }
        if (!quiet) context.Error.WriteLine($"note: starting {input} over: the resume state in {folder.Path} cannot be used ({why})");
        Directory.Delete(folder.Path, recursive: true);
        return null;
    }

    /// <summary>What differs between the state and this run (null: nothing).</summary>
    private string? Difference(JobManifest manifest, string input, string output)
    {
        var recorded = manifest.Inputs[0];
        if (manifest.Inputs.Count != 1 || recorded.Path != Path.GetFullPath(input) || recorded.Output != Path.GetFullPath(output))
            return "it is for another input or output";
        if (manifest.ClipLitVersion != JobManifest.RunningVersion) return $"it was made by ClipLit {manifest.ClipLitVersion}, this is {JobManifest.RunningVersion}";
        var now = pipeline.PinnedModels;
        foreach (string role in new[] { ModelRole.Model, ModelRole.Student })
        {
            string? then = manifest.ModelOf(role)?.Sha256, current = now.FirstOrDefault(m => m.Role == role)?.Sha256;
            if (then != current)
                return then is null ? $"this run uses a {role} that run did not" : current is null ? $"that run used a {role} this one does not" : $"the {role} changed (its SHA-256 differs)";
        }
        if (!manifest.Options.SequenceEqual(options)) return "it was made with other options";
        if (manifest.Overwrite != overwrite) return overwrite ? "that run was not allowed to replace the output (--overwrite)" : "that run was allowed to replace the output (--overwrite)";
        return null;
    }

    private JobManifest Plan(JobFolder folder, string input, string output)
    {
        var info = VideoProbe.Probe(input, context.Cancellation);
        var shards = JobPlanner.Plan([new PlannedVideo(info.FrameCount, info.Keyframes)], Math.Max(1, (info.FrameCount + FramesPerShard - 1) / FramesPerShard));
        var manifest = new JobManifest(JobManifest.CurrentFormat, JobManifest.RunningVersion, DateTimeOffset.UtcNow, options, pipeline.PinnedModels,
            [InputCheck.Record(input, output, info.FrameCount)], shards, Overwrite: overwrite);
        if (JobManifestCheck.Problem(manifest) is { } problem) throw new JobException($"{input}: cannot plan a resumable run ({problem})");
        Directory.CreateDirectory(folder.Path);
        manifest.Write(folder.Path);
        return manifest;
    }
}
