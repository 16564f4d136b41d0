using System.Text.Json.Nodes;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Tests;

/// <summary>
/// No value from a command line, a manifest or a file name ever becomes more than one argument of
/// ffmpeg: option values that carry a second command line are refused before any work (exit 2,
/// one line, nothing written anywhere), and so are encoder options the installed ffmpeg does not
/// take; file names with quotes, spaces and a leading dash are enhanced like any other.
/// </summary>
[TestFixture]
public sealed class HostileOptionTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void CreateWorkspace() => _workspace = new Workspace();

    [TearDown]
    public void DeleteWorkspace() => _workspace.Dispose();

    private static readonly string[][] RefusedOptions =
    [
        ["--preset", "medium ../x.mkv -map 0:v:0 -c:v libx264 -f mp4"],
        ["--bitrate", "8M -y ../x.mkv"],
        ["--codec", "libx264 -f mp4 ../x.mkv"],
        ["--preset", "bogus"],
        ["--codec", "bogus"],
        ["--codec", "aac"],
        ["--bitrate", "fast"],
    ];

    [TestCaseSource(nameof(RefusedOptions))]
    public void EncoderOptionsAreCheckedBeforeAnyWork(string option, string value)
    {
        string clip = TestClips.Cut(_workspace.PathOf("clip.mp4"));
        string output = Directory.CreateDirectory(_workspace.PathOf("out")).FullName;

        var result = Cli.Run(Cli.WithModel("enhance", clip, "-o", Path.Combine(output, "out.mp4"), option, value));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), "one line");
        Assert.That(result.ErrorLines[0], Does.StartWith("usage error: enhance: ").And.Contain($"{option} '"), "it names the option and its value");
        Assert.That(Directory.GetFileSystemEntries(output), Is.Empty, "nothing written");
        Assert.That(File.Exists(_workspace.PathOf("x.mkv")), Is.False, "no second output");
    }

    [Test]
    public void AJobRefusesTheSameAtCreateAndFromAManifestChangedSince()
    {
        string clip = TestClips.Cut(_workspace.PathOf("clip.mp4")), job = _workspace.PathOf("job");
        var refused = Cli.Run(Cli.WithModel("job", "create", clip, "-o", _workspace.PathOf("out.mp4"), "--dir", job, "--preset", "medium ../x.mkv -f mp4"));
        Assert.That(refused.ExitCode, Is.EqualTo(2), refused.ToString());
        Assert.That(Directory.Exists(job), Is.False, "no job folder for a refused job");

        Assert.That(Cli.Run(Cli.WithModel("job", "create", clip, "-o", _workspace.PathOf("out.mp4"), "--dir", job, "--preset", "ultrafast", "-q")).ExitCode, Is.Zero);
        // Shared storage: anyone who can write the manifest can change it; every worker of a cluster would read it.
        string manifest = Path.Combine(job, "manifest.json");
        var json = JsonNode.Parse(File.ReadAllText(manifest))!;
        var options = json["options"]!.AsArray();
        int preset = options.Select(o => o!.GetValue<string>()).ToList().IndexOf("--preset");
        options[preset + 1] = "ultrafast ../x.mkv -map 0:v:0 -c:v libx264 -f mp4";
        File.WriteAllText(manifest, json.ToJsonString());

        var run = Cli.Run("job", "run", job, "--shard", "0");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        Assert.That(run.ErrorLines.Last(), Does.StartWith("error: shard 0: ").And.Contain("--preset 'ultrafast ../x.mkv"));
        Assert.That(File.Exists(_workspace.PathOf("x.mkv")) || File.Exists(Path.Combine(job, "x.mkv")), Is.False, "no second output");
        Assert.That(Directory.GetFiles(Path.Combine(job, "shards", "0"), "part-*"), Is.Empty);
    }

    [TestCase("in\"put.mp4", "o\"ut.mp4")]
    [TestCase("it's here.mp4", "and 'there'.mkv")]
    [TestCase("-x.mp4", "-y.mp4")]
    [TestCase("concat:a.mp4", "http:b.mp4")]
    public void FileNamesOfAnyShapeAreOneArgument(string inputName, string outputName)
    {
        string input = TestClips.Cut(_workspace.PathOf(inputName));
        string output = _workspace.PathOf(outputName);

        var result = Cli.Run(Cli.WithModel("enhance", input, "-o", output, "--preset", "ultrafast", "-q"));

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var written = VideoProbe.Probe(output);
        Assert.That((written.FrameCount, written.AudioStreams), Is.EqualTo((VideoProbe.Probe(input).FrameCount, 1)), "every frame, and the audio copied");
        Assert.That(_workspace.PartialFiles(), Is.Empty, "no temporary left");
        Assert.That(Directory.GetFiles(_workspace.Root).Select(Path.GetFileName), Is.EquivalentTo(new[] { inputName, outputName }), "nothing else written");
    }
}
