using System.Runtime.InteropServices;
using TorchSharp;

namespace ClipLit.Trainer.Training;

/// <summary>
/// Turns libtorch's oneDNN (MKL-DNN) CPU kernels on and off. With libtorch 2.10 on this project's
/// CPUs, oneDNN's backward pass of a convolution with a kernel larger than 1x1 computes a wrong input
/// gradient when the convolution's output channels are not a multiple of 16 (measured: 64→3, 64→13,
/// 64→24 off by 20–45 % against ATen's own kernels, and NaN when it reads memory nobody wrote; 64→16,
/// 32, 48 and 1x1 kernels agree to 1e-6). The trainer keeps oneDNN on, which is several times faster,
/// and steers around the flaw: the enhancement network widens its last convolution to 16 outputs
/// while training, and a CLIP model that has such convolutions is differentiated with oneDNN off
/// (<see cref="HasFlawedConvolutions"/>). TorchSharp exposes no switch, so this calls
/// at::Context::setUserEnabledMkldnn directly; the setting is process-wide.
/// </summary>
public static partial class OneDnnSwitch
{
    private const string TorchCpu = "libtorch_cpu.so";

    /// <summary>Output-channel multiple at which oneDNN's convolution input gradients are right.</summary>
    public const int SafeOutputChannelMultiple = 16;

    /// <summary>Whether libtorch will use oneDNN kernels.</summary>
    public static bool IsEnabled => UserEnabledMkldnn(GlobalContext());

    /// <summary>Turns oneDNN on or off and checks that libtorch took it.</summary>
    /// <exception cref="InvalidOperationException">libtorch reports the other setting.</exception>
    public static void Set(bool enabled)
    {
        torch.InitializeDeviceType(DeviceType.CPU); // loads libtorch_cpu.so
        var context = GlobalContext();
        SetUserEnabledMkldnn(context, enabled);
        if (UserEnabledMkldnn(context) != enabled) throw new InvalidOperationException($"libtorch did not turn oneDNN {(enabled ? "on" : "off")}");
    }

    /// <summary>Sets oneDNN for a block and restores the previous setting when disposed.</summary>
    public static IDisposable Scope(bool enabled)
    {
        bool previous = IsEnabled;
        Set(enabled);
        return new Restore(previous);
    }

    /// <summary>Whether <paramref name="module"/> has a convolution whose input gradient oneDNN gets wrong.</summary>
    public static bool HasFlawedConvolutions(nn.Module module) =>
        module.parameters().Any(p => p.dim() == 4 && p.shape[2] * p.shape[3] > 1 && p.shape[0] % SafeOutputChannelMultiple != 0);

    private sealed class Restore(bool previous) : IDisposable
    {
        public void Dispose() => Set(previous);
    }

    [LibraryImport(TorchCpu, EntryPoint = "_ZN2at13globalContextEv")]
    private static partial IntPtr GlobalContext();

    [LibraryImport(TorchCpu, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static partial void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [LibraryImport(TorchCpu, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool UserEnabledMkldnn(IntPtr context);
}
