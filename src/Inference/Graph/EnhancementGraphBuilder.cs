using ClipLit.Inference.Model;
using Onnx;
using static ClipLit.Inference.Model.EnhancementArchitecture;
using static ClipLit.Inference.Graph.OnnxGraphWriter;

namespace ClipLit.Inference.Graph;

/// <summary>Which part of the network a graph computes.</summary>
public enum EnhancementGraphKind
{
    /// <summary>
    /// Image in, light map out, at any size, nothing else: the pyramid pooling runs over the whole
    /// input. This is the self-contained graph <c>cliplit export</c> writes.
    /// </summary>
    Full,

    /// <summary>
    /// Tiled pass 1: the layers before the pyramid module on one tile (core plus halo), returning
    /// the adaptive-pool sums over the tile's core region for every bin, so that the sums of tiles
    /// whose cores partition the image add up to the image's sums.
    /// </summary>
    PoolSums,

    /// <summary>
    /// Tiled pass 2: the whole network on one tile (core plus halo). The pyramid module uses the
    /// given pool sums plus the sums over this tile's own core box (empty when the given sums are
    /// already image-wide), so the tile's light map equals the untiled one; the total sums are an
    /// output for tiles processed later.
    /// </summary>
    LightMap,
}

/// <summary>How the 3x3 convolutions the paper pads with reflection are padded in a graph.</summary>
public enum BorderMode
{
    /// <summary>Reflection, as the paper: exact at the image's borders.</summary>
    Reflect,

    /// <summary>
    /// Zeros: exact only for pixels at least a receptive radius away from every tile edge, which
    /// tiles away from the image's borders guarantee. ONNX Runtime runs such graphs in its blocked
    /// (NCHWc) convolution layout end to end, without the Pad copies and layout reorders that
    /// reflection costs, about twice as fast on CPU.
    /// </summary>
    Zeros,
}

/// <summary>
/// Writes the paper's enhancement network as ONNX graphs (opset 17) from validated weights.
/// PyTorch's adaptive average pooling (bins start at floor(i·n/b) and end at ceil((i+1)·n/b)) and
/// align_corners bilinear upsampling are built from the input's shape inside the graph, as 0/1
/// pooling masks and two-tap interpolation matrices applied with MatMul, so one graph serves every
/// size, sizes not divisible by the bins included. The tiled graphs compute the same masks and
/// matrices at the tile's absolute position in the image.
/// Thread-safety: stateless; safe from any thread.
/// </summary>
public static class EnhancementGraphBuilder
{
    public const string ImageInput = "image";
    public const string LightMapOutput = "light_map";

    /// <summary>Tiled graphs: int64[2], the tile's first row and column in the image.</summary>
    public const string TileOriginInput = "tile_origin";

    /// <summary>Tiled graphs: int64[2], the whole image's height and width.</summary>
    public const string ImageSizeInput = "image_size";

    /// <summary>PoolSums graph: int64[4], the core region in tile coordinates: row begin, row end, column begin, column end.</summary>
    public const string CoreBoxInput = "core_box";

    /// <summary>Name of the pool-sum tensor [1, 32, bin, bin] for <paramref name="bin"/>.</summary>
    public static string PoolSumsName(int bin) => $"pool_sums_{bin}";

    /// <summary>Name of the output with the given plus own-core pool sums of <paramref name="bin"/> (LightMap graphs).</summary>
    public static string TotalPoolSumsName(int bin) => $"total_pool_sums_{bin}";

