using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipLit.Bench.Reports;

/// <summary>
/// A small line plot (PNG) of up to two series over a shared x axis, with grid lines at whole units; no axis labels (the report's text says what the axes are).
/// Thread-safety: stateless.
/// </summary>
public static class CurvePlot
{
    /// <summary>The plot as a PNG file's bytes.</summary>
    public static byte[] Png(IReadOnlyList<(double X, double Y)> first, IReadOnlyList<(double X, double Y)> second)
    {
        const int width = 640, height = 320, margin = 24;
        var all = first.Concat(second).Where(p => double.IsFinite(p.Y)).ToList();
        double xMax = Math.Max(1e-9, all.Max(p => p.X));
        double yMin = Math.Floor(all.Min(p => p.Y)), yMax = Math.Ceiling(all.Max(p => p.Y));
        if (yMax <= yMin) yMax = yMin + 1;
        using var image = new Image<Rgba32>(width, height, new Rgba32(255, 255, 255));
        int Px(double x) => margin + (int)Math.Round(x / xMax * (width - 2 * margin));
        int Py(double y) => height - margin - (int)Math.Round((y - yMin) / (yMax - yMin) * (height - 2 * margin));
        var grid = new Rgba32(225, 225, 225);
        double yStep = Math.Max(1, Math.Ceiling((yMax - yMin) / 10));
        for (double y = yMin; y <= yMax; y += yStep) Line(image, Px(0), Py(y), Px(xMax), Py(y), grid);
        double xStep = Math.Max(1, Math.Ceiling(xMax / 10));
        for (double x = 0; x <= xMax; x += xStep) Line(image, Px(x), Py(yMin), Px(x), Py(yMax), grid);
        Line(image, Px(0), Py(yMin), Px(xMax), Py(yMin), new Rgba32(0, 0, 0));
        Line(image, Px(0), Py(yMin), Px(0), Py(yMax), new Rgba32(0, 0, 0));
        foreach (var (series, colour) in new[] { (first, new Rgba32(30, 90, 200)), (second, new Rgba32(200, 40, 40)) })
        {
            var points = series.Where(p => double.IsFinite(p.Y)).ToList();
            for (int i = 1; i < points.Count; i++)
                Line(image, Px(points[i - 1].X), Py(points[i - 1].Y), Px(points[i].X), Py(points[i].Y), colour);
        }
        using var png = new MemoryStream();
        image.SaveAsPng(png);
        return png.ToArray();
    }

    /// <summary>Bresenham, two pixels thick.</summary>
    private static void Line(Image<Rgba32> image, int x0, int y0, int x1, int y1, Rgba32 colour)
    {
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, error = dx + dy;
        while (true)
        {
            for (int t = 0; t < 2; t++)
                if (x0 + t >= 0 && x0 + t < image.Width && y0 >= 0 && y0 < image.Height) image[x0 + t, y0] = colour;
            if (x0 == x1 && y0 == y1) break;
            int e2 = 2 * error;
            if (e2 >= dy) { error += dy; x0 += sx; }
            if (e2 <= dx) { error += dx; y0 += sy; }
        }
    }
}
