using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Tests;

/// <summary>
/// A job folder on shared storage is untrusted data: whoever can write the manifest or the markers
/// cannot make a worker replace an input, write outside the outputs, join a part that is not the
/// one its shard wrote, or crash; two workers cannot run one shard. Each case: one line, exit 1,
/// the input untouched, nothing written where it was not asked for.
/// </summary>
[TestFixture]
public sealed class HostileJobFolderTests
{
    private Workspace _workspace = null!;
    private string _clip = null!;
    private string _job = null!;
    private string _output = null!;

    [SetUp]
    public void CreateJob()
    {
        _workspace = new Workspace();
        _clip = TestClips.Cut(_workspace.PathOf("clip.mp4"), seconds: 2);
        _job = _workspace.PathOf("job");
        _output = _workspace.PathOf("out.mp4");
        var create = Cli.Run(Cli.WithModel("job", "create", _clip, "-o", _output, "--dir", _job, "--shards", "2", "--preset", "ultrafast", "-q"));
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
    }

    [TearDown]
    public void DeleteWorkspace() => _workspace.Dispose();

    private string Manifest => Path.Combine(_job, "manifest.json");

    private void Edit(Action<JsonNode> change)
    {
        var json = JsonNode.Parse(File.ReadAllText(Manifest))!;
        change(json);
        File.WriteAllText(Manifest, json.ToJsonString());
    }

    private void RunShards()
    {
        foreach (string shard in new[] { "0", "1" })
        {
            var run = Cli.Run("job", "run", _job, "--shard", shard, "-q");
            Assert.That(run.ExitCode, Is.Zero, run.ToString());
        }
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Test]
    public void AManifestThatNamesAnInputAsItsOutputReplacesNothing()
    {
        RunShards();
        string before = Sha256(_clip);
        Edit(json =>
        {
            json["inputs"]![0]!["output"] = _clip;
            json["overwrite"] = true;
        });

        foreach (string[] command in new[] { new[] { "job", "join", _job }, ["job", "run", _job, "--shard", "0"], ["job", "status", _job] })
        {
            var result = Cli.Run(command);
            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            Assert.That(result.ErrorLines, Is.EqualTo(new[] { $"error: {Manifest}: not a valid job manifest (the output {_clip} is an input (inputs are never overwritten))" }));
        }
        Assert.That(Sha256(_clip), Is.EqualTo(before), "the input is untouched");
    }

    [Test]
    public void AnOutputThatReachesAnInputThroughALinkIsRefusedWhereItWouldBeWritten()
    {
        RunShards();
        string before = Sha256(_clip);
        // A folder linked to the input's: the output's path differs from the input's, the file is the same.
        string linked = _workspace.PathOf("linked");
        Directory.CreateSymbolicLink(linked, _workspace.Root);
        Edit(json =>
        {
            json["inputs"]![0]!["output"] = Path.Combine(linked, "clip.mp4");
            json["overwrite"] = true;
        });

        var join = Cli.Run("job", "join", _job);

        Assert.That(join.ExitCode, Is.EqualTo(1), join.ToString());
        Assert.That(join.ErrorLines, Is.EqualTo(new[] { $"error: {Path.Combine(linked, "clip.mp4")}: the output is an input of the job under another name (inputs are never overwritten)" }));
        Assert.That(Sha256(_clip), Is.EqualTo(before));
    }

    [TestCase("../../escaped.mp4", "is not an absolute, normalized path")]
    [TestCase("/tmp/../etc/escaped.mp4", "is not an absolute, normalized path")]
    [TestCase("/tmp/escaped.txt", "is not a video file")]
    public void OutputsOutsideWhatAJobMayWriteAreRefused(string output, string problem)
    {
        RunShards();
        Edit(json => json["inputs"]![0]!["output"] = output);

        var join = Cli.Run("job", "join", _job);

        Assert.That(join.ExitCode, Is.EqualTo(1), join.ToString());
        Assert.That(join.ErrorLines.Single(), Does.StartWith($"error: {Manifest}: not a valid job manifest (input 0: the output ").And.Contain(problem));
        Assert.That(File.Exists(Path.GetFullPath(Path.Combine(Environment.CurrentDirectory, output))) || File.Exists("/tmp/escaped.txt"), Is.False);
    }

    [Test]
    public void AnOutputInsideTheJobFolderIsRefused()
    {
        RunShards();
        string inside = Path.Combine(_job, "shards", "0", "part-0-0.mp4");
        Edit(json =>
        {
            json["inputs"]![0]!["output"] = inside;
            json["overwrite"] = true;
        });

        var join = Cli.Run("job", "join", _job);

        Assert.That(join.ExitCode, Is.EqualTo(1), join.ToString());
        Assert.That(join.ErrorLines.Single(), Is.EqualTo($"error: {inside}: an output may not lie inside the job folder {_job}"));
    }

    [TestCase("inputs", "[null]")]
    [TestCase("shards", "[null]")]
    [TestCase("models", "[null]")]
    [TestCase("options", "[null]")]
    [TestCase("inputs", "null")]
    [TestCase("inputs", "\"text\"")]
    [TestCase("format", "\"2\"")]
    [TestCase("shards", "[{\"index\":0,\"parts\":null}]")]
    public void NullsAndWrongTypesGetOneLine(string field, string value)
    {
        Edit(json => json[field] = JsonNode.Parse(value));

        foreach (string verb in new[] { "run", "join", "status" })
        {
            var result = Cli.Run(verb == "run" ? ["job", "run", _job, "--shard", "0"] : ["job", verb, _job]);
            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            Assert.That(result.ErrorLines.Single(), Does.StartWith($"error: {Manifest}: "), "one line naming the manifest");
        }
    }

