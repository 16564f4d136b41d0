using System.Globalization;
using System.Text.RegularExpressions;
using ClipLit.Jobs.Schedulers;
using ClipLit.TestSupport;
using YamlDotNet.Serialization;

namespace ClipLit.Cli.Tests;

/// <summary>
/// A job's Kubernetes manifests, written and parsed back: an Indexed Job of one completion per
/// shard running <c>job run</c>, a one-pod Job running <c>job join</c> with the order to apply it
/// in its header, the claim mounted at the job folder's path, and valid names from any folder name.
/// Where kubectl is installed, it reads them as typed Jobs without a cluster.
/// </summary>
[TestFixture]
public sealed partial class KubernetesManifestsTests : TemporaryFolderFixture
{
    private const string Image = "registry.example.org/cliplit:1.4";

    [Test]
    public void ThreeShardsMakeAnIndexedJobAndAJoinJob()
    {
        string jobDirectory = Directory.CreateDirectory(Path.Combine(Folder, "holiday-2024")).FullName;
        var spec = new KubernetesJobSpec(jobDirectory, 3, Image);

        var files = KubernetesManifests.Write(spec);

        Assert.That(files.Shards, Is.EqualTo(Path.Combine(jobDirectory, "kubernetes", "shards.yaml")));
        Assert.That(files.Join, Is.EqualTo(Path.Combine(jobDirectory, "kubernetes", "join.yaml")));
        Assert.That(Directory.GetFiles(Path.Combine(jobDirectory, "kubernetes")), Has.Length.EqualTo(2), "no temporaries left");

        var shards = Parse(files.Shards);
        Assert.That(Text(shards, "apiVersion"), Is.EqualTo("batch/v1"));
        Assert.That(Text(shards, "kind"), Is.EqualTo("Job"));
        Assert.That(Text(shards, "metadata", "name"), Is.EqualTo("holiday-2024-shards"));
        Assert.That(Text(shards, "spec", "completionMode"), Is.EqualTo("Indexed"));
        Assert.That(Text(shards, "spec", "completions"), Is.EqualTo("3"));
        Assert.That(Text(shards, "spec", "parallelism"), Is.EqualTo("3"), "all shards at once by default");
        Assert.That(Text(shards, "spec", "backoffLimitPerIndex"), Is.EqualTo("2"), "two retries per shard");
        Assert.That(Text(shards, "spec", "backoffLimit"), Is.EqualTo("9"), "every shard's tries together");
        Assert.That(Keys(shards, "spec"), Does.Not.Contain("maxFailedIndexes"), "one failing shard does not stop the others");
        AssertPod(shards, "run", jobDirectory, mountPath: Folder, claim: "cliplit-jobs");

        var join = Parse(files.Join);
        Assert.That(Text(join, "apiVersion"), Is.EqualTo("batch/v1"));
        Assert.That(Text(join, "kind"), Is.EqualTo("Job"));
        Assert.That(Text(join, "metadata", "name"), Is.EqualTo("holiday-2024-join"));
        Assert.That(Text(join, "spec", "completions"), Is.EqualTo("1"));
        Assert.That(Text(join, "spec", "parallelism"), Is.EqualTo("1"));
        Assert.That(Text(join, "spec", "backoffLimit"), Is.EqualTo("2"));
        Assert.That(Keys(join, "spec"), Does.Not.Contain("completionMode"));
        AssertPod(join, "join", jobDirectory, mountPath: Folder, claim: "cliplit-jobs");

        string[] header = File.ReadLines(files.Join).TakeWhile(line => line.StartsWith('#')).ToArray();
        Assert.That(header, Has.Some.Contains("after the shards Job has completed"));
        Assert.That(header, Has.Some.EqualTo("#   kubectl wait --for=condition=complete job/holiday-2024-shards --timeout=24h"));
        Assert.That(header, Has.Some.EqualTo($"#   kubectl apply -f {files.Join}"));
        Assert.That(KubernetesManifests.Commands(spec), Is.EqualTo(new[]
        {
            $"kubectl apply -f {files.Shards}",
            "kubectl wait --for=condition=complete job/holiday-2024-shards --timeout=24h",
            $"kubectl apply -f {files.Join}",
        }));
    }

