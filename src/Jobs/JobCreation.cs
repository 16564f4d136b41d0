using System.CommandLine;
using ClipLit.Cli;
using ClipLit.Cli.CommandLine;
using ClipLit.Core.Files;
using ClipLit.Engine;
using ClipLit.Engine.Models;
using ClipLit.Inference.Model;
using ClipLit.Jobs.Inputs;
using ClipLit.Jobs.Options;
using ClipLit.Jobs.Videos;
using ClipLit.Renderer;
using ClipLit.VideoIO.Video;

namespace ClipLit.Jobs;

/// <summary>
/// <c>job create</c>'s work: expands and checks the inputs as <c>enhance</c> does (videos only;
/// a bad one is reported and left out, the rest planned), probes and checksums them, plans the
/// shards, copies the model (and for fast quality the student) into the job folder and pins the
/// options every shard parses: the model and student there, and the quality
/// (<see cref="FramePlan.DefaultQuality(Inference.Runtime.ExecutionDevice)"/> unless given), so shards on different machines enhance alike.
/// </summary>
public sealed class JobCreation(VideoOptionSet options, CliContext context, bool quiet)
{
    /// <param name="args">The parsed command line (the video options are read from it).</param>
    /// <param name="arguments">The inputs named.</param>
    /// <param name="output">The output file, or folder for several inputs.</param>
    /// <param name="folder">The job folder (new or empty).</param>
    /// <param name="shards">About how many shards.</param>
    /// <param name="overwrite">The join may replace existing outputs.</param>
    /// <returns>The exit code.</returns>
    public int Run(ParseResult args, IReadOnlyList<string> arguments, string output, JobFolder folder, int shards, bool overwrite)
    {
        if (folder.Path.Any(char.IsControl)) throw new UsageException($"job create: the job folder's path may not hold control characters");
        if (File.Exists(Path.Combine(folder.Path, JobManifest.FileName)))
            throw new JobException($"{folder.Path}: already holds a job (its manifest.json); pick another folder or delete it");
        // Markers and parts left by an earlier job would count as this one's.
        if (Directory.Exists(folder.Path) && Directory.EnumerateFileSystemEntries(folder.Path).Any())
            throw new JobException($"{folder.Path}: the job folder is not empty; pick a new or empty folder");
        var inputs = InputExpander.Expand(arguments);
        bool folderOutput = OutputPlanner.IsFolderOutput(output, inputs);
        var plannedJobs = OutputPlanner.Plan(inputs, output, folderOutput);
        // Encoder options a worker's ffmpeg would refuse are the command line's mistake: said now, not by every shard.
        var encode = options.Encode(args);
        foreach (string extension in plannedJobs.Select(j => Path.GetExtension(j.Output).ToLowerInvariant()).Where(e => VideoFrameWriter.MuxerFor(e) is not null).Distinct())
            if (EncoderCheck.Problem(encode, extension) is { } encoderProblem) throw new UsageException($"job create: {encoderProblem}");
        int failed = 0;
        void Fail(string line)
        {
            failed++;
            context.Error.WriteLine($"error: {line}");
        }
        foreach (var (argument, problem) in inputs.Problems) Fail($"{argument}: {problem}");
        var recorded = new List<JobInput>();
        var planned = new List<PlannedVideo>();
        foreach (var job in plannedJobs)
        {
            if (job.Refusal is not null) Fail($"{job.Input}: {job.Refusal}");
            else if (!VideoProbe.HasVideoExtension(job.Input)) Fail($"{job.Input}: a job takes video files (enhance photos with 'cliplit enhance')");
            else if (!VideoFrameWriter.CanWrite(job.Output)) Fail($"{job.Input}: the output {job.Output} is not a video file ClipLit writes ({VideoFrameWriter.WritableExtensions})");
            else if (File.Exists(job.Output) && !overwrite) Fail($"{job.Input}: output {job.Output} already exists (use --overwrite to replace it)");
            else if (Path.GetFullPath(job.Output).StartsWith(folder.Path + "/", StringComparison.Ordinal)) Fail($"{job.Input}: the output {job.Output} may not lie inside the job folder");
            else if (Path.GetFullPath(job.Output).Any(char.IsControl) || Path.GetFullPath(job.Input).Any(char.IsControl))
                Fail($"{JobManifestCheck.Printable(job.Input)}: file names with control characters (line breaks) cannot be planned");
            else
            {
                try
                {
                    var info = VideoProbe.Probe(job.Input, context.Cancellation);
                    recorded.Add(InputCheck.Record(job.Input, job.Output, info.FrameCount));
                    planned.Add(new PlannedVideo(info.FrameCount, info.Keyframes));
                }
                catch (VideoFileException e)
                {
                    Fail(e.Message);
                }
            }
        }
        if (recorded.Count == 0)
        {
            context.Error.WriteLine("error: no video to plan a job for");
            return ExitCodes.SomeFailed;
        }

        var pinned = PinnedOptions(args, folder, out var models);
        if (pinned is null) return ExitCodes.SomeFailed;
        var manifest = new JobManifest(JobManifest.CurrentFormat, JobManifest.RunningVersion, DateTimeOffset.UtcNow, pinned, models,
            recorded, JobPlanner.Plan(planned, shards), overwrite);
        if (JobManifestCheck.Problem(manifest) is { } manifestProblem) throw new JobException($"{folder.Path}: cannot plan this job ({manifestProblem})");
        JobOutputs.Check(folder, manifest);
        manifest.Write(folder.Path);
        if (!quiet)
        {
            context.Error.WriteLine($"job {folder.Path}: {recorded.Count} video(s), {recorded.Sum(i => (long)i.Frames)} frames in {manifest.Shards.Count} shards");
            foreach (var shard in manifest.Shards)
                context.Error.WriteLine($"  shard {shard.Index}: " + string.Join(", ", shard.Parts.Select(p => $"{Path.GetFileName(recorded[p.Input].Path)} {p.Start}..{p.End - 1}")));
        }
        context.Out.WriteLine(folder.Path);
        return failed > 0 ? ExitCodes.SomeFailed : ExitCodes.Success;
    }

