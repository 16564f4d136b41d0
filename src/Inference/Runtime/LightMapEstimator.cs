using ClipLit.Inference.Graph;
using ClipLit.Inference.Model;
using Microsoft.ML.OnnxRuntime;
using static ClipLit.Inference.Model.EnhancementArchitecture;

namespace ClipLit.Inference.Runtime;

/// <summary>
/// Computes the paper's light map L for planar RGB images in [0, 1] with ONNX Runtime, following
/// an <see cref="ExecutionPlan"/>: one run, the banded CPU plan, or two-pass tiling, all exact.
/// Whole-image runs read the caller's image and write the caller's light map in place (ONNX
/// Runtime tensors over the caller's memory); tiles go through scratch buffers sized per image.
/// As an <see cref="ILightMapEstimator"/> it keeps one plan per image size.
/// Thread-safety: not thread-safe; use one estimator per thread.
/// Ownership: owns its sessions; Dispose releases them. Never disposes the caller's buffers.
/// </summary>
public sealed class LightMapEstimator : ILightMapEstimator
{
    /// <summary>TF32 on CUDA unless asked otherwise: off, the paper's network is promised faithful (<see cref="EnhancerOptions.AllowTf32"/>).</summary>
    public const bool Tf32ByDefault = false;

    private readonly EnhancementGraphSessions _sessions;
    private readonly EnhancerOptions _options;
    private readonly Dictionary<(int Width, int Height), ExecutionPlan> _plans = new();
    private bool _disposed;

    public LightMapEstimator(EnhancementWeights weights, EnhancerOptions options)
    {
        _options = options;
        Device = OrtSessionFactory.Create(options.Device, options.SessionSettings(Tf32ByDefault));
        _sessions = new EnhancementGraphSessions(weights, Device);
        Source = weights.Source;
    }

    /// <summary>The execution provider the network runs on.</summary>
    public OrtSessionFactory Device { get; }

    /// <summary>Where the weights came from.</summary>
    public string Source { get; }

    /// <summary>Time spent building graphs and creating ONNX Runtime sessions so far.</summary>
    public TimeSpan LoadTime => _sessions.LoadTime;

    /// <summary>The plan <see cref="Estimate"/> follows for an image of this size under the options.</summary>
    public ExecutionPlan Plan(int height, int width) =>
        ExecutionPlanner.Plan(height, width, _options.Strategy, _options.MemoryBudgetBytes,
            preferBanded: Device.Device == ExecutionDevice.Cpu);

    /// <summary>Loads the graphs a plan needs ahead of the first image.</summary>
    public void Preload(ExecutionPlan plan) => _sessions.Preload(plan);