    [Test]
    public void APartCopiedOverAnotherIsNotJoined()
    {
        RunShards();
        string first = Directory.GetFiles(Path.Combine(_job, "shards", "0"), "part-*").Single();
        string second = Directory.GetFiles(Path.Combine(_job, "shards", "1"), "part-*").Single();
        File.Copy(first, second, overwrite: true);

        var join = Cli.Run("job", "join", _job);

        Assert.That(join.ExitCode, Is.EqualTo(1), join.ToString());
        Assert.That(join.ErrorLines.Single(), Does.StartWith($"error: {second}: the part is not the one shard 1 wrote"));
        Assert.That(File.Exists(_output), Is.False);

        // Its done marker forged to match: the part still starts at another frame's time.
        string done = Path.Combine(_job, "shards", "1", "done.json");
        var marker = JsonNode.Parse(File.ReadAllText(done))!;
        marker["Parts"]![0]!["Bytes"] = new FileInfo(second).Length;
        marker["Parts"]![0]!["Sha256"] = Sha256(second);
        File.WriteAllText(done, marker.ToJsonString());
        var forged = Cli.Run("job", "join", _job);
        Assert.That(forged.ExitCode, Is.EqualTo(1), forged.ToString());
        Assert.That(forged.ErrorLines.Single(), Does.StartWith($"error: {second}: the part does not hold frames"));

        // The shard run again makes its part anew, and the join is whole.
        var rerun = Cli.Run("job", "run", _job, "--shard", "1");
        Assert.That(rerun.ExitCode, Is.Zero, rerun.ToString());
        Assert.That(Cli.Run("job", "join", _job, "-q").ExitCode, Is.Zero);
        Assert.That(VideoProbe.Probe(_output).FrameTimestamps, Is.EqualTo(VideoProbe.Probe(_clip).FrameTimestamps));
    }

    [Test]
    public void AShardHeldByAnotherWorkerIsNotRunTwice()
    {
        // Another worker (another process, here a real lock holder) holds the shard's lock, as a running worker does.
        string shard = Directory.CreateDirectory(Path.Combine(_job, "shards", "0")).FullName;
        string lockFile = Path.Combine(shard, "worker.lock");
        File.WriteAllText(lockFile, "");
        File.WriteAllText(Path.Combine(shard, "running.json"),
            new JsonObject { ["Host"] = "node-9", ["ProcessId"] = 1, ["At"] = DateTimeOffset.UtcNow, ["Detail"] = "" }.ToJsonString());
        using (LockHolder.Start(lockFile))
        {
            Assert.That(Cli.Run("job", "status", _job).Out, Does.Contain("shard 0: running: on node-9, pid 1"));
            var second = Cli.Run("job", "run", _job, "--shard", "0");

            Assert.That(second.ExitCode, Is.EqualTo(1), second.ToString());
            Assert.That(second.ErrorLines.Single(), Does.StartWith("error: shard 0 is already running (on node-9, pid 1, since "));
            Assert.That(Directory.GetFiles(shard, "part-*"), Is.Empty);
        }
        // Its worker gone (killed: the kernel drops its lock), the shard reads as missing and runs.
        Assert.That(Cli.Run("job", "status", _job).Out, Does.Contain("shard 0: missing: its worker (on node-9, pid 1"));
        Assert.That(Cli.Run("job", "run", _job, "--shard", "0", "-q").ExitCode, Is.Zero);
    }

    [Test]
    public void TwoWorkersStartedTogetherOnOneShardRunItOnce()
    {
        var workers = Enumerable.Range(0, 2).Select(_ =>
        {
            var start = new ProcessStartInfo(SiblingAppChecks.Cliplit) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in new[] { "job", "run", _job, "--shard", "0" }) start.ArgumentList.Add(argument);
            return Process.Start(start)!;
        }).ToList();
        var results = workers.Select(w => (Error: w.StandardError.ReadToEndAsync(), Worker: w)).ToList()
            .Select(r =>
            {
                r.Worker.WaitForExit();
                return (r.Worker.ExitCode, Error: r.Error.Result);
            }).ToList();
        foreach (var worker in workers) worker.Dispose();

        TestContext.Out.WriteLine(string.Join("\n---\n", results.Select(r => $"exit {r.ExitCode}\n{r.Error}")));
        // One ran it; the other was refused while it ran (or, on a machine so loaded that it started only once the
        // shard was done, found it done). Never both.
        Assert.That(results.Count(r => r.ExitCode == 0 && r.Error.Contains("shard 0: done, ", StringComparison.Ordinal)), Is.EqualTo(1), "one ran it");
        var other = results.Single(r => !r.Error.Contains("shard 0: done, ", StringComparison.Ordinal));
        Assert.That(other.ExitCode == 1 && other.Error.Trim().StartsWith("error: shard 0 is already running", StringComparison.Ordinal)
                    || other.ExitCode == 0 && other.Error.Contains("shard 0: already done", StringComparison.Ordinal), other.Error);
    }

    [Test]
    public void AModelSwappedInTheJobFolderIsRefused()
    {
        string model = Directory.GetFiles(Path.Combine(_job, "models"), "*.pth").Single();
        File.Copy(SharedData.InitialEnhancementCheckpoint, model, overwrite: true);

        var run = Cli.Run("job", "run", _job, "--shard", "0");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        Assert.That(run.ErrorLines.Last(), Is.EqualTo($"error: shard 0: {model}: the job's model changed since the job was created (its SHA-256 differs)"));
    }
}
