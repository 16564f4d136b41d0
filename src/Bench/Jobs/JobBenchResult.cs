namespace ClipLit.Bench.Jobs;

/// <summary>
/// What <see cref="JobBench"/> measured (data only; <see cref="JobReport"/> writes it).
/// Thread-safety: immutable.
/// </summary>
/// <param name="Machine">Where it ran.</param>
/// <param name="Date">When (UTC).</param>
/// <param name="Seconds">The looped clip's length.</param>
/// <param name="Frames">Its frames.</param>
/// <param name="FastModel">The student's file name.</param>
/// <param name="PlainSeconds">One plain enhance.</param>
/// <param name="CreateSeconds">job create.</param>
/// <param name="ShardSeconds">Each job run --shard, in order.</param>
/// <param name="JoinSeconds">job join.</param>
/// <param name="SameTimestamps">The joined video has the plain run's timestamps.</param>
/// <param name="WorstPsnr">The joined video's worst frame against the plain run's, dB.</param>
/// <param name="MeanPsnr">Its mean (finite frames), dB.</param>
/// <param name="Speeds">Plain enhance's frames a second per node, at 720p and 1080p.</param>
public sealed record JobBenchResult(MachineDescription Machine, DateTime Date, int Seconds, int Frames, string FastModel, double PlainSeconds, double CreateSeconds,
    IReadOnlyList<double> ShardSeconds, double JoinSeconds, bool SameTimestamps, double WorstPsnr, double MeanPsnr, IReadOnlyList<(string Name, double Fps)> Speeds)
{
    /// <summary>All the job's steps.</summary>
    public double JobSeconds => CreateSeconds + ShardSeconds.Sum() + JoinSeconds;

    /// <summary>The job's time over the plain run's, less one.</summary>
    public double Overhead => JobSeconds / PlainSeconds - 1;
}
