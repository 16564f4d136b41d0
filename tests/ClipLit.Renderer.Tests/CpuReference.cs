namespace ClipLit.Renderer.Tests;

/// <summary>Plain C# versions of the shaders, written from their descriptions, to hold the GPU passes to.</summary>
public static class CpuReference
{
    public static float Unit8(uint channel) => (float)(channel / 255.0);

    /// <summary>downscale.comp: cell means of R, G, B and max(R, G, B).</summary>
    public static float[] Downscale(uint[] rgba, int width, int height, int smallWidth, int smallHeight)
    {
        int n = smallWidth * smallHeight;
        var planes = new float[4 * n];
        for (int sy = 0; sy < smallHeight; sy++)
            for (int sx = 0; sx < smallWidth; sx++)
            {
                int x0 = sx * width / smallWidth, x1 = ((sx + 1) * width + smallWidth - 1) / smallWidth;
                int y0 = sy * height / smallHeight, y1 = ((sy + 1) * height + smallHeight - 1) / smallHeight;
                float r = 0, g = 0, b = 0, m = 0;
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++)
                    {
                        uint v = rgba[y * width + x];
                        float cr = Unit8(v & 255), cg = Unit8((v >> 8) & 255), cb = Unit8((v >> 16) & 255);
                        r += cr; g += cg; b += cb; m += Math.Max(cr, Math.Max(cg, cb));
                    }
                float count = (x1 - x0) * (y1 - y0);
                int i = sy * smallWidth + sx;
                planes[i] = r / count;
                planes[n + i] = g / count;
                planes[2 * n + i] = b / count;
                planes[3 * n + i] = m / count;
            }
        return planes;
    }

    /// <summary>guided_coefficients.comp: a and b of the local linear model light ≈ a·guidance + b.</summary>
    public static float[] GuidedCoefficients(float[] planes, float[] light, int width, int height, int radius, float epsilon)
    {
        int n = width * height;
        var ab = new float[2 * n];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double sg = 0, sp = 0, sgg = 0, sgp = 0, count = 0;
                foreach (int j in Window(x, y, width, height, radius))
                {
                    double g = planes[3 * n + j], l = light[j];
                    sg += g; sp += l; sgg += g * g; sgp += g * l; count++;
                }
                double mg = sg / count, mp = sp / count;
                double a = (sgp / count - mg * mp) / (sgg / count - mg * mg + epsilon);
                ab[y * width + x] = (float)a;
                ab[n + y * width + x] = (float)(mp - a * mg);
            }
        return ab;
    }

    /// <summary>box_mean.comp.</summary>
    public static float[] BoxMean(float[] source, int width, int height, int planes, int radius)
    {
        int n = width * height;
        var target = new float[planes * n];
        for (int p = 0; p < planes; p++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    double sum = 0, count = 0;
                    foreach (int j in Window(x, y, width, height, radius))
                    {
                        sum += source[p * n + j];
                        count++;
                    }
                    target[p * n + y * width + x] = (float)(sum / count);
                }
        return target;
    }

    /// <summary>upsample.comp: bilinear (half-pixel centres, clamped edges), or a·g + b with bilinear a and b.</summary>
    public static float[] Upsample(uint[] rgba, int width, int height, float[] small, int smallWidth, int smallHeight, bool edgeAware, float lo, float hi)
    {
        int n = smallWidth * smallHeight;
        var full = new float[width * height];
        float At(int plane, int x, int y) =>
            small[plane * n + Math.Clamp(y, 0, smallHeight - 1) * smallWidth + Math.Clamp(x, 0, smallWidth - 1)];
        float Bilinear(int plane, int x, int y)
        {
            float sx = Math.Max((x + 0.5f) * smallWidth / width - 0.5f, 0f);
            float sy = Math.Max((y + 0.5f) * smallHeight / height - 0.5f, 0f);
            int x0 = (int)MathF.Floor(sx), y0 = (int)MathF.Floor(sy);
            float fx = sx - x0, fy = sy - y0;
            float top = At(plane, x0, y0) * (1 - fx) + At(plane, x0 + 1, y0) * fx;
            float bottom = At(plane, x0, y0 + 1) * (1 - fx) + At(plane, x0 + 1, y0 + 1) * fx;
            return top * (1 - fy) + bottom * fy;
        }
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float l;
                if (!edgeAware) l = Bilinear(0, x, y);
                else
                {
                    uint v = rgba[y * width + x];
                    float g = Math.Max(Unit8(v & 255), Math.Max(Unit8((v >> 8) & 255), Unit8((v >> 16) & 255)));
                    l = Bilinear(0, x, y) * g + Bilinear(1, x, y);
                }
                full[y * width + x] = Math.Clamp(l, lo, hi);
            }
        return full;
    }

    /// <summary>
    /// shaders/reproject.comp: the history fetched from p + motion (bilinear motion, Catmull-Rom history), the new map
    /// fetched from p + mapMotion (bilinear; none: at p), clamped to the new map's window there, blended; weight 0: the history alone.
    /// </summary>
    public static float[] Reproject(float[] current, float[] history, float[] motion, float[]? mapMotion, int width, int height, int motionWidth, int motionHeight,
        float weight, int radius)
    {
        var result = new float[width * height];
        double scaleX = (double)motionWidth / width, scaleY = (double)motionHeight / height;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double u = (x + 0.5) * scaleX - 0.5, v = (y + 0.5) * scaleY - 0.5;
                double previous = CatmullRom(history, width, height,
                    x + Sample(motion, 2, 0, motionWidth, motionHeight, u, v) / scaleX, y + Sample(motion, 2, 1, motionWidth, motionHeight, u, v) / scaleY);
                if (weight <= 0)
                {
                    result[y * width + x] = (float)previous;
                    continue;
                }
                double ax = x + (mapMotion is null ? 0 : Sample(mapMotion, 2, 0, motionWidth, motionHeight, u, v) / scaleX);
                double ay = y + (mapMotion is null ? 0 : Sample(mapMotion, 2, 1, motionWidth, motionHeight, u, v) / scaleY);
                double lo = double.MaxValue, hi = double.MinValue;
                for (int dy = -radius; dy <= radius; dy++)
                    for (int dx = -radius; dx <= radius; dx++)
                    {
                        double c = Sample(current, 1, 0, width, height, ax + dx, ay + dy);
                        lo = Math.Min(lo, c);
                        hi = Math.Max(hi, c);
                    }
                double clamped = Math.Clamp(previous, lo, hi);
                result[y * width + x] = (float)(clamped + (Sample(current, 1, 0, width, height, ax, ay) - clamped) * weight);
            }
        return result;
    }

    /// <summary>Catmull-Rom at (u, v) over the 4x4 texels around it, coordinates clamped into the plane.</summary>
    private static double CatmullRom(float[] plane, int width, int height, double u, double v)
    {
        u = Math.Clamp(u, 0, width - 1);
        v = Math.Clamp(v, 0, height - 1);
        int x0 = (int)Math.Floor(u), y0 = (int)Math.Floor(v);
        double[] Weights(double t) => [-0.5 * t * t * t + t * t - 0.5 * t, 1.5 * t * t * t - 2.5 * t * t + 1, -1.5 * t * t * t + 2 * t * t + 0.5 * t, 0.5 * t * t * t - 0.5 * t * t];
        var wx = Weights(u - x0);
        var wy = Weights(v - y0);
        double sum = 0;
        for (int j = 0; j < 4; j++)
            for (int i = 0; i < 4; i++)
                sum += wy[j] * wx[i] * plane[Math.Clamp(y0 - 1 + j, 0, height - 1) * width + Math.Clamp(x0 - 1 + i, 0, width - 1)];
        return sum;
    }

    /// <summary>Bilinear at (u, v), clamped into the plane; <paramref name="stride"/> values per pixel, the <paramref name="component"/>th.</summary>
    private static double Sample(float[] plane, int stride, int component, int width, int height, double u, double v)
    {
        u = Math.Clamp(u, 0, width - 1);
        v = Math.Clamp(v, 0, height - 1);
        int x0 = (int)Math.Floor(u), y0 = (int)Math.Floor(v);
        int x1 = Math.Min(x0 + 1, width - 1), y1 = Math.Min(y0 + 1, height - 1);
        double fx = u - x0, fy = v - y0;
        double At(int x, int y) => plane[stride * (y * width + x) + component];
        return (1 - fy) * ((1 - fx) * At(x0, y0) + fx * At(x1, y0)) + fy * ((1 - fx) * At(x0, y1) + fx * At(x1, y1));
    }

    private static IEnumerable<int> Window(int x, int y, int width, int height, int radius)
    {
        for (int dy = -radius; dy <= radius; dy++)
            for (int dx = -radius; dx <= radius; dx++)
            {
                int qx = x + dx, qy = y + dy;
                if (qx >= 0 && qy >= 0 && qx < width && qy < height) yield return qy * width + qx;
            }
    }
}