    /// <summary>
    /// Writes the light map of <paramref name="image"/> (planar RGB, 3·H·W floats in [0, 1]) into
    /// <paramref name="lightMap"/> (H·W floats).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> fired; the light map is incomplete.</exception>
    /// <exception cref="InferenceException">ONNX Runtime failed; the message names the graph and region.</exception>
    public void Estimate(Memory<float> image, int height, int width, Memory<float> lightMap,
        ExecutionPlan? plan = null, CancellationToken cancellation = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long pixels = (long)height * width;
        if (image.Length < 3 * pixels) throw new ArgumentException($"image buffer holds {image.Length} floats, a {width}x{height} RGB image needs {3 * pixels}");
        if (lightMap.Length < pixels) throw new ArgumentException($"light map buffer holds {lightMap.Length} floats, needs {pixels}");
        plan ??= Plan(height, width);
        if (plan.Height != height || plan.Width != width) throw new ArgumentException($"the plan is for {plan.Width}x{plan.Height}, the image is {width}x{height}");

        using var runOptions = new RunOptions();
        using var lastRunOptions = new RunOptions();
        if (!_options.KeepMemoryBetweenImages)
            lastRunOptions.AddRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");
        using var registration = cancellation.Register(() =>
        {
            runOptions.Terminate = true;
            lastRunOptions.Terminate = true;
        });
        var run = new PlanRun(this, runOptions, lastRunOptions, image, lightMap, plan, cancellation);
        try
        {
            run.Execute();
        }
        catch (OnnxRuntimeException) when (cancellation.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellation);
        }
    }

    public bool RunsWhole(int width, int height) =>
        _options.Strategy is PlanStrategy.Auto or PlanStrategy.Whole
        && ExecutionPlanner.Plan(height, width, PlanStrategy.Auto, _options.MemoryBudgetBytes, preferBanded: false).Strategy == PlanStrategy.Whole;

    void ILightMapEstimator.Prepare(int width, int height) => Preload(PlanFor(width, height));

    void ILightMapEstimator.Estimate(Memory<float> image, int width, int height, Memory<float> lightMap, CancellationToken cancellation) =>
        Estimate(image, height, width, lightMap, PlanFor(width, height), cancellation);

    /// <summary>The plan for a size, made once (the live view alternates two sizes while switching quality).</summary>
    private ExecutionPlan PlanFor(int width, int height)
    {
        if (!_plans.TryGetValue((width, height), out var plan)) _plans[(width, height)] = plan = Plan(height, width);
        return plan;
    }

    /// <summary>Ends ONNX Runtime profiling (see <see cref="EnhancerOptions.ProfilePrefix"/>); returns the profile files.</summary>
    public IReadOnlyList<string> EndProfiling() => _sessions.EndProfiling();

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _sessions.Dispose();
    }

    /// <summary>The state of one <see cref="Estimate"/> call: buffers, pool sums and the runs in order.</summary>
    private sealed class PlanRun
    {
        private readonly LightMapEstimator _owner;
        private readonly RunOptions _runOptions;
        private readonly RunOptions _lastRunOptions;
        private readonly Memory<float> _image;
        private readonly Memory<float> _lightMap;
        private readonly ExecutionPlan _plan;
        private readonly CancellationToken _cancellation;
        private readonly double[][] _sums = PyramidBins.Select(b => new double[FeatureChannels * b * b]).ToArray();
        private readonly float[][] _sumsScratch = PyramidBins.Select(b => new float[FeatureChannels * b * b]).ToArray();
        private readonly long[] _imageSize;
        private float[] _tileImage = [];
        private float[] _tileLightMap = [];

        private int _runsLeft;

        public PlanRun(LightMapEstimator owner, RunOptions runOptions, RunOptions lastRunOptions, Memory<float> image, Memory<float> lightMap,
            ExecutionPlan plan, CancellationToken cancellation)
        {
            _owner = owner;
            _runOptions = runOptions;
            _lastRunOptions = lastRunOptions;
            _image = image;
            _lightMap = lightMap;
            _plan = plan;
            _cancellation = cancellation;
            _imageSize = [plan.Height, plan.Width];
        }

        private int Height => _plan.Height;
        private int Width => _plan.Width;

        public void Execute()
        {
            _runsLeft = _plan.Strategy == PlanStrategy.Whole
                ? 1
                : _plan.PoolTiles.Count + _plan.LightMapTiles.Count + (_plan.Interior is null ? 0 : 1);
            if (_plan.Strategy == PlanStrategy.Whole)
            {
                RunWhole();
                return;
            }

            long largest = _plan.PoolTiles.Concat(_plan.LightMapTiles).Select(t => t.Region.Area).DefaultIfEmpty(0).Max();
            _tileImage = new float[3 * largest];
            _tileLightMap = new float[largest];

            foreach (var tile in _plan.PoolTiles) RunPoolSums(tile);
            if (_plan.Interior is { } interior) RunInterior(interior);
            foreach (var tile in _plan.LightMapTiles) RunLightMapTile(tile);
        }

        private void RunWhole()
        {
            using var input = Tensor(_image[..(3 * Height * Width)], 1, 3, Height, Width);
            using var output = Tensor(_lightMap[..(Height * Width)], 1, 1, Height, Width);
            Run(EnhancementGraphKind.Full, BorderMode.Reflect, new PixelRect(0, 0, Height, Width),
                [EnhancementGraphBuilder.ImageInput], [input], [EnhancementGraphBuilder.LightMapOutput], [output]);
        }

        /// <summary>Pass 1: adds the tile core's pool sums to the image-wide sums.</summary>
        private void RunPoolSums(TileSpec tile)
        {
            var region = tile.Region;
            var core = tile.Core.RelativeTo(region);
            CopyRegion(region);
            var names = new List<string> { EnhancementGraphBuilder.ImageInput, EnhancementGraphBuilder.TileOriginInput, EnhancementGraphBuilder.ImageSizeInput, EnhancementGraphBuilder.CoreBoxInput };
            var values = new List<OrtValue>
            {
                Tensor(_tileImage.AsMemory(0, (int)(3 * region.Area)), 1, 3, region.Height, region.Width),
                Int64s(region.Top, region.Left),
                Int64s(_imageSize),
                Int64s(core.Top, core.Bottom, core.Left, core.Right),
            };
            var outputNames = PyramidBins.Select(EnhancementGraphBuilder.PoolSumsName).ToList();
            var outputs = PyramidBins.Select((b, i) => Tensor(_sumsScratch[i], 1, FeatureChannels, b, b)).ToList();
            try
            {
                Run(EnhancementGraphKind.PoolSums, tile.Border, region, names, values, outputNames, outputs);
            }
            finally
            {
                DisposeAll(values);
                DisposeAll(outputs);
            }
            AccumulateSums();
        }

        /// <summary>The banded plan's interior: whole image in place, zero padded, adding its own pool sums.</summary>
        private void RunInterior(InteriorRun interior)
        {
            var region = interior.Region;
            if (region != new PixelRect(0, 0, Height, Width)) throw new InvalidOperationException("the interior run must cover the whole image");
            var core = interior.PoolCore.RelativeTo(region);
            RunLightMap(BorderMode.Zeros, region,
                Tensor(_image[..(3 * Height * Width)], 1, 3, Height, Width),
                Tensor(_lightMap[..(Height * Width)], 1, 1, Height, Width),
                core, captureTotals: true);
        }

        /// <summary>Pass 2: the tile's light map from the image-wide sums, copied into the result over its core.</summary>
        private void RunLightMapTile(TileSpec tile)
        {
            var region = tile.Region;
            CopyRegion(region);
            RunLightMap(tile.Border, region,
                Tensor(_tileImage.AsMemory(0, (int)(3 * region.Area)), 1, 3, region.Height, region.Width),
                Tensor(_tileLightMap.AsMemory(0, (int)region.Area), 1, 1, region.Height, region.Width),
                default, captureTotals: false);
            PasteCore(tile.Core, region);
        }

        private void RunLightMap(BorderMode border, PixelRect region, OrtValue image, OrtValue lightMap, PixelRect ownPoolCore, bool captureTotals)
        {
            var givenSums = PyramidBins.Select((b, i) =>
            {
                var scratch = _sumsScratch[i];
                for (int k = 0; k < scratch.Length; k++) scratch[k] = (float)_sums[i][k];
                return Tensor(scratch, 1, FeatureChannels, b, b);
            }).ToList();
            var names = new List<string> { EnhancementGraphBuilder.ImageInput, EnhancementGraphBuilder.TileOriginInput, EnhancementGraphBuilder.ImageSizeInput, EnhancementGraphBuilder.CoreBoxInput };
            names.AddRange(PyramidBins.Select(EnhancementGraphBuilder.PoolSumsName));
            var values = new List<OrtValue>
            {
                image,
                Int64s(region.Top, region.Left),
                Int64s(_imageSize),
                Int64s(ownPoolCore.Top, ownPoolCore.Bottom, ownPoolCore.Left, ownPoolCore.Right),
            };
            values.AddRange(givenSums);

            var outputNames = new List<string> { EnhancementGraphBuilder.LightMapOutput };
            var outputs = new List<OrtValue> { lightMap };
            var totals = PyramidBins.Select(b => new float[FeatureChannels * b * b]).ToArray();
            if (captureTotals)
            {
                outputNames.AddRange(PyramidBins.Select(EnhancementGraphBuilder.TotalPoolSumsName));
                outputs.AddRange(PyramidBins.Select((b, i) => Tensor(totals[i], 1, FeatureChannels, b, b)));
            }
            try
            {
                Run(EnhancementGraphKind.LightMap, border, region, names, values, outputNames, outputs);
            }
            finally
            {
                DisposeAll(values);
                DisposeAll(outputs);
            }
            if (captureTotals)
                for (int i = 0; i < totals.Length; i++)
                    for (int k = 0; k < totals[i].Length; k++) _sums[i][k] = totals[i][k];
        }

        private void Run(EnhancementGraphKind kind, BorderMode border, PixelRect region,
            IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs,
            IReadOnlyCollection<string> outputNames, IReadOnlyCollection<OrtValue> outputs)
        {
            _cancellation.ThrowIfCancellationRequested();
            var session = _owner._sessions.Get(kind, border);
            try
            {
                // The last run of the image may return the arena's memory (see KeepMemoryBetweenImages).
                session.Run(--_runsLeft == 0 ? _lastRunOptions : _runOptions, inputNames, inputs, outputNames, outputs);
            }
            catch (OnnxRuntimeException e) when (!_cancellation.IsCancellationRequested)
            {
                throw new InferenceException($"ONNX Runtime failed running the {kind} graph ({border} borders) on region {region}: {e.Message}", e);
            }
        }

        private void AccumulateSums()
        {
            for (int i = 0; i < _sums.Length; i++)
                for (int k = 0; k < _sums[i].Length; k++) _sums[i][k] += _sumsScratch[i][k];
        }

        /// <summary>Copies the image's pixels under <paramref name="region"/> into the tile buffer (planar RGB).</summary>
        private void CopyRegion(PixelRect region)
        {
            var source = _image.Span;
            var target = _tileImage.AsSpan();
            long plane = (long)Height * Width;
            int tilePlane = (int)region.Area;
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < region.Height; y++)
                    source.Slice((int)(c * plane + (long)(region.Top + y) * Width + region.Left), region.Width)
                        .CopyTo(target.Slice(c * tilePlane + y * region.Width, region.Width));
        }

        /// <summary>Copies the tile light map's core into the result.</summary>
        private void PasteCore(PixelRect core, PixelRect region)
        {
            var target = _lightMap.Span;
            var relative = core.RelativeTo(region);
            for (int y = 0; y < core.Height; y++)
                _tileLightMap.AsSpan((relative.Top + y) * region.Width + relative.Left, core.Width)
                    .CopyTo(target.Slice((core.Top + y) * Width + core.Left, core.Width));
        }

        private static OrtValue Tensor(Memory<float> data, params long[] shape) =>
            OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data, shape);

        private static OrtValue Int64s(params long[] values) =>
            OrtValue.CreateTensorValueFromMemory(values, [values.Length]);

        private static void DisposeAll(List<OrtValue> values)
        {
            foreach (var value in values) value.Dispose();
        }
    }
}

/// <summary>ONNX Runtime failed while running the enhancement network.</summary>
public sealed class InferenceException(string message, Exception inner) : Exception(message, inner);
