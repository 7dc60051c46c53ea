using System.Buffers.Binary;
using Vmm.Memory;
using Vmm.Reference.Interop;

namespace Vmm.Reference.Machine;

/// <summary>
/// Hands the guest kernel 32 bytes from the host's CSPRNG as a <c>SETUP_RNG_SEED</c> setup_data entry
/// (boot protocol 2.09+), chained into the zero page, as QEMU and other bootloaders do: the guest's CRNG
/// can be ready at once instead of waiting for entropy.
/// </summary>
internal static class RngSeed
{
    /// <summary>Just past the kernel command line area (0x20000 + 64 KiB), below the kernel at 1 MiB.</summary>
    public static readonly GuestAddress Address = new(0x30000);

    private const int SetupRngSeed = 9;
    private const int SeedLength = 32;
    private const int SetupDataPointerOffset = 0x250; // boot_params.hdr.setup_data

    public static unsafe void Write(GuestMemory memory, GuestAddress zeroPage)
    {
        Span<byte> entry = stackalloc byte[16 + SeedLength];
        var pointerAddress = zeroPage.Add(SetupDataPointerOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(entry, memory.Read<ulong>(pointerAddress)); // next: whatever was chained
        BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], SetupRngSeed);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[12..], SeedLength);
        fixed (byte* seed = entry[16..])
        {
            if (HostLibc.GetRandom(seed, SeedLength, 0) != SeedLength)
            {
                return; // no seed is better than a weak one; the guest gathers entropy itself
            }
        }

        memory.Write(Address, entry);
        memory.Write(pointerAddress, Address.Value);
        entry.Clear();
    }
}
