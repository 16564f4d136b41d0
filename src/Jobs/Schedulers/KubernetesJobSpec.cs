using System.Text.RegularExpressions;

namespace ClipLit.Jobs.Schedulers;

/// <summary>
/// What the Kubernetes manifests of a job are made from (<see cref="KubernetesManifests"/>). Every
/// pod mounts one PersistentVolumeClaim at <see cref="Mount"/>, where the job folder lies at the
/// same path as on the machine that made the job, so the job's own paths hold inside the pods.
/// Thread-safety: immutable.
/// </summary>
/// <param name="JobDirectory">The job folder (made absolute).</param>
/// <param name="ShardCount">How many shards the job has: the shards Job's completions.</param>
/// <param name="Image">The container image, holding cliplit and ffmpeg.</param>
public sealed partial record KubernetesJobSpec(string JobDirectory, int ShardCount, string Image)
{
    /// <summary>The claim mounted when none is named.</summary>
    public const string DefaultClaimName = "cliplit-jobs";

    /// <summary>How many times a failed shard (or the join) is tried again when not told.</summary>
    public const int DefaultRetriesPerShard = 2;

    /// <summary>How many shards run at once; null for all of them.</summary>
    public int? Parallelism { get; init; }

    /// <summary>The PersistentVolumeClaim every pod mounts.</summary>
    public string ClaimName { get; init; } = DefaultClaimName;

    /// <summary>Where the claim is mounted, the same path as here; null for the job folder's parent.</summary>
    public string? MountPath { get; init; }

    /// <summary>The cliplit executable inside the image.</summary>
    public string Command { get; init; } = "cliplit";

    /// <summary>Each pod's CPU request, a Kubernetes quantity such as 4 or 500m; null for none.</summary>
    public string? CpuRequest { get; init; }

    /// <summary>Each pod's memory request, a Kubernetes quantity such as 8Gi; null for none.</summary>
    public string? MemoryRequest { get; init; }

    /// <summary>How many times a failed shard, and the join, is tried again.</summary>
    public int RetriesPerShard { get; init; } = DefaultRetriesPerShard;

    /// <summary>The job folder, absolute, without a trailing separator.</summary>
    public string Folder => Absolute(JobDirectory);

    /// <summary>The job's name in Kubernetes, from the job folder's name.</summary>
    public string Name => KubernetesName.ForFolder(Path.GetFileName(Folder));

    /// <summary>The Indexed Job that runs the shards.</summary>
    public string ShardsJobName => $"{Name}{KubernetesName.LongestSuffix}";

    /// <summary>The Job that joins the shards' parts.</summary>
    public string JoinJobName => $"{Name}-join";

    /// <summary>How many shards run at once.</summary>
    public int ShardsAtOnce => Parallelism ?? ShardCount;

    /// <summary>Where the claim is mounted.</summary>
    public string Mount => MountPath is null ? Path.GetDirectoryName(Folder) ?? Folder : Absolute(MountPath);

    /// <summary>Checks the spec before manifests are made of it.</summary>
    /// <exception cref="ArgumentException">A value Kubernetes would refuse, or one that cannot work; the message says which.</exception>
    public void Validate()
    {
        if (ShardCount < 1) throw new ArgumentException($"a job needs at least one shard (got {ShardCount})");
        if (Parallelism is { } parallel && (parallel < 1 || parallel > ShardCount))
            throw new ArgumentException($"parallelism {parallel} is not between 1 and the shard count, {ShardCount}");
        if (RetriesPerShard < 0) throw new ArgumentException($"retries per shard cannot be negative (got {RetriesPerShard})");
        if (string.IsNullOrWhiteSpace(Image) || Image.Any(char.IsWhiteSpace)) throw new ArgumentException($"'{Image}' is not a container image name");
        if (string.IsNullOrWhiteSpace(Command)) throw new ArgumentException("the command inside the image is empty");
        if (JobDirectory.Any(char.IsControl)) throw new ArgumentException("the job folder's path holds control characters");
        if (ClaimName.Length > 253 || !DnsSubdomain().IsMatch(ClaimName))
            throw new ArgumentException($"'{ClaimName}' is not a PersistentVolumeClaim name (lower-case letters, digits, '-' and '.')");
        if (MountPath is not null && !Path.IsPathRooted(MountPath)) throw new ArgumentException($"mount path {MountPath} is not absolute");
        string inside = Path.GetRelativePath(Mount, Folder);
        if (inside == ".." || inside.StartsWith($"..{Path.DirectorySeparatorChar}", StringComparison.Ordinal) || Path.IsPathRooted(inside))
            throw new ArgumentException($"the job folder {Folder} is not under the mount path {Mount}, so the pods could not see it");
        foreach (var (what, quantity) in new[] { ("CPU", CpuRequest), ("memory", MemoryRequest) })
            if (quantity is not null && !Quantity().IsMatch(quantity))
                throw new ArgumentException($"{what} request '{quantity}' is not a Kubernetes quantity (such as 4, 500m, 8Gi)");
    }

    private static string Absolute(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    // Non-negative amounts with a decimal (m, k, M...) or binary (Ki, Mi...) suffix: what a request takes.
    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")]
    private static partial Regex Quantity();
}
