using ClipLit.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ClipLit.Cli.Tests;

/// <summary>A temporary folder with photo fixtures made from the shared real photos.</summary>
public sealed class Workspace : IDisposable
{
    public Workspace() => Root = Directory.CreateTempSubdirectory("cliplit-cli-").FullName;

    public string Root { get; }

    public string PathOf(string name) => System.IO.Path.Combine(Root, name);

    /// <summary>A real backlit photo (a golden input) cropped to the given size, saved under <paramref name="name"/>.</summary>
    public string Photo(string name, int width = 96, int height = 64)
    {
        using var image = Image.Load<Rgba32>(GoldenInput);
        image.Mutate(x => x.Crop(new Rectangle(120, 90, width, height)));
        image.Save(PathOf(name));
        return PathOf(name);
    }

    public string Write(string name, byte[] bytes)
    {
        File.WriteAllBytes(PathOf(name), bytes);
        return PathOf(name);
    }

    /// <summary>Files under the workspace whose names mark them as temporary (left by an interrupted write).</summary>
    public string[] PartialFiles() =>
        Directory.GetFiles(Root, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".partial", StringComparison.Ordinal)).ToArray();

    public static string GoldenInput =>
        System.IO.Path.Combine(SharedData.Path("golden", "enhance-512"), "110_51093502029_o.input.png");

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