    /// <summary>
    /// Builds the graph of <paramref name="kind"/> with <paramref name="border"/> padding;
    /// <paramref name="fixedSize"/> pins the image input's height and width.
    /// </summary>
    public static ModelProto Build(
        EnhancementWeights weights, EnhancementGraphKind kind, BorderMode border = BorderMode.Reflect, (int Height, int Width)? fixedSize = null)
    {
        if (kind == EnhancementGraphKind.Full && border != BorderMode.Reflect)
            throw new ArgumentException("the Full graph is the paper's network and pads by reflection", nameof(border));
        var emitter = new Emitter(new OnnxGraphWriter($"cliplit_enhancement_{kind}_{border}"), weights, border);
        emitter.Emit(kind, fixedSize);
        return emitter.Writer.ToModel(
            typeof(EnhancementGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            $"CLIP-LIT enhancement network (UNet_emb_oneBranch_symmetry), {kind} graph, {border} borders, weights from {Path.GetFileName(weights.Source)}");
    }

    /// <summary>Where a tile lies in the image along one axis; all values are int64 scalars in the graph.</summary>
    private sealed record Axis(string TileLength, string Origin, string ImageLength, string? CoreBegin, string? CoreEnd);

    private sealed class Emitter(OnnxGraphWriter writer, EnhancementWeights weights, BorderMode border)
    {
        public OnnxGraphWriter Writer { get; } = writer;

        public void Emit(EnhancementGraphKind kind, (int Height, int Width)? fixedSize)
        {
            object height = fixedSize is { } s ? s.Height : "height";
            object width = fixedSize is { } t ? t.Width : "width";
            string image = Writer.Input(ImageInput, TensorProto.Types.DataType.Float, 1, InputChannels, height, width);
            string features = Head(image);

            switch (kind)
            {
                case EnhancementGraphKind.Full:
                    {
                        var (rows, cols) = WholeImageAxes(features);
                        var means = PyramidBins.Select(b => PoolMeans(PoolSums(features, rows, cols, b), rows, cols, b)).ToArray();
                        OutputLightMap(Tail(features, means, rows, cols), height, width);
                        break;
                    }
                case EnhancementGraphKind.PoolSums:
                    {
                        var (rows, cols) = TileAxes(features, withCore: true);
                        foreach (int bin in PyramidBins)
                        {
                            string sums = Writer.Rename(PoolSums(features, rows, cols, bin), PoolSumsName(bin));
                            Writer.Output(sums, TensorProto.Types.DataType.Float, 1, FeatureChannels, bin, bin);
                        }
                        break;
                    }
                case EnhancementGraphKind.LightMap:
                    {
                        var (rows, cols) = TileAxes(features, withCore: true);
                        var means = new List<string>();
                        foreach (int bin in PyramidBins)
                        {
                            string given = Writer.Input(PoolSumsName(bin), TensorProto.Types.DataType.Float, 1, FeatureChannels, bin, bin);
                            string total = Writer.Rename(Writer.Op("Add", given, PoolSums(features, rows, cols, bin)), TotalPoolSumsName(bin));
                            Writer.Output(total, TensorProto.Types.DataType.Float, 1, FeatureChannels, bin, bin);
                            means.Add(PoolMeans(total, rows, cols, bin));
                        }
                        OutputLightMap(Tail(features, means.ToArray(), rows, cols), height, width);
                        break;
                    }
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
            }
        }

        private void OutputLightMap(string lightMap, object height, object width) =>
            Writer.Output(Writer.Rename(lightMap, LightMapOutput), TensorProto.Types.DataType.Float, 1, 1, height, width);

        // ---- The network, in forward order -------------------------------------------------

        /// <summary>cond1 + LeakyReLU, ResidualBlock1, ResidualBlock2: the pyramid module's input.</summary>
        private string Head(string image)
        {
            string x = LeakyRelu(Conv(image, Cond1));
            foreach (var block in HeadBlocks) x = Residual(x, block, FeatureChannels);
            return x;
        }

        /// <summary>Pyramid module (concat, fuse conv, PReLU), condx, blocks 3-4, condy, blocks 5-6, cond_add1 + ReLU.</summary>
        private string Tail(string features, string[] poolMeans, Axis rows, Axis cols)
        {
            var branches = new List<string> { features };
            for (int i = 0; i < PyramidBins.Length; i++)
            {
                string reduced = Writer.Op("Conv", poolMeans[i], Writer.Weight(PyramidReduceWeight(i), weights[PyramidReduceWeight(i)]));
                string activated = Writer.Op("PRelu", reduced, Writer.Weight(PyramidSlope(i), weights[PyramidSlope(i)]));
                branches.Add(Upsample(activated, rows, cols, PyramidBins[i]));
            }
            string x = Writer.Op("Concat", branches, Attr("axis", 1L));
            x = Writer.Op("PRelu", Conv(x, PyramidFuse), Writer.Weight(PyramidFuseSlope, weights[PyramidFuseSlope]));
            x = Conv(x, CondX);
            foreach (var block in WideBlocks) x = Residual(x, block, WideChannels);
            x = Conv(x, CondY);
            foreach (var block in TailBlocks) x = Residual(x, block, FeatureChannels);
            return Writer.Op("Relu", Conv(x, CondAdd1));
        }

        private string Residual(string input, string block, int channels)
        {
            var (first, second) = ResidualConvs(block, channels);
            string x = Conv(LeakyRelu(Conv(input, first)), second);
            return LeakyRelu(Writer.Op("Add", x, input));
        }

        private string LeakyRelu(string x) => Writer.Op("LeakyRelu", x, Attr("alpha", LeakySlope));

        private string Conv(string input, Conv3x3 conv)
        {
            var inputs = new List<string>();
            bool reflect = conv.Padding == EnhancementArchitecture.Padding.Reflect && border == BorderMode.Reflect;
            if (reflect)
                inputs.Add(Writer.Op("Pad", input, Writer.Int64s(0, 0, 1, 1, 0, 0, 1, 1), Attr("mode", "reflect")));
            else
                inputs.Add(input);
            inputs.Add(Writer.Weight(conv.Name + ".weight", weights[conv.Name + ".weight"]));
            if (conv.HasBias) inputs.Add(Writer.Weight(conv.Name + ".bias", weights[conv.Name + ".bias"]));
            long pad = reflect ? 0 : 1;
            return Writer.Op("Conv", inputs, Attr("kernel_shape", [3L, 3L]), Attr("pads", [pad, pad, pad, pad]));
        }

        // ---- Geometry: where the tensor lies in the image ----------------------------------

        private (Axis Rows, Axis Cols) WholeImageAxes(string tensor)
        {
            string zero = Writer.Int64Scalar(0);
            string h = Dimension(tensor, 2), w = Dimension(tensor, 3);
            return (new Axis(h, zero, h, null, null), new Axis(w, zero, w, null, null));
        }

        private (Axis Rows, Axis Cols) TileAxes(string tensor, bool withCore)
        {
            string origin = Writer.Input(TileOriginInput, TensorProto.Types.DataType.Int64, 2);
            string size = Writer.Input(ImageSizeInput, TensorProto.Types.DataType.Int64, 2);
            string? core = withCore ? Writer.Input(CoreBoxInput, TensorProto.Types.DataType.Int64, 4) : null;
            string? CoreAt(long i) => core is null ? null : Element(core, i);
            return (new Axis(Dimension(tensor, 2), Element(origin, 0), Element(size, 0), CoreAt(0), CoreAt(1)),
                    new Axis(Dimension(tensor, 3), Element(origin, 1), Element(size, 1), CoreAt(2), CoreAt(3)));
        }

        private string Dimension(string tensor, long axis) =>
            Writer.Op("Squeeze", Writer.Op("Shape", tensor, Attr("start", axis), Attr("end", axis + 1)), Writer.Int64s(0));

        private string Element(string vector, long index) => Writer.Op("Gather", vector, Writer.Int64Scalar(index));

        /// <summary>Absolute image positions of the tile's samples along an axis: int64 [n].</summary>
        private string Positions(Axis axis) =>
            Writer.Op("Add", Writer.Op("Range", [Writer.Int64Scalar(0), axis.TileLength, Writer.Int64Scalar(1)]), axis.Origin);

        /// <summary>PyTorch's adaptive-pool cell bounds along an axis of length N: floor(i·N/b) and ceil((i+1)·N/b).</summary>
        private (string Begin, string End) CellBounds(Axis axis, int bin)
        {
            long[] index = Enumerable.Range(0, bin).Select(i => (long)i).ToArray();
            long[] next = Enumerable.Range(1, bin).Select(i => (long)i).ToArray();
            string begin = Writer.Op("Div", Writer.Op("Mul", Writer.Int64s(index), axis.ImageLength), Writer.Int64Scalar(bin));
            string end = Writer.Op("Div",
                Writer.Op("Add", Writer.Op("Mul", Writer.Int64s(next), axis.ImageLength), Writer.Int64Scalar(bin - 1)),
                Writer.Int64Scalar(bin));
            return (begin, end);
        }

        /// <summary>Float [bin, n]: 1 where the tile's sample k lies in cell i (and in the core region), else 0.</summary>
        private string PoolMask(Axis axis, int bin)
        {
            var (begin, end) = CellBounds(axis, bin);
            string positions = Positions(axis);
            string inCell = Writer.Op("And",
                Writer.Op("GreaterOrEqual", positions, Writer.Op("Unsqueeze", begin, Writer.Int64s(1))),
                Writer.Op("Less", positions, Writer.Op("Unsqueeze", end, Writer.Int64s(1))));
            if (axis.CoreBegin is not null && axis.CoreEnd is not null)
            {
                string local = Writer.Op("Range", [Writer.Int64Scalar(0), axis.TileLength, Writer.Int64Scalar(1)]);
                string inCore = Writer.Op("And",
                    Writer.Op("GreaterOrEqual", local, axis.CoreBegin), Writer.Op("Less", local, axis.CoreEnd));
                inCell = Writer.Op("And", inCell, inCore);
            }
            return Writer.Op("Cast", inCell, Attr("to", (long)TensorProto.Types.DataType.Float));
        }

        /// <summary>[1, C, bin, bin]: per-cell sums of <paramref name="features"/> over the tile's (core) samples.</summary>
        private string PoolSums(string features, Axis rows, Axis cols, int bin)
        {
            string colMaskT = Writer.Op("Transpose", PoolMask(cols, bin), Attr("perm", [1L, 0L]));
            return Writer.Op("MatMul", PoolMask(rows, bin), Writer.Op("MatMul", features, colMaskT));
        }

        /// <summary>Cell sums to cell means, dividing by the cell height, then the cell width, as PyTorch does.</summary>
        private string PoolMeans(string sums, Axis rows, Axis cols, int bin)
        {
            string CellLengths(Axis axis)
            {
                var (begin, end) = CellBounds(axis, bin);
                return Writer.Op("Cast", Writer.Op("Sub", end, begin), Attr("to", (long)TensorProto.Types.DataType.Float));
            }
            string perRow = Writer.Op("Div", sums, Writer.Op("Unsqueeze", CellLengths(rows), Writer.Int64s(1)));
            return Writer.Op("Div", perRow, CellLengths(cols));
        }

        /// <summary>
        /// Float [n, bin]: align_corners bilinear weights from <paramref name="bin"/> samples to the
        /// image's length, evaluated at the tile's positions, computed as PyTorch's CPU kernel does
        /// (scale = (bin-1)/(N-1) in float, index = floor(scale·k), weight clamped to [0, 1]).
        /// </summary>
        private string UpsampleMatrix(Axis axis, int bin)
        {
            string toFloat(string x) => Writer.Op("Cast", x, Attr("to", (long)TensorProto.Types.DataType.Float));
            string scale = Writer.Op("Div", Writer.FloatScalar(bin - 1), toFloat(Writer.Op("Sub", axis.ImageLength, Writer.Int64Scalar(1))));
            string source = Writer.Op("Mul", scale, toFloat(Positions(axis)));
            string floor = Writer.Op("Floor", source);
            string lambda1 = Writer.Op("Clip", [Writer.Op("Sub", source, floor), Writer.FloatScalar(0), Writer.FloatScalar(1)]);
            string lambda0 = Writer.Op("Sub", Writer.FloatScalar(1), lambda1);
            string index0 = Writer.Op("Cast", floor, Attr("to", (long)TensorProto.Types.DataType.Int64));
            string step = Writer.Op("Cast", Writer.Op("Less", index0, Writer.Int64Scalar(bin - 1)), Attr("to", (long)TensorProto.Types.DataType.Int64));
            string index1 = Writer.Op("Add", index0, step);

            string bins = Writer.Int64s(Enumerable.Range(0, bin).Select(i => (long)i).ToArray());
            string tap(string index, string lambda) => Writer.Op("Mul",
                toFloat(Writer.Op("Equal", Writer.Op("Unsqueeze", index, Writer.Int64s(1)), bins)),
                Writer.Op("Unsqueeze", lambda, Writer.Int64s(1)));
            return Writer.Op("Add", tap(index0, lambda0), tap(index1, lambda1));
        }

        /// <summary>[1, C, bin, bin] to [1, C, h, w]: columns first, then rows, as PyTorch nests its interpolation.</summary>
        private string Upsample(string cells, Axis rows, Axis cols, int bin)
        {
            string colsT = Writer.Op("Transpose", UpsampleMatrix(cols, bin), Attr("perm", [1L, 0L]));
            return Writer.Op("MatMul", UpsampleMatrix(rows, bin), Writer.Op("MatMul", cells, colsT));
        }
    }
}