    [Test]
    public void TheCallerChoosesParallelismClaimMountCommandRequestsAndRetries()
    {
        string jobDirectory = Directory.CreateDirectory(Path.Combine(Folder, "jobs", "night shoot")).FullName;
        var spec = new KubernetesJobSpec(jobDirectory, 8, Image)
        {
            Parallelism = 2,
            ClaimName = "media-store",
            MountPath = Folder,
            Command = "/opt/cliplit/cliplit",
            CpuRequest = "4",
            MemoryRequest = "8Gi",
            RetriesPerShard = 1,
        };

        var files = KubernetesManifests.Write(spec);

        var shards = Parse(files.Shards);
        Assert.That(Text(shards, "spec", "completions"), Is.EqualTo("8"));
        Assert.That(Text(shards, "spec", "parallelism"), Is.EqualTo("2"));
        Assert.That(Text(shards, "spec", "backoffLimitPerIndex"), Is.EqualTo("1"));
        Assert.That(Text(shards, "spec", "backoffLimit"), Is.EqualTo("16"));
        foreach (var manifest in new[] { shards, Parse(files.Join) })
        {
            var container = At(manifest, "spec", "template", "spec", "containers", 0);
            Assert.That(Texts(container, "command"), Is.EqualTo(new[] { "/opt/cliplit/cliplit" }));
            Assert.That(Text(container, "resources", "requests", "cpu"), Is.EqualTo("4"));
            Assert.That(Text(container, "resources", "requests", "memory"), Is.EqualTo("8Gi"));
        }
        AssertPod(shards, "run", jobDirectory, mountPath: Folder, claim: "media-store");
        Assert.That(Text(shards, "metadata", "name"), Is.EqualTo("night-shoot-shards"));
        Assert.That(File.ReadAllText(files.Shards), Does.Contain($"kubectl apply -f '{files.Join}'"), "a path with a space is quoted for the shell");
    }

    [TestCase("Holiday Videos_2024", "holiday-videos-2024")]
    [TestCase("  __Night__ Shoot__ ", "night-shoot")]
    [TestCase("CAMERA.A+B", "camera-a-b")]
    [TestCase("Été à Paris", "t-paris")]
    [TestCase("___", "cliplit-job")]
    public void FolderNamesBecomeDnsLabels(string folderName, string name)
    {
        string jobDirectory = Directory.CreateDirectory(Path.Combine(Folder, folderName)).FullName;
        var files = KubernetesManifests.Write(new KubernetesJobSpec(jobDirectory, 2, Image));

        foreach (string manifest in new[] { files.Shards, files.Join })
        {
            string jobName = Text(Parse(manifest), "metadata", "name");
            Assert.That(jobName, Does.StartWith(name + "-"));
            AssertDnsLabel(jobName);
        }
    }

    [Test]
    public void LongFolderNamesAreCutToValidDistinctNames()
    {
        string common = string.Concat(Enumerable.Repeat("Backlit Footage ", 10));
        string a = KubernetesName.ForFolder(common + "A"), b = KubernetesName.ForFolder(common + "B");
        Assert.That(a, Is.Not.EqualTo(b), "names cut short keep a hash of the whole name");
        foreach (string name in new[] { a, b })
        {
            AssertDnsLabel(name);
            AssertDnsLabel(name + KubernetesName.LongestSuffix);
        }
    }

    private static IEnumerable<TestCaseData> BadSpecs()
    {
        var good = new KubernetesJobSpec("/jobs/a", 3, Image);
        yield return new TestCaseData(good with { ShardCount = 0 }, "at least one shard").SetName("NoShards");
        yield return new TestCaseData(good with { Parallelism = 4 }, "parallelism 4").SetName("MoreParallelThanShards");
        yield return new TestCaseData(good with { Image = "" }, "container image").SetName("NoImage");
        yield return new TestCaseData(good with { Image = "my image" }, "container image").SetName("ImageWithASpace");
        yield return new TestCaseData(good with { ClaimName = "Jobs_1" }, "PersistentVolumeClaim name").SetName("BadClaimName");
        yield return new TestCaseData(good with { MountPath = "/elsewhere" }, "not under the mount path").SetName("JobOutsideTheMount");
        yield return new TestCaseData(good with { MountPath = "jobs" }, "not absolute").SetName("RelativeMount");
        yield return new TestCaseData(good with { CpuRequest = "four" }, "CPU request 'four'").SetName("BadCpu");
        yield return new TestCaseData(good with { MemoryRequest = "-1Gi" }, "memory request '-1Gi'").SetName("NegativeMemory");
        yield return new TestCaseData(good with { RetriesPerShard = -1 }, "retries").SetName("NegativeRetries");
    }

    [TestCaseSource(nameof(BadSpecs))]
    public void BadSpecsAreRefusedBeforeAnythingIsWritten(KubernetesJobSpec spec, string problem)
    {
        string jobDirectory = Path.Combine(Folder, "a");
        spec = spec with { JobDirectory = jobDirectory, MountPath = spec.MountPath is "/elsewhere" or "jobs" ? spec.MountPath : null };
        var error = Assert.Throws<ArgumentException>(() => KubernetesManifests.Write(spec));
        Assert.That(error!.Message, Does.Contain(problem));
        Assert.That(Directory.Exists(Path.Combine(jobDirectory, "kubernetes")), Is.False);
    }

