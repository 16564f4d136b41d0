namespace ClipLit.Bench.Measurement;

/// <summary>
/// One picture enhanced one way, against a reference enhancement of it.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Psnr">PSNR over RGB, dB (infinity: identical).</param>
/// <param name="EdgePsnr">PSNR within 4 px of strong edges of the input, dB.</param>
/// <param name="Ssim">SSIM of luma.</param>
public sealed record StillScores(double Psnr, double EdgePsnr, double Ssim);
