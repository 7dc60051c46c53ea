using System.Security.Cryptography;

namespace Vmm.Virtio.Entropy;

/// <summary>
/// virtio-rng: fills every device-writable buffer the driver posts with bytes from the operating system's
/// cryptographic random number generator, written straight into guest memory. One queue, no features, no configuration.
/// </summary>
public sealed class VirtioRng : VirtioDevice
{
    /// <summary>Creates an entropy device that answers at most <paramref name="maxBytesPerRequest"/> bytes per request.</summary>
    public VirtioRng(int maxBytesPerRequest = 64 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytesPerRequest);
        MaxBytesPerRequest = maxBytesPerRequest;
    }

    /// <summary>The most bytes written into one request (bounds the work a request can cause).</summary>
    public int MaxBytesPerRequest { get; }

    /// <inheritdoc/>
    public override VirtioDeviceType DeviceType => VirtioDeviceType.Entropy;

    /// <inheritdoc/>
    public override int QueueCount => 1;

    /// <inheritdoc/>
    public override int ConfigSize => 0;

    /// <inheritdoc/>
    protected override ulong DeviceFeatures => 0;

    /// <inheritdoc/>
    protected internal override void ProcessQueue(int queueIndex) => ProcessChains(queueIndex);

    /// <inheritdoc/>
    protected override uint HandleChain(int queueIndex, in DescriptorChain chain)
    {
        var writer = chain.CreateWriter();
        int budget = MaxBytesPerRequest;
        while (budget > 0 && writer.TryGetNextWritableSpan(budget, out var span))
        {
            FillFromKernel(span);
            budget -= span.Length;
        }

        return writer.BytesWritten;
    }

    /// <summary>
    /// Fills <paramref name="buffer"/> from the kernel's CSPRNG with getrandom(2) (blocking only until the pool is first
    /// initialised). RandomNumberGenerator would load OpenSSL into the VMM: ~3 MiB of resident memory for the same bytes.
    /// </summary>
    private static unsafe void FillFromKernel(Span<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            int done = 0;
            while (done < buffer.Length)
            {
                nint n = Interop.Libc.GetRandom(start + done, (nuint)(buffer.Length - done), 0);
                if (n < 0)
                {
                    int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                    if (errno == Interop.Libc.EINTR)
                    {
                        continue;
                    }

                    // No kernel CSPRNG (ancient kernel or seccomp): the managed one is as good, just heavier.
                    RandomNumberGenerator.Fill(buffer[done..]);
                    return;
                }

                done += (int)n;
            }
        }
    }
}
