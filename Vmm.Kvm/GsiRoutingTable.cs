using System.Runtime.InteropServices;
using Vmm.Kvm.Interop;

namespace Vmm.Kvm;

/// <summary>A <c>kvm_irq_routing</c> table for KVM_SET_GSI_ROUTING: IRQ-chip and MSI routes, at most <see cref="MaxEntries"/>.</summary>
public sealed unsafe class GsiRoutingTable : IDisposable
{
    /// <summary>The kernel's limit (KVM_MAX_IRQ_ROUTES).</summary>
    public const int MaxEntries = 4096;

    internal const uint TypeIrqChip = 1;
    internal const uint TypeMsi = 2;
    internal const uint FlagMsiValidDevId = 1;

    private byte* _buffer;

    /// <summary>Creates an empty table.</summary>
    /// <param name="capacity">0..<see cref="MaxEntries"/>.</param>
    public GsiRoutingTable(int capacity = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxEntries);
        Capacity = capacity;
        _buffer = (byte*)NativeMemory.AllocZeroed((nuint)(sizeof(KvmIrqRoutingHeader) + (Math.Max(capacity, 1) * sizeof(KvmIrqRoutingEntry))));
    }

    /// <summary>Room for routes.</summary>
    public int Capacity { get; }

    /// <summary>Routes in use.</summary>
    public int Count => (int)Header->Nr;

    internal byte* Buffer => _buffer != null ? _buffer : throw new ObjectDisposedException(nameof(GsiRoutingTable));

    private KvmIrqRoutingHeader* Header => (KvmIrqRoutingHeader*)Buffer;

    private Span<KvmIrqRoutingEntry> RawEntries => new(Buffer + sizeof(KvmIrqRoutingHeader), Count);

    /// <summary>Routes <paramref name="gsi"/> to a pin of an in-kernel interrupt controller.</summary>
    /// <param name="gsi">Global system interrupt number.</param>
    /// <param name="chip">The controller.</param>
    /// <param name="pin">The pin (0..7 for a PIC, 0..23 for the IOAPIC).</param>
    public void AddIrqChip(uint gsi, IrqChip chip, uint pin)
    {
        var max = chip == IrqChip.IoApic ? 24u : 8u;
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(pin, max);
        ref var e = ref Append();
        e.Gsi = gsi;
        e.Type = TypeIrqChip;
        e.U0 = (uint)chip;
        e.U1 = pin;
    }

    /// <summary>Routes <paramref name="gsi"/> to an MSI message.</summary>
    /// <param name="gsi">Global system interrupt number.</param>
    /// <param name="address">MSI address (64-bit).</param>
    /// <param name="data">MSI data.</param>
    /// <param name="deviceId">Optional device id (sets KVM_MSI_VALID_DEVID).</param>
    public void AddMsi(uint gsi, ulong address, uint data, uint? deviceId = null)
    {
        ref var e = ref Append();
        e.Gsi = gsi;
        e.Type = TypeMsi;
        e.U0 = (uint)address;
        e.U1 = (uint)(address >> 32);
        e.U2 = data;
        if (deviceId is { } id)
        {
            e.Flags = FlagMsiValidDevId;
            e.U3 = id;
        }
    }

    /// <summary>Removes every route.</summary>
    public void Clear() => Header->Nr = 0;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_buffer != null)
        {
            NativeMemory.Free(_buffer);
            _buffer = null;
        }
    }

    internal KvmIrqRoutingEntry GetRaw(int i) => RawEntries[i];

    private ref KvmIrqRoutingEntry Append()
    {
        if (Count >= Capacity)
        {
            throw new InvalidOperationException($"GSI routing table full ({Capacity} routes)");
        }

        var n = Count;
        Header->Nr = (uint)(n + 1);
        ref var e = ref RawEntries[n];
        e = default;
        return ref e;
    }
}
