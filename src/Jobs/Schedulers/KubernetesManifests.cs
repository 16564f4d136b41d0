using System.Text;
using System.Text.RegularExpressions;
using ClipLit.Core.Files;
using YamlDotNet.Serialization;

namespace ClipLit.Jobs.Schedulers;

/// <summary>Where <see cref="KubernetesManifests.Write"/> put the manifests.</summary>
/// <param name="Shards">shards.yaml: the Indexed Job that runs the shards.</param>
/// <param name="Join">join.yaml: the Job that joins their parts, applied once the shards completed.</param>
public sealed record KubernetesManifestFiles(string Shards, string Join);

/// <summary>
/// The Kubernetes manifests of a job, in <c>JOB_DIR/kubernetes/</c>. <c>shards.yaml</c> is a
/// batch/v1 Job in Indexed completion mode with one completion per shard: its pod of index I runs
/// <c>cliplit job run JOB_DIR</c>, which takes shard I from <c>JOB_COMPLETION_INDEX</c> (set by
/// Kubernetes in Indexed Jobs). <c>join.yaml</c> is a one-pod Job running <c>cliplit job join
/// JOB_DIR</c>. Kubernetes has no dependency between Jobs, so join.yaml is applied after the shards
/// Job has completed (<see cref="Commands"/>; both files' header comments say so). Every pod mounts
/// the job's PersistentVolumeClaim. The YAML is emitted from an object model (YamlDotNet).
/// Thread-safety: stateless.
/// </summary>
public static partial class KubernetesManifests
{
    /// <summary>The folder, inside the job folder, that holds the manifests.</summary>
    public const string FolderName = "kubernetes";

    private const string ContainerName = "cliplit";
    private const string VolumeName = "jobs";

    // A long video's shards may run for hours; the wait gives up after a day.
    private const string WaitTimeout = "24h";

    private static readonly ISerializer Yaml = new SerializerBuilder()
        .WithQuotingNecessaryStrings() // a path or quantity that reads as a number or bool stays a string
        .WithIndentedSequences()
        .DisableAliases()
        .Build();

    /// <summary>Writes shards.yaml and join.yaml into the job's <c>kubernetes</c> folder, each atomically.</summary>
    /// <exception cref="ArgumentException">The spec is not valid (<see cref="KubernetesJobSpec.Validate"/>).</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder may not be written.</exception>
    public static KubernetesManifestFiles Write(KubernetesJobSpec spec)
    {
        string shards = ShardsYaml(spec), join = JoinYaml(spec);
        var files = FilesOf(spec);
        Directory.CreateDirectory(Path.GetDirectoryName(files.Shards)!);
        AtomicFile.Write(files.Shards, stream => stream.Write(Encoding.UTF8.GetBytes(shards)));
        AtomicFile.Write(files.Join, stream => stream.Write(Encoding.UTF8.GetBytes(join)));
        return files;
    }

    /// <summary>Where <see cref="Write"/> puts the manifests of <paramref name="spec"/>.</summary>
    public static KubernetesManifestFiles FilesOf(KubernetesJobSpec spec)
    {
        string folder = Path.Combine(spec.Folder, FolderName);
        return new KubernetesManifestFiles(Path.Combine(folder, "shards.yaml"), Path.Combine(folder, "join.yaml"));
    }

    /// <summary>The shell commands that run the job, in order: apply the shards, wait for them, apply the join.</summary>
    public static IReadOnlyList<string> Commands(KubernetesJobSpec spec)
    {
        var files = FilesOf(spec);
        return
        [
            $"kubectl apply -f {ShellWord(files.Shards)}",
            $"kubectl wait --for=condition=complete job/{spec.ShardsJobName} --timeout={WaitTimeout}",
            $"kubectl apply -f {ShellWord(files.Join)}",
        ];
    }

