using ClipLit.Core.Imaging;
using ClipLit.Core.Processes;
using ClipLit.VideoIO.Video;

namespace ClipLit.Bench.Jobs;

/// <summary>
/// <c>cliplit bench jobs</c>: what splitting a video into a job's shards and joining them costs
/// on one machine, against one plain <c>cliplit enhance</c> of the same video with the same options
/// in the same run, each step a run of the built cliplit app: the shared clip looped to a length,
/// fast quality with the student, the job's create (probing, checksums), each shard, the join, and
/// the overhead in percent (goal: at most 3 %); whether the joined video has the plain run's
/// timestamps and how far its frames are (encoder noise: parts are encoded apart); the per-node
/// speeds at 720p and 1080p, from which the report works out an hour of video on N nodes.
/// Thread-safety: stateless; one benchmark at a time per process (peak memory is the process's).
/// </summary>
public static class JobBench
{
    /// <param name="Shared">The shared data folder (its clip is looped into the input).</param>
    /// <param name="Checkpoint">The model.</param>
    /// <param name="FastModel">The student (fast quality).</param>
    /// <param name="Seconds">The input's length.</param>
    /// <param name="Shards">The job's shards.</param>
    public sealed record Settings(string Shared, string Checkpoint, string FastModel, int Seconds, int Shards);

    public static JobBenchResult Run(Settings settings, CliContext context)
    {
        var log = context.Error;
        var inv = CultureInfo.InvariantCulture;
        var machine = MachineDescription.Detect(cancellation: context.Cancellation);
        string cliplit = CliplitExecutable.Find();
        double Timed(string[] args) => TimedRun(cliplit, args, context.Cancellation);
        string scratch = Directory.CreateTempSubdirectory("cliplit-job-bench-").FullName;
        try
        {
            string clip = Path.Combine(settings.Shared, "data", "video", "backlit_720p30.mp4");
            string input = Path.Combine(scratch, "input.mp4"), input1080 = Path.Combine(scratch, "input1080.mp4");
            BenchProcess.Ffmpeg("-v", "error", "-y", "-stream_loop", "-1", "-i", clip, "-t", settings.Seconds.ToString(inv), "-c", "copy", input);
            BenchProcess.Ffmpeg("-v", "error", "-y", "-stream_loop", "-1", "-i", clip, "-t", "10", "-vf", "scale=1920:1080", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "copy", input1080);
            string[] options = ["--model", settings.Checkpoint, "--fast-model", settings.FastModel, "--quality", "fast", "--device", "cpu", "-q"];
            int frames = VideoProbe.Probe(input).FrameCount;

            log.WriteLine($"bench jobs: {frames} frames at 720p, plain enhance...");
            string plain = Path.Combine(scratch, "plain.mp4"), joined = Path.Combine(scratch, "joined.mp4"), job = Path.Combine(scratch, "job");
            double plainSeconds = Timed(["enhance", input, "-o", plain, .. options]);
            log.WriteLine(string.Create(inv, $"bench jobs: plain {plainSeconds:F1} s; the job in {settings.Shards} shards..."));
            double createSeconds = Timed(["job", "create", input, "-o", joined, "--dir", job, "--shards", $"{settings.Shards}", .. options]);
            var shardSeconds = Enumerable.Range(0, settings.Shards).Select(k => Timed(["job", "run", job, "--shard", $"{k}", "-q"])).ToList();
            double joinSeconds = Timed(["job", "join", job, "-q"]);
            double jobSeconds = createSeconds + shardSeconds.Sum() + joinSeconds;
            log.WriteLine(string.Create(inv, $"bench jobs: job {jobSeconds:F1} s ({100 * (jobSeconds / plainSeconds - 1):+0.0;-0.0} %)"));

            var (plainInfo, joinedInfo) = (VideoProbe.Probe(plain), VideoProbe.Probe(joined));
            bool sameTimestamps = plainInfo.FrameTimestamps.SequenceEqual(joinedInfo.FrameTimestamps);
            var (worst, mean) = Compare(plainInfo, joinedInfo);

            log.WriteLine("bench jobs: per-node speed at 1080p...");
            int frames1080 = VideoProbe.Probe(input1080).FrameCount;
            double seconds1080 = Timed(["enhance", input1080, "-o", Path.Combine(scratch, "plain1080.mp4"), .. options]);
            return new JobBenchResult(machine, DateTime.UtcNow, settings.Seconds, frames, Path.GetFileName(settings.FastModel), plainSeconds, createSeconds,
                shardSeconds, joinSeconds, sameTimestamps, worst, mean, [("720p", frames / plainSeconds), ("1080p", frames1080 / seconds1080)]);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Seconds one cliplit command line takes as a process of its own (start-up included); a failure stops the bench.</summary>
    private static double TimedRun(string cliplit, string[] args, CancellationToken cancellation)
    {
        var run = BenchProcess.Run(cliplit, args, cancellation: cancellation);
        if (run.ExitCode != ExitCodes.Success) throw new InvalidOperationException($"{ChildProgram.Describe("cliplit", args)}: exit {run.ExitCode}: {run.Error.Trim()}");
        return run.Wall.TotalSeconds;
    }

    /// <summary>Worst and mean PSNR of two videos' frames.</summary>
    private static (double Worst, double Mean) Compare(VideoInfo expected, VideoInfo actual)
    {
        var a = new VideoFrameReader(expected);
        var b = new VideoFrameReader(actual);
        try
        {
            var (frameA, frameB) = (new byte[expected.FrameBytes], new byte[actual.FrameBytes]);
            var psnr = new List<double>();
            while (a.ReadAsync(frameA, CancellationToken.None).AsTask().GetAwaiter().GetResult().HasFrame
                   && b.ReadAsync(frameB, CancellationToken.None).AsTask().GetAwaiter().GetResult().HasFrame)
                psnr.Add(FrameMetrics.Psnr(frameA, frameB));
            return (psnr.Min(), psnr.Where(double.IsFinite).DefaultIfEmpty(double.PositiveInfinity).Average());
        }
        finally
        {
            a.DisposeAsync().AsTask().GetAwaiter().GetResult();
            b.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
