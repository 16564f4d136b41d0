using ClipLit.Trainer.Training;

namespace ClipLit.Trainer.Distillation;

/// <summary>
/// How one view of a source image is made: its number within the source, the crop's output size
/// (0 x 0: the photo as shot at its own size), the crop's scale and position (0 to 1 of the room
/// left), and the relighting (exposure and channel gains, gamma, depth and direction of a darkening gradient).
/// </summary>
public sealed record ViewRecipe(int Index, int TargetWidth, int TargetHeight, double CropScale, double CropX, double CropY,
    double Exposure, double Gamma, double RedGain, double BlueGain, double BacklightDepth, double BacklightAngle, int SmallLongSide = 0)
{
    public bool OwnSize => TargetWidth == 0 && SmallLongSide == 0;

    public string Describe() => (OwnSize ? "as shot" : SmallLongSide > 0 ? $"whole at {SmallLongSide} px" : $"crop {CropScale:0.00} → {TargetWidth}x{TargetHeight}")
        + (Index == 0 ? "" : $", exposure {Exposure:0.00}, gamma {Gamma:0.00}, backlight {BacklightDepth:0.00}");
}

/// <summary>
/// The views the teacher labels, made at the resolutions people run the enhancer at: view 0 is the
/// photo as shot at its own size (long side at most <see cref="MaxOwnSide"/>), then crops of 16:9
/// at several scales resized to 1280x720 and 1920x1080 in turn, and every fifth view the whole
/// photo small (a long side of 384 to 1024 pixels: small photos, thumbnails, low-resolution webcams). Every view but the first is relit
/// before the teacher sees it (exposure, gamma, white balance, and often a smooth gradient that
/// darkens one side, as a backlit scene does): the teacher's light map follows, so these are new
/// labels, not copies. A view is 8-bit RGBA, as frames reach the enhancer. Every draw is keyed by
/// the seed, the source's key and the view's index (<see cref="KeyedRandom"/>).
/// Thread-safety: stateless.
/// </summary>
public static class DistillationViews
{
    /// <summary>Photos larger than this (long side) are shrunk for the as-shot view (the teacher's time grows with pixels).</summary>
    public const int MaxOwnSide = 2560;

    private static readonly (int Width, int Height)[] CropSizes = [(1280, 720), (1920, 1080)];

    /// <summary>Every this many views (5, 10, ...) is the whole photo at a small size.</summary>
    public const int SmallEvery = 5;

    public static ViewRecipe Recipe(ulong seed, string sourceKey, int index)
    {
        var random = new KeyedRandom(seed, 21, StableHash(sourceKey), index);
        double Uniform(double low, double high) => low + (high - low) * random.NextDouble();
        var (width, height) = index == 0 ? (0, 0) : CropSizes[(index - 1) % CropSizes.Length];
        double scale = Uniform(0.5, 1), x = random.NextDouble(), y = random.NextDouble();
        if (index == 0) return new ViewRecipe(0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0);
        // Drawn after the crop's draws, so views 1-4 are what they were before small views existed (their cached labels stay valid).
        bool small = index % SmallEvery == 0;
        double exposure = Math.Pow(2, Uniform(-1.3, 0.4));
        double gamma = Math.Pow(2, Uniform(-0.35, 0.35));
        double red = Math.Pow(2, Uniform(-0.15, 0.15)), blue = Math.Pow(2, Uniform(-0.15, 0.15));
        double depth = random.NextDouble() < 0.65 ? Uniform(0.25, 0.75) : 0;
        double angle = Uniform(0, 2 * Math.PI);
        int smallSide = small ? (int)Math.Round(Uniform(384, 1024)) : 0;
        return small
            ? new ViewRecipe(index, 0, 0, 1, 0, 0, exposure, gamma, red, blue, depth, angle, smallSide)
            : new ViewRecipe(index, width, height, scale, x, y, exposure, gamma, red, blue, depth, angle);
    }