    [Test]
    public void KubectlReadsEveryFieldAsPartOfABatchV1Job()
    {
        var version = ChildProcess.Run("kubectl", "version", "--client", "-o", "json");
        if (version.ExitCode != 0) Assert.Ignore($"kubectl is not installed ({version.Error.Trim()})");
        string minor = Text(new Deserializer().Deserialize<object>(version.Out)!, "clientVersion", "minor");
        if (int.Parse(LeadingDigits().Match(minor).Value, CultureInfo.InvariantCulture) < 29)
            Assert.Ignore($"kubectl 1.{minor} predates backoffLimitPerIndex (1.29)");
        string jobDirectory = Directory.CreateDirectory(Path.Combine(Folder, "Checked Job")).FullName;
        var files = KubernetesManifests.Write(new KubernetesJobSpec(jobDirectory, 3, Image) { CpuRequest = "500m", MemoryRequest = "2Gi" });

        foreach (string manifest in new[] { files.Shards, files.Join })
        {
            // Offline (--local): kubectl decodes the file into its typed batch/v1 Job, which drops unknown
            // fields and refuses ill-typed ones, adds the variable to the container and prints the Job back.
            var read = ChildProcess.Run("kubectl", "set", "env", "--local", "-f", manifest, "CLIPLIT_MANIFEST_CHECK=1", "-o", "json");
            Assert.That(read.ExitCode, Is.Zero, read.ToString());
            var typed = new Deserializer().Deserialize<object>(read.Out)!;
            foreach (var (path, value) in Leaves(Parse(manifest), []))
                Assert.That(TryAt(typed, path), Is.EqualTo(value), $"{Path.GetFileName(manifest)}: {string.Join('.', path)} survives kubectl's typed Job");
        }
    }

    private static void AssertPod(object manifest, string verb, string jobDirectory, string mountPath, string claim)
    {
        var pod = At(manifest, "spec", "template", "spec");
        Assert.That(Text(pod, "restartPolicy"), Is.EqualTo("Never"));
        Assert.That(((List<object>)At(pod, "containers")).Count, Is.EqualTo(1));
        var container = At(pod, "containers", 0);
        Assert.That(Text(container, "image"), Is.EqualTo(Image));
        Assert.That(Texts(container, "args"), Is.EqualTo(new[] { "job", verb, jobDirectory }));
        Assert.That(Text(pod, "volumes", 0, "persistentVolumeClaim", "claimName"), Is.EqualTo(claim));
        Assert.That(Text(container, "volumeMounts", 0, "mountPath"), Is.EqualTo(mountPath));
        Assert.That(Text(container, "volumeMounts", 0, "name"), Is.EqualTo(Text(pod, "volumes", 0, "name")));
        Assert.That(At(manifest, "metadata", "labels"), Is.EqualTo(At(manifest, "spec", "template", "metadata", "labels")));
    }

    private static void AssertDnsLabel(string name)
    {
        Assert.That(name, Does.Match("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"));
        Assert.That(name, Has.Length.LessThanOrEqualTo(63));
    }

    private static object Parse(string file) => new Deserializer().Deserialize<object>(File.ReadAllText(file))!;

    private static object At(object node, params object[] path) =>
        TryAt(node, path) ?? throw new AssertionException($"no {string.Join('.', path)} in the manifest");

    private static object? TryAt(object? node, IEnumerable<object> path)
    {
        foreach (object step in path)
        {
            node = (node, step) switch
            {
                (Dictionary<object, object> map, string key) => map.GetValueOrDefault(key),
                (List<object> list, int index) when index < list.Count => list[index],
                _ => null,
            };
        }
        return node;
    }

    private static string Text(object node, params object[] path) => (string)At(node, path);

    private static string[] Texts(object node, params object[] path) => ((List<object>)At(node, path)).Cast<string>().ToArray();

    private static string[] Keys(object node, params object[] path) => ((Dictionary<object, object>)At(node, path)).Keys.Cast<string>().ToArray();

    /// <summary>Every scalar of a parsed document with the keys and indexes that lead to it.</summary>
    private static IEnumerable<(object[] Path, object Value)> Leaves(object node, object[] path) => node switch
    {
        Dictionary<object, object> map => map.SelectMany(entry => Leaves(entry.Value, [.. path, entry.Key])),
        List<object> list => list.SelectMany((item, index) => Leaves(item, [.. path, index])),
        _ => [(path, node)],
    };

    [GeneratedRegex("^[0-9]+")]
    private static partial Regex LeadingDigits();
}