    /// <summary>shards.yaml: an Indexed Job of one completion per shard, each retried on its own.</summary>
    /// <exception cref="ArgumentException">The spec is not valid.</exception>
    public static string ShardsYaml(KubernetesJobSpec spec)
    {
        spec.Validate();
        var commands = Commands(spec);
        string header = Comment(
        [
            $"The shards of cliplit job {spec.Folder}: pod I runs shard I (JOB_COMPLETION_INDEX, set in Indexed Jobs).",
            "Run the job with:",
            .. commands.Select(command => "  " + command),
        ]);
        return header + Yaml.Serialize(Job(spec, spec.ShardsJobName, "shards", "run",
        [
            ("completionMode", "Indexed"),
            ("completions", spec.ShardCount),
            ("parallelism", spec.ShardsAtOnce),
            // A failing shard is retried alone; the others run on (no maxFailedIndexes), so their parts are kept.
            ("backoffLimitPerIndex", spec.RetriesPerShard),
            // The whole Job's limit only matters where backoffLimitPerIndex is unknown (before Kubernetes 1.29):
            // as many failures as all shards together may have.
            ("backoffLimit", spec.ShardCount * (spec.RetriesPerShard + 1)),
        ]));
    }

    /// <summary>join.yaml: one pod that joins the shards' parts; its header says to apply it after the shards Job completed.</summary>
    /// <exception cref="ArgumentException">The spec is not valid.</exception>
    public static string JoinYaml(KubernetesJobSpec spec)
    {
        spec.Validate();
        var commands = Commands(spec);
        string header = Comment(
        [
            $"The join of cliplit job {spec.Folder}: joins the shards' parts into the outputs.",
            "Kubernetes has no dependency between Jobs: apply this file only after the shards Job has completed:",
            "  " + commands[1],
            "  " + commands[2],
            $"A shard that fails all its retries makes job/{spec.ShardsJobName} fail instead of completing (the wait then times out);",
            $"'kubectl describe job/{spec.ShardsJobName}' names the failed indexes (shards).",
        ]);
        return header + Yaml.Serialize(Job(spec, spec.JoinJobName, "join", "join",
        [
            ("completions", 1),
            ("parallelism", 1),
            ("backoffLimit", spec.RetriesPerShard),
        ]));
    }

    private static OrderedDictionary<string, object> Job(KubernetesJobSpec spec, string name, string component, string verb, (string Key, object? Value)[] counts) =>
        Map(
            ("apiVersion", "batch/v1"),
            ("kind", "Job"),
            ("metadata", Map(("name", name), ("labels", Labels(spec, component)))),
            ("spec", Map(
            [
                .. counts,
                ("template", Map(
                    ("metadata", Map(("labels", Labels(spec, component)))),
                    ("spec", Map(
                        ("restartPolicy", "Never"),
                        ("containers", new[] { Container(spec, verb) }),
                        ("volumes", new[] { Map(("name", VolumeName), ("persistentVolumeClaim", Map(("claimName", spec.ClaimName)))) }))))),
            ])));

    private static OrderedDictionary<string, object> Container(KubernetesJobSpec spec, string verb) => Map(
        ("name", ContainerName),
        ("image", spec.Image),
        ("command", new[] { spec.Command }),
        ("args", new[] { "job", verb, spec.Folder }),
        ("resources", spec.CpuRequest is null && spec.MemoryRequest is null
            ? null
            : Map(("requests", Map(("cpu", spec.CpuRequest), ("memory", spec.MemoryRequest))))),
        ("volumeMounts", new[] { Map(("name", VolumeName), ("mountPath", spec.Mount)) }));

    private static OrderedDictionary<string, object> Labels(KubernetesJobSpec spec, string component) => Map(
        ("app.kubernetes.io/name", "cliplit"),
        ("app.kubernetes.io/instance", spec.Name),
        ("app.kubernetes.io/component", component));

    /// <summary>A mapping in the order given, without the entries whose value is null.</summary>
    private static OrderedDictionary<string, object> Map(params (string Key, object? Value)[] entries)
    {
        var map = new OrderedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
            if (value is not null) map.Add(key, value);
        return map;
    }

    private static string Comment(IEnumerable<string> lines) => string.Concat(lines.Select(line => $"# {line}\n"));

    /// <summary>A path as one shell word: as it is when plain, else in single quotes.</summary>
    private static string ShellWord(string text) => PlainWord().IsMatch(text) ? text : $"'{text.Replace("'", @"'\''", StringComparison.Ordinal)}'";

    [GeneratedRegex(@"^[A-Za-z0-9_./:=+-]+$")]
    private static partial Regex PlainWord();
}