    /// <summary>Makes the view of an RGBA8 source image; returns RGBA8 and its size.</summary>
    public static (byte[] Rgba, int Width, int Height) Make(byte[] rgba, int width, int height, ViewRecipe recipe)
    {
        using var scope = NewDisposeScope();
        var image = tensor(rgba, [height, width, 4])[.., .., ..3].permute(2, 0, 1).unsqueeze(0).to(float32) / 255f;
        if (recipe.SmallLongSide > 0)
        {
            double shrink = Math.Min(1.0, (double)recipe.SmallLongSide / Math.Max(width, height));
            image = Resize(image, Math.Max(2, (int)Math.Round(width * shrink)), Math.Max(2, (int)Math.Round(height * shrink)));
        }
        else if (recipe.OwnSize)
        {
            int longSide = Math.Max(width, height);
            if (longSide > MaxOwnSide)
            {
                double shrink = (double)MaxOwnSide / longSide;
                image = Resize(image, Math.Max(1, (int)Math.Round(width * shrink)), Math.Max(1, (int)Math.Round(height * shrink)));
            }
        }
        else
        {
            // The largest 16:9 crop, scaled, at a drawn position, resized to the target size.
            double aspect = (double)recipe.TargetWidth / recipe.TargetHeight;
            double fullWidth = Math.Min(width, height * aspect);
            int cropWidth = Math.Clamp((int)Math.Round(fullWidth * recipe.CropScale), 2, width);
            int cropHeight = Math.Clamp((int)Math.Round(cropWidth / aspect), 2, height);
            int left = (int)Math.Floor((width - cropWidth) * recipe.CropX);
            int top = (int)Math.Floor((height - cropHeight) * recipe.CropY);
            image = Resize(image[.., .., top..(top + cropHeight), left..(left + cropWidth)], recipe.TargetWidth, recipe.TargetHeight);
        }
        if (recipe.Index > 0) image = Relight(image, recipe);
        int outHeight = (int)image.shape[2], outWidth = (int)image.shape[3];
        var bytes = (image.squeeze(0).permute(1, 2, 0) * 255f + 0.5f).floor().clamp(0, 255).to(ScalarType.Byte);
        var withAlpha = cat([bytes, full([outHeight, outWidth, 1], 255, ScalarType.Byte)], 2).contiguous();
        return (withAlpha.data<byte>().ToArray(), outWidth, outHeight);
    }

    private static Tensor Resize(Tensor image, int width, int height) =>
        functional.interpolate(image, [height, width], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true).clamp(0, 1);

    /// <summary>Exposure, white balance, gamma, then a smooth darkening gradient across the frame.</summary>
    private static Tensor Relight(Tensor image, ViewRecipe recipe)
    {
        var gains = tensor(new[] { (float)(recipe.Exposure * recipe.RedGain), (float)recipe.Exposure, (float)(recipe.Exposure * recipe.BlueGain) }).reshape(1, 3, 1, 1);
        var lit = (image * gains).clamp(0, 1).pow(recipe.Gamma);
        if (recipe.BacklightDepth > 0)
        {
            long height = image.shape[2], width = image.shape[3];
            var ys = linspace(-0.5, 0.5, height).reshape(height, 1);
            var xs = linspace(-0.5, 0.5, width).reshape(1, width) * ((double)width / height);
            var along = xs * Math.Cos(recipe.BacklightAngle) + ys * Math.Sin(recipe.BacklightAngle);
            var lo = along.min();
            var t = (along - lo) / (along.max() - lo + 1e-6);
            var smooth = t * t * (3 - 2 * t);
            var factor = 1 - recipe.BacklightDepth * smooth;
            lit = lit * factor.to(float32).reshape(1, 1, height, width);
        }
        return lit.clamp(0, 1);
    }

    /// <summary>FNV-1a over the key's UTF-16 code units: the same on every machine and run.</summary>
    public static long StableHash(string key)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in key)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return (long)hash;
    }
}
