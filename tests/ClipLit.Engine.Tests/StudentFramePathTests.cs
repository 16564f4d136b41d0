using ClipLit.Engine.Models;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Inference.Student;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Images;

namespace ClipLit.Engine.Tests;

/// <summary>A student through the Vulkan frame path computes what ONNX Runtime computes on the same input.</summary>
[TestFixture]
public sealed class StudentFramePathTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("cliplit-student-path-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void TheStudentsInputIsTheFrameAreaAveragedAndItsLightMapIsOnnxRuntimes()
    {
        var student = (StudentModel)ModelFile.Load(TestStudents.Write(Path.Combine(_folder, "student.onnx"), widths: StudentArchitecture.Default.Widths));
        using var image = StillImageReader.Read(Path.Combine(SharedData.BacklitPhotos, "91_51094235055_o.jpg"));
        var rgba = new byte[4 * image.Width * image.Height];
        image.CopyPixelsTo(rgba);
        var options = EnhancerOptions.Default with { Device = ExecutionDevice.Cpu };
        using var session = new EnhancerSession(student, options, new VkDeviceOptions(VkValidation.Required, null));

        var layout = student.LayoutFor(image.Width, image.Height, EnhanceQuality.Full);
        Assert.That((layout.NetworkWidth, layout.NetworkHeight), Is.EqualTo(((int)Math.Round(image.Width * 0.2), (int)Math.Round(image.Height * 0.2))),
            "a student runs at its own scale whatever the quality asked");
        using var path = new FramePath(session.Device, session.TensorsFor(layout.NetworkWidth, layout.NetworkHeight), layout, 1, TemporalOptions.Off);
        var slot = path.Slots[0];
        rgba.CopyTo(slot.InputBytes.Span);
        slot.FrameIndex = 0;
        path.PreProcess(slot);
        var input = slot.NetworkInput.ToArray();
        path.Estimate(slot, CancellationToken.None);
        var lightMap = slot.NetworkLightMap.ToArray();

        // The input: each pixel the mean of its cell, as adaptive average pooling (what distillation trains on).
        var expectedInput = AreaAverage(rgba, image.Width, image.Height, layout.NetworkWidth, layout.NetworkHeight);
        double inputError = MaxAbsolute(input, expectedInput);
        Assert.That(double.IsFinite(inputError) && inputError < 1e-5, $"pre-process differs from area averaging by {inputError}");

        // The light map: ONNX Runtime on the same input, outside the frame path.
        using var estimator = new StudentEstimator(student.Data, options);
        var expected = new float[lightMap.Length];
        estimator.Estimate(input, layout.NetworkWidth, layout.NetworkHeight, expected, CancellationToken.None);
        double mapError = MaxAbsolute(lightMap, expected);
        Assert.That(double.IsFinite(mapError) && mapError == 0, $"the frame path's light map differs from ONNX Runtime's by {mapError}");
        Assert.That(expected.Min(), Is.GreaterThan(0f), "a light map is positive (exp of the head)");
        Assert.That(expected.Max() - expected.Min(), Is.GreaterThan(1e-3f), "the map depends on the picture");

        path.Compose(slot);
        Assert.That(slot.OutputBytes.ToArray(), Is.Not.EqualTo(rgba), "the frame was enhanced");
        Assert.That(session.Device.ValidationErrorCount, Is.Zero, string.Join("\n", session.Device.ValidationMessages));
    }

    [Test]
    public void AStudentSiblingOnOneThreadGivesTheSameLightMapAsOnTheSessionsThreads()
    {
        // The live view runs the student on one intra-op thread on the CPU (LiveView): the same maps, less CPU.
        var student = (StudentModel)ModelFile.Load(TestStudents.Write(Path.Combine(_folder, "student.onnx"), widths: StudentArchitecture.Default.Widths));
        var teacher = new PaperNetworkModel(ModelLoader.Load(SharedData.EnhancementCheckpoint));
        using var session = new EnhancerSession(teacher, EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, Threads = 2 }, new VkDeviceOptions(VkValidation.Required, null));
        using var oneThread = session.OpenSibling(student, threads: 1);
        using var sessionsThreads = session.OpenSibling(student);
        Assert.That((oneThread.Provider.Settings.Threads, sessionsThreads.Provider.Settings.Threads), Is.EqualTo((1, 2)));
        Assert.That(oneThread.Provider.Description, Does.EndWith(", 1 thread)"));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.OpenSibling(student, threads: 0));

        using var image = StillImageReader.Read(Path.Combine(SharedData.BacklitPhotos, "91_51094235055_o.jpg"));
        var rgba = Rgba(image);
        var layout = student.LayoutFor(image.Width, image.Height, EnhanceQuality.Fast);
        var maps = new[] { oneThread, sessionsThreads }.Select(sibling =>
        {
            using var path = new FramePath(sibling.Device, sibling.TensorsFor(layout.NetworkWidth, layout.NetworkHeight), layout, 1, TemporalOptions.Off);
            var slot = path.Slots[0];
            rgba.CopyTo(slot.InputBytes.Span);
            path.PreProcess(slot);
            path.Estimate(slot, CancellationToken.None);
            return slot.NetworkLightMap.ToArray();
        }).ToArray();
        double difference = MaxAbsolute(maps[0], maps[1]);
        Assert.That(double.IsFinite(difference) && difference < 1e-5, $"one thread's light map differs from two threads' by {difference}");
        Assert.That(maps[0].Max() - maps[0].Min(), Is.GreaterThan(1e-3f), "the map depends on the picture");
    }

    private static byte[] Rgba(StillImage image)
    {
        var rgba = new byte[4 * image.Width * image.Height];
        image.CopyPixelsTo(rgba);
        return rgba;
    }

    /// <summary>Planar RGB in [0, 1] at the small size, each pixel the mean of cells floor(i·W/w) to ceil((i+1)·W/w).</summary>
    private static float[] AreaAverage(byte[] rgba, int width, int height, int smallWidth, int smallHeight)
    {
        var planes = new float[3 * smallWidth * smallHeight];
        for (int y = 0; y < smallHeight; y++)
            for (int x = 0; x < smallWidth; x++)
            {
                int x0 = x * width / smallWidth, x1 = ((x + 1) * width + smallWidth - 1) / smallWidth;
                int y0 = y * height / smallHeight, y1 = ((y + 1) * height + smallHeight - 1) / smallHeight;
                for (int c = 0; c < 3; c++)
                {
                    double sum = 0;
                    for (int yy = y0; yy < y1; yy++)
                        for (int xx = x0; xx < x1; xx++) sum += rgba[4 * (yy * width + xx) + c] / 255.0;
                    planes[c * smallWidth * smallHeight + y * smallWidth + x] = (float)(sum / ((x1 - x0) * (y1 - y0)));
                }
            }
        return planes;
    }

    private static double MaxAbsolute(float[] a, float[] b)
    {
        if (a.Length != b.Length) return double.NaN;
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs((double)a[i] - b[i]));
        return worst;
    }
}
