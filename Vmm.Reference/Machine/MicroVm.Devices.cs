using Vmm.Memory;

namespace Vmm.Reference.Machine;

/// <summary>The device side of <see cref="MicroVm"/>: platform devices, virtio devices and firmware tables.</summary>
internal sealed partial class MicroVm
{
    private void CreatePlatformDevices()
    {
    }

    private List<string> CreateVirtioDevices(InputFiles inputs)
    {
        _ = inputs;
        return [];
    }

    private GuestAddress? WriteFirmwareTables() => null;

    private void StartConsoleInput()
    {
        if (_uart is not null && _config.Console == Configuration.ConsoleMode.Serial)
        {
            _ = _uart.PumpInputAsync(_console.Input.Reader);
        }
    }

    private void FlushDevices()
    {
    }

    private void ReportDeviceCounters()
    {
    }
}
