using System.Globalization;

namespace Vmm.Loader.Acpi;

/// <summary>The Differentiated System Description Table: <c>\_S5_</c>, COM1 and the virtio-mmio devices under <c>\_SB_</c>.</summary>
internal static class Dsdt
{
    /// <summary>Revision 2: AML integers are 64 bits wide.</summary>
    public const byte Revision = 2;

    public const string VirtioMmioHardwareId = "LNRO0005";

    public static byte[] Build(AcpiConfiguration configuration)
    {
        var aml = new AmlBuilder();
        aml.Scope("\\_SB_", sb =>
        {
            if (configuration.Com1)
            {
                sb.Device("COM1", d => d
                    .Name("_HID", v => v.EisaId("PNP0501"))
                    .Name("_UID", 1)
                    .Name("_CRS", v => v.ResourceTemplate(r => r
                        .Io(0x3f8, 0x3f8, 1, 8)
                        .IrqNoFlags(4))));
            }

            for (int i = 0; i < configuration.VirtioDevices.Count; i++)
            {
                var device = configuration.VirtioDevices[i];
                sb.Device(DeviceName(i), d => d
                    .Name("_HID", VirtioMmioHardwareId)
                    .Name("_UID", (ulong)i)
                    .Name("_CRS", v => v.ResourceTemplate(r => r
                        .Memory32Fixed(readWrite: true, (uint)device.BaseAddress, (uint)device.Size)
                        .Interrupt(consumer: true, edgeTriggered: true, activeLow: false, shared: false, device.Irq))));
            }
        });
        aml.Name("\\_S5_", p => p.Package(configuration.S5SleepType, 0, 0, 0));
        return SystemDescriptionTable.Create("DSDT", Revision, aml.ToArray());
    }

    /// <summary>The device name for virtio-mmio device <paramref name="index"/>: V000, V001, … (hex).</summary>
    public static string DeviceName(int index) => "V" + index.ToString("X3", CultureInfo.InvariantCulture);
}
