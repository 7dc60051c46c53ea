using System.Buffers.Binary;
using Vmm.Devices;

namespace Vmm.Virtio.Testing;

/// <summary>
/// Drives a virtio-mmio device through the register sequence Linux's virtio_mmio driver uses at probe: magic, version,
/// device and vendor IDs; reset; ACKNOWLEDGE; DRIVER; device features (select 0 and 1); driver features; FEATURES_OK and
/// a re-read of the status; per queue: select, QueueNumMax, QueueReady must read 0, QueueNum, the three ring addresses,
/// QueueReady = 1; then DRIVER_OK.
/// </summary>
public sealed class SimulatedMmioDriver
{
    private readonly IMmioDevice _device;

    /// <summary>Drives <paramref name="device"/>.</summary>
    public SimulatedMmioDriver(IMmioDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = device;
    }

    /// <summary>Reads a 32-bit register.</summary>
    public uint Read(int offset)
    {
        Span<byte> data = stackalloc byte[4];
        _device.Read((ulong)offset, data);
        return BinaryPrimitives.ReadUInt32LittleEndian(data);
    }

    /// <summary>Writes a 32-bit register.</summary>
    public void Write(int offset, uint value)
    {
        Span<byte> data = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(data, value);
        _device.Write((ulong)offset, data);
    }

    /// <summary>
    /// Probe and feature negotiation: checks the identity registers, resets, acknowledges, accepts
    /// <paramref name="wanted"/> ∩ offered, sets FEATURES_OK and returns whether the device kept it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The identity registers are wrong.</exception>
    public bool Negotiate(ulong wanted, out ulong accepted)
    {
        if (Read(VirtioMmioRegister.MagicValue) != VirtioMmioTransport.Magic || Read(VirtioMmioRegister.Version) != 2 || Read(VirtioMmioRegister.DeviceId) == 0)
        {
            throw new InvalidOperationException("Not a virtio-mmio version 2 device.");
        }

        _ = Read(VirtioMmioRegister.VendorId);
        Write(VirtioMmioRegister.Status, 0);
        Write(VirtioMmioRegister.Status, (uint)DeviceStatus.Acknowledge);
        Write(VirtioMmioRegister.Status, (uint)(DeviceStatus.Acknowledge | DeviceStatus.Driver));
        Write(VirtioMmioRegister.DeviceFeaturesSel, 1);
        ulong offered = (ulong)Read(VirtioMmioRegister.DeviceFeatures) << 32;
        Write(VirtioMmioRegister.DeviceFeaturesSel, 0);
        offered |= Read(VirtioMmioRegister.DeviceFeatures);
        accepted = offered & wanted;
        Write(VirtioMmioRegister.DriverFeaturesSel, 1);
        Write(VirtioMmioRegister.DriverFeatures, (uint)(accepted >> 32));
        Write(VirtioMmioRegister.DriverFeaturesSel, 0);
        Write(VirtioMmioRegister.DriverFeatures, (uint)accepted);
        Write(VirtioMmioRegister.Status, (uint)(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk));
        return (Read(VirtioMmioRegister.Status) & (uint)DeviceStatus.FeaturesOk) != 0;
    }

    /// <summary>Sets up queue <paramref name="index"/> on <paramref name="queue"/>'s rings; returns whether QueueReady reads back 1.</summary>
    public bool SetUpQueue(int index, SimulatedDriverQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        Write(VirtioMmioRegister.QueueSel, (uint)index);
        uint max = Read(VirtioMmioRegister.QueueNumMax);
        if (max == 0 || Read(VirtioMmioRegister.QueueReady) != 0 || queue.Size > max)
        {
            return false;
        }

        Write(VirtioMmioRegister.QueueNum, queue.Size);
        Write(VirtioMmioRegister.QueueDescLow, (uint)queue.DescriptorTable.Value);
        Write(VirtioMmioRegister.QueueDescHigh, (uint)(queue.DescriptorTable.Value >> 32));
        Write(VirtioMmioRegister.QueueDriverLow, (uint)queue.AvailRing.Value);
        Write(VirtioMmioRegister.QueueDriverHigh, (uint)(queue.AvailRing.Value >> 32));
        Write(VirtioMmioRegister.QueueDeviceLow, (uint)queue.UsedRing.Value);
        Write(VirtioMmioRegister.QueueDeviceHigh, (uint)(queue.UsedRing.Value >> 32));
        Write(VirtioMmioRegister.QueueReady, 1);
        return Read(VirtioMmioRegister.QueueReady) == 1;
    }

    /// <summary>Sets DRIVER_OK and returns the status read back.</summary>
    public DeviceStatus DriverOk()
    {
        Write(VirtioMmioRegister.Status, (uint)(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.DriverOk));
        return (DeviceStatus)Read(VirtioMmioRegister.Status);
    }

    /// <summary>Notifies queue <paramref name="index"/> through the QueueNotify register.</summary>
    public void Notify(int index) => Write(VirtioMmioRegister.QueueNotify, (uint)index);

    /// <summary>Reads and acknowledges the interrupt status, as the driver's interrupt handler does.</summary>
    public VirtioInterrupt AcknowledgeInterrupts()
    {
        uint status = Read(VirtioMmioRegister.InterruptStatus);
        Write(VirtioMmioRegister.InterruptAck, status);
        return (VirtioInterrupt)status;
    }
}
