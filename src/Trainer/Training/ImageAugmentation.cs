namespace ClipLit.Trainer.Training;

/// <summary>
/// The paper's training augmentation, per image: horizontal and vertical flips and a transpose
/// (each with probability 1/2), a zoom by independent factors in [0.7, 1.3] (probability 0.3) and
/// a rotation by up to ±90° (probability 0.3), the last two resampled bilinearly with mirrored
/// borders, as its OpenCV warps do.
/// </summary>
public static class ImageAugmentation
{
    /// <summary>An augmented copy of <paramref name="image"/> (3 x S x S), drawn from <paramref name="random"/>.</summary>
    public static Tensor Apply(Tensor image, ref KeyedRandom random)
    {
        bool horizontalFlip = random.NextDouble() < 0.5;
        bool verticalFlip = random.NextDouble() < 0.5;
        bool transpose = random.NextDouble() < 0.5;
        bool rotate = random.NextDouble() < 0.3;
        bool zoom = random.NextDouble() < 0.3;
        double angle = random.NextDouble() * 180 - 90;
        double zoomX = 0.7 + 0.6 * random.NextDouble(), zoomY = 0.7 + 0.6 * random.NextDouble();

        using var scope = NewDisposeScope();
        var x = image.clone(); // the caller owns what comes back, never the cached original
        if (horizontalFlip) x = x.flip(2);
        if (verticalFlip) x = x.flip(1);
        if (transpose) x = x.transpose(1, 2);
        if (zoom || rotate)
        {
            // Output pixel p samples the input at A·p about the centre; A undoes the zoom (OpenCV's
            // zoom maps output to input by the factors) and the counter-clockwise rotation.
            double zx = zoom ? zoomX : 1, zy = zoom ? zoomY : 1;
            double radians = rotate ? angle * Math.PI / 180 : 0;
            double cos = Math.Cos(radians), sin = Math.Sin(radians);
            var theta = tensor(new float[] { (float)(zx * cos), (float)(-zx * sin), 0, (float)(zy * sin), (float)(zy * cos), 0 }, [1, 2, 3], device: image.device);
            var batch = x.unsqueeze(0);
            var grid = functional.affine_grid(theta, [1, batch.shape[1], batch.shape[2], batch.shape[3]], align_corners: false);
            x = functional.grid_sample(batch, grid, mode: GridSampleMode.Bilinear, padding_mode: GridSamplePaddingMode.Reflection, align_corners: false).squeeze(0);
        }
        return x.contiguous().MoveToOuterDisposeScope();
    }
}
