using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace ClipLit.Inference.Runtime;

/// <summary>
/// How ClipLit starts ONNX Runtime's CUDA provider, in one place for every session that runs on
/// CUDA (the host round trip's and the zero-copy runner's):
/// <list type="bullet">
/// <item>On a stream of ours: the provider takes <c>user_compute_stream</c> only together with
/// <c>has_user_compute_stream=1</c> (ONNX Runtime 1.31's CUDA provider factory ignores the pointer
/// otherwise and runs on its own stream), so both are given.</item>
/// <item>TF32: the provider's default rounds convolution and matrix-product inputs to 10-bit
/// mantissas on Ampere and newer (about 1e-3 relative), enough to pull a light map below the 60 dB
/// bar of the CUDA-vs-CPU checks. Off unless <see cref="AllowTf32"/>.</item>
/// </list>
/// </summary>
/// <param name="DeviceOrdinal">The CUDA device.</param>
/// <param name="Stream">A CUstream the provider computes on, or null for the provider's own.</param>
/// <param name="AllowTf32">Let Ampere and newer round to TF32 (faster, not faithful).</param>
public sealed record CudaProviderSettings(int DeviceOrdinal, nint? Stream, bool AllowTf32)
{
    /// <summary>The keys <see cref="Describe"/> reports: the ones that decide where and how the network runs.</summary>
    private static readonly string[] ReportedKeys = ["device_id", "has_user_compute_stream", "user_compute_stream", "use_tf32", "cudnn_conv_algo_search", "do_copy_in_default_stream"];

    /// <summary>The key-value options handed to ONNX Runtime.</summary>
    public IReadOnlyDictionary<string, string> Options
    {
        get
        {
            var inv = CultureInfo.InvariantCulture;
            var options = new Dictionary<string, string>
            {
                ["device_id"] = DeviceOrdinal.ToString(inv),
                ["use_tf32"] = AllowTf32 ? "1" : "0",
            };
            if (Stream is { } stream)
            {
                options["has_user_compute_stream"] = "1";
                options["user_compute_stream"] = ((ulong)stream).ToString(inv);
            }
            return options;
        }
    }

    /// <summary>ONNX Runtime's provider options with these settings; the caller disposes them.</summary>
    /// <exception cref="OnnxRuntimeException">The CUDA provider library cannot be loaded.</exception>
    public OrtCUDAProviderOptions Create()
    {
        var options = new OrtCUDAProviderOptions();
        try
        {
            options.UpdateOptions(new Dictionary<string, string>(Options));
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The keys that matter here of options as ONNX Runtime reads them back (<see cref="Parse"/> of
    /// <c>GetOptions()</c>), in a fixed order: "device_id=0 has_user_compute_stream=1 user_compute_stream=94... use_tf32=0 ...".
    /// </summary>
    public static string Describe(IReadOnlyDictionary<string, string> effective) =>
        string.Join(' ', ReportedKeys.Where(effective.ContainsKey).Select(key => $"{key}={effective[key]}"));

    /// <summary>Reads ONNX Runtime's "key=value;key=value" form.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string options) =>
        options.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1]);

    /// <summary>
    /// Null when ONNX Runtime read these settings back as given (our stream and TF32 setting taken),
    /// else what differs: the check that a GPU run computes on the stream the engine synchronizes.
    /// </summary>
    public string? Mismatch(IReadOnlyDictionary<string, string> effective)
    {
        foreach (var (key, wanted) in Options)
        {
            if (!effective.TryGetValue(key, out string? actual)) return $"ONNX Runtime does not report {key} (wanted {wanted})";
            if (actual != wanted) return $"ONNX Runtime took {key}={actual}, not {wanted}";
        }
        return null;
    }
}
