using ClipLit.VideoIO.Images;

namespace ClipLit.Trainer.Training;

/// <summary>
/// The photos of one training folder, decoded once and resized to the training size (bilinear with
/// antialiasing, as the paper's loader resizes with PIL), kept as one N x 3 x S x S tensor in [0, 1]
/// on the training device. Files that are not readable photos are reported and left out; the
/// folder is not searched recursively.
/// Ownership: owns the tensor.
/// </summary>
public sealed class TrainingImages : IDisposable
{
    private TrainingImages(Tensor pixels, IReadOnlyList<string> paths)
    {
        Pixels = pixels;
        Paths = paths;
    }

    /// <summary>N x 3 x S x S in [0, 1].</summary>
    public Tensor Pixels { get; }

    public IReadOnlyList<string> Paths { get; }

    public int Count => Paths.Count;

    /// <summary>Loads every photo in <paramref name="folder"/>; each unreadable file gets one line on <paramref name="warnings"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">It holds no readable photo.</exception>
    public static TrainingImages Load(string folder, int size, Device device, TextWriter warnings)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such folder");
        var files = Directory.EnumerateFiles(folder)
            .Where(f => ImageFileFormats.FromExtension(f) is not null && !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal).ToList();
        var images = new List<Tensor>();
        var paths = new List<string>();
        try
        {
            foreach (string file in files)
            {
                try
                {
                    images.Add(ReadResized(file, size).to(device));
                    paths.Add(file);
                }
                catch (ImageFileException e)
                {
                    warnings.WriteLine($"warning: {e.Message} (left out)");
                }
            }
            if (images.Count == 0) throw new InvalidDataException($"{folder}: no readable photos (.png, .jpg, .bmp, .tif, .webp)");
            return new TrainingImages(stack(images), paths);
        }
        finally
        {
            foreach (var image in images) image.Dispose();
        }
    }

    /// <summary>The images at <paramref name="indices"/>, each augmented with its own draw from <paramref name="random"/> when asked.</summary>
    public Tensor Batch(IReadOnlyList<int> indices, bool augment, ref KeyedRandom random)
    {
        using var scope = NewDisposeScope();
        var picked = new Tensor[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            var image = Pixels[indices[i]];
            picked[i] = augment ? ImageAugmentation.Apply(image, ref random) : image;
        }
        return stack(picked).MoveToOuterDisposeScope();
    }

    private static Tensor ReadResized(string path, int size)
    {
        using var photo = StillImageReader.Read(path);
        var rgba = new byte[4 * photo.Width * photo.Height];
        photo.CopyPixelsTo(rgba);
        using var scope = NewDisposeScope();
        var pixels = tensor(rgba, [photo.Height, photo.Width, 4]);
        var rgb = pixels[.., .., ..3].permute(2, 0, 1).unsqueeze(0).to(float32) / 255f;
        var resized = functional.interpolate(rgb, [size, size], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        return resized.squeeze(0).clamp(0, 1).MoveToOuterDisposeScope();
    }

    public void Dispose() => Pixels.Dispose();
}
