using System.Runtime.InteropServices;

namespace ClipLit.Trainer.Training;

/// <summary>
/// Turns off libtorch's oneDNN (MKL-DNN) CPU kernels for the whole process. With libtorch 2.10 on
/// this project's CPUs, the first oneDNN backward pass through a convolution whose weights are
/// frozen (CLIP's ResNet in the reconstruction loss) can read uninitialized memory: the input
/// gradient comes back NaN, or silently wrong, depending on what that memory held before. With
/// oneDNN off, ATen's own convolutions are used and the gradients agree with finite differences.
/// TorchSharp exposes no switch, so this calls at::Context::setUserEnabledMkldnn directly.
/// </summary>
public static partial class OneDnnSwitch
{
    private const string TorchCpu = "libtorch_cpu.so";

    /// <summary>Disables oneDNN and checks that libtorch took it.</summary>
    /// <exception cref="InvalidOperationException">libtorch still reports oneDNN enabled.</exception>
    public static void Disable()
    {
        TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU); // loads libtorch_cpu.so
        var context = GlobalContext();
        SetUserEnabledMkldnn(context, false);
        if (UserEnabledMkldnn(context)) throw new InvalidOperationException("libtorch did not turn oneDNN off");
    }

    /// <summary>Turns oneDNN back on (only the benchmark does, to show what switching it off costs).</summary>
    public static void Enable() => SetUserEnabledMkldnn(GlobalContext(), true);

    /// <summary>Whether libtorch will use oneDNN kernels.</summary>
    public static bool IsEnabled => UserEnabledMkldnn(GlobalContext());

    [LibraryImport(TorchCpu, EntryPoint = "_ZN2at13globalContextEv")]
    private static partial IntPtr GlobalContext();

    [LibraryImport(TorchCpu, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static partial void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [LibraryImport(TorchCpu, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool UserEnabledMkldnn(IntPtr context);
}
