using System.Text;
using System.Text.Json.Nodes;
using ClipLit.Jobs;
using ClipLit.TestSupport;
using CsCheck;

namespace ClipLit.Cli.Tests;

/// <summary>
/// Property tests of what a job folder (or enhance --resume's state folder) holds, all of it
/// outside data: a manifest damaged byte by byte, or with any value in place of any other, reads as
/// a manifest whose every value was checked or is refused with one <see cref="JobException"/> line
/// naming it; damaged markers read as absent, never as a crash. The starting point is a real
/// manifest that <c>job create</c> wrote for a real video.
/// </summary>
[TestFixture]
public sealed class UntrustedJobDataTests
{
    private const int Iterations = 1000;
    private static Workspace _workspace = null!;
    private static byte[] _manifest = [];
    private static string _job = "";

    [OneTimeSetUp]
    public static void CreateJob()
    {
        _workspace = new Workspace();
        string clip = TestClips.Cut(_workspace.PathOf("clip.mp4"), seconds: 2);
        _job = _workspace.PathOf("job");
        var create = Cli.Run(Cli.WithModel("job", "create", clip, "-o", _workspace.PathOf("out.mp4"), "--dir", _job, "--shards", "3", "-q"));
        Assert.That(create.ExitCode, Is.Zero, create.ToString());
        _manifest = File.ReadAllBytes(Path.Combine(_job, JobManifest.FileName));
    }

    [OneTimeTearDown]
    public static void DeleteJob() => _workspace.Dispose();

    private static void Parse(byte[] bytes)
    {
        if (UntrustedInput.EndsClearly<JobException>(() => Accepted(JobManifest.Parse(bytes, "manifest.json")))) return;
    }

    /// <summary>A manifest that is read has passed every check: what the commands rely on holds.</summary>
    private static void Accepted(JobManifest manifest)
    {
        Assert.That(JobManifestCheck.Problem(manifest), Is.Null);
        Assert.That(manifest.Inputs.All(i => JobManifestCheck.IsCleanAbsolute(i.Path) && JobManifestCheck.IsCleanAbsolute(i.Output) && i.Output != i.Path));
        Assert.That(manifest.Shards.SelectMany(s => s.Parts).All(p => p.Input >= 0 && p.Input < manifest.Inputs.Count && p.End <= manifest.Inputs[p.Input].Frames));
    }

    [Test]
    public void ADamagedManifestIsReadCheckedOrRefusedWithOneLine() =>
        Mutations.Of(_manifest).Sample(Parse, iter: Iterations);

    [Test]
    public void AnyValueInPlaceOfAnyOtherIsReadCheckedOrRefusedWithOneLine()
    {
        var original = JsonNode.Parse(_manifest)!;
        var paths = Leaves(original, "").ToList();
        var values = Gen.OneOf<JsonNode?>(
            Gen.Const((JsonNode?)null), Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)), Gen.Long.Select(n => (JsonNode?)JsonValue.Create(n)),
            Gen.Int[-3, 200].Select(n => (JsonNode?)JsonValue.Create(n)), Gen.Double.Select(d => (JsonNode?)JsonValue.Create(double.IsFinite(d) ? d : 0)),
            Gen.String.Select(s => (JsonNode?)JsonValue.Create(s)),
            Gen.OneOf("/", "../../x.mp4", "/tmp/x.mp4", "relative.mp4", "/a/../b.mp4", "/x.mp4\n", new string('f', 64), "", "model", "student")
                .Select(s => (JsonNode?)JsonValue.Create(s)),
            Gen.Const<JsonNode?>(new JsonArray()), Gen.Const<JsonNode?>(new JsonArray((JsonNode?)null)), Gen.Const<JsonNode?>(new JsonObject()));
        Gen.Select(Gen.Int[0, paths.Count - 1], values).Array[1, 4].Sample(edits =>
        {
            var json = JsonNode.Parse(_manifest)!;
            foreach (var (path, value) in edits) Replace(json, paths[path], value?.DeepClone());
            Parse(Encoding.UTF8.GetBytes(json.ToJsonString()));
        }, iter: Iterations);
    }

    [Test]
    public void DamagedMarkersReadAsAbsentNeverAsACrash()
    {
        var folder = new JobFolder(_job);
        string shard = Directory.CreateDirectory(folder.ShardFolder(1)).FullName;
        byte[] done = Encoding.UTF8.GetBytes("""{"Host":"node-1","ProcessId":12,"At":"2026-12-05T10:00:00+00:00","Detail":"30 frames","Parts":[{"File":"part-0-30.mp4","Bytes":1000,"Sha256":"00","Frames":30}]}""");
        Gen.Select(Gen.Int[0, 2], Mutations.Of(done)).Sample((kind, bytes) =>
        {
            string marker = Path.Combine(shard, kind switch { 0 => "done.json", 1 => "failed.json", _ => "running.json" });
            lock (folder)
            {
                File.WriteAllBytes(marker, bytes);
                try
                {
                    UntrustedInput.EndsClearly<JobException>(() =>
                    {
                        var status = folder.Status(1);
                        Assert.That(status.Detail, Is.Not.Null);
                        _ = folder.DoneParts(1);
                    });
                }
                finally
                {
                    File.Delete(marker);
                }
            }
        }, iter: Iterations);
    }

    [Test]
    public void PipesInPlaceOfTheManifestOrAMarkerAreRefusedUnopened()
    {
        // Opening a pipe left on the shared storage would wait for a writer: each read must end, refused or absent.
        string job = Directory.CreateDirectory(_workspace.PathOf("piped-job")).FullName;
        string manifest = NamedPipe.Make(Path.Combine(job, JobManifest.FileName));
        Assert.That(UntrustedInput.RefusalOf<JobException>(() => JobManifest.Read(job)), Does.Contain(manifest).And.Contain("empty file (0 bytes)"));

        var folder = new JobFolder(_job);
        string marker = NamedPipe.Make(Path.Combine(Directory.CreateDirectory(folder.ShardFolder(2)).FullName, "done.json"));
        try
        {
            UntrustedInput.EndsClearly<JobException>(() =>
            {
                Assert.That(folder.Status(2).Detail, Is.Not.Null);
                Assert.That(folder.DoneParts(2), Is.Null, "a pipe is no done marker");
            });
        }
        finally
        {
            File.Delete(marker);
        }
    }

    /// <summary>Every value's place in the document, as a path of property names and indices.</summary>
    private static IEnumerable<string> Leaves(JsonNode? node, string path)
    {
        yield return path;
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                    foreach (string leaf in Leaves(child, $"{path}/{name}")) yield return leaf;
                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                    foreach (string leaf in Leaves(array[i], $"{path}/{i}")) yield return leaf;
                break;
        }
    }

    private static void Replace(JsonNode root, string path, JsonNode? value)
    {
        if (path.Length == 0) return; // the document itself stays an object
        var steps = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        JsonNode? parent = root;
        foreach (string step in steps[..^1])
        {
            parent = parent switch
            {
                JsonObject obj => obj[step],
                JsonArray array when int.TryParse(step, out int i) && i < array.Count => array[i],
                _ => null,
            };
            if (parent is null) return; // an earlier edit replaced the way there
        }
        switch (parent)
        {
            case JsonObject obj:
                obj[steps[^1]] = value;
                break;
            case JsonArray array when int.TryParse(steps[^1], out int index) && index < array.Count:
                array[index] = value;
                break;
        }
    }
}
