namespace ClipLit.Inference.Cuda;

/// <summary>A CUDA driver call failed; the message names the call and CUDA's error name (e.g. CUDA_ERROR_INVALID_HANDLE).</summary>
public sealed class CudaException(string message, int errorCode = 0) : Exception(message)
{
    /// <summary>The CUresult, or 0 when the library itself could not be used.</summary>
    public int ErrorCode { get; } = errorCode;
}