    /// <summary>The options as given, with the model and student copied into the job folder and named there, and the quality fixed; null after an error line.</summary>
    private List<string>? PinnedOptions(ParseResult args, JobFolder folder, out List<JobModelFile> models)
    {
        models = [];
        var model = NetworkOptions.LoadModel(args.GetValue(options.Network.Model), context);
        if (model is null) return null;
        var quality = args.GetValue(options.Network.Quality) ?? FramePlan.DefaultQuality(options.Device(args));
        string? studentSource = null;
        if (quality == EnhanceQuality.Fast)
        {
            try
            {
                studentSource = FastModelChoice.Resolve(model, args.GetValue(options.Network.FastModel), quiet ? null : line => context.Error.WriteLine($"note: {line}"))?.Source;
            }
            catch (ModelLoadException e)
            {
                context.Error.WriteLine($"error: {e.Message} (--fast-model)");
                return null;
            }
        }
        Directory.CreateDirectory(folder.Models);
        string modelCopy = Copy(model.Source, Path.Combine(folder.Models, Path.GetFileName(model.Source)));
        models.Add(new JobModelFile(ModelRole.Model, modelCopy, InputCheck.Sha256(modelCopy)));
        var tokens = VideoOptionSet.Without(options.Given(args), options.Network.Model, options.Network.FastModel, options.Network.Quality);
        tokens.AddRange([options.Network.Model.Name, modelCopy, options.Network.Quality.Name, quality == EnhanceQuality.Fast ? "fast" : "full"]);
        if (studentSource is not null)
        {
            string studentCopy = Copy(studentSource, Path.Combine(folder.Models, "student-" + Path.GetFileName(studentSource)));
            models.Add(new JobModelFile(ModelRole.Student, studentCopy, InputCheck.Sha256(studentCopy)));
            tokens.AddRange([options.Network.FastModel.Name, studentCopy]);
        }
        return tokens;
    }

    /// <summary>Copies a model file into the job folder, atomically; returns the copy's path.</summary>
    private static string Copy(string source, string target)
    {
        AtomicFile.Write(target, output =>
        {
            using var input = File.OpenRead(source);
            input.CopyTo(output);
        });
        return target;
    }
}
