using System.Globalization;

namespace Vmm.Loader.Acpi;

/// <summary>The Differentiated System Description Table: <c>\_S5_</c>, COM1 and the configured devices under <c>\_SB_</c>.</summary>
internal static class Dsdt
{
    /// <summary>Revision 2: AML integers are 64 bits wide.</summary>
    public const byte Revision = 2;

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

            foreach (var device in configuration.Devices)
            {
                sb.Device(DeviceName(device), d =>
                {
                    if (device.HardwareIdIsEisa)
                    {
                        d.Name("_HID", v => v.EisaId(device.HardwareId));
                    }
                    else
                    {
                        d.Name("_HID", device.HardwareId);
                    }

                    d.Name("_UID", (ulong)device.UniqueId)
                     .Name("_CRS", v => v.ResourceTemplate(r =>
                     {
                         foreach (var window in device.MemoryWindows)
                         {
                             r.Memory32Fixed(readWrite: true, (uint)window.BaseAddress, (uint)window.Size);
                         }

                         foreach (uint irq in device.Interrupts)
                         {
                             r.Interrupt(consumer: true, edgeTriggered: true, activeLow: false, shared: false, irq);
                         }
                     }));
                });
            }
        });
        aml.Name("\\_S5_", p => p.Package(configuration.S5SleepType, 0, 0, 0));
        return SystemDescriptionTable.Create("DSDT", Revision, aml.ToArray());
    }

    /// <summary>The device's ACPI name: its prefix and its unique id in three hex digits (V000, V001, …).</summary>
    public static string DeviceName(AcpiDevice device) => device.NamePrefix + device.UniqueId.ToString("X3", CultureInfo.InvariantCulture);
}
