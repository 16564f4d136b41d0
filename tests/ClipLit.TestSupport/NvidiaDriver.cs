using System.Runtime.InteropServices;

namespace ClipLit.TestSupport;

/// <summary>Whether this machine has an NVIDIA driver, for tests of the machine-without-CUDA path.</summary>
public static class NvidiaDriver
{
    public static bool Present()
    {
        if (!NativeLibrary.TryLoad("libcuda.so.1", out var driver)) return false;
        NativeLibrary.Free(driver);
        return true;
    }
}
