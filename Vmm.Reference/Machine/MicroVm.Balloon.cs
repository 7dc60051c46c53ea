using Vmm.Virtio.Balloon;

namespace Vmm.Reference.Machine;

/// <summary>The virtio-balloon side of <see cref="MicroVm"/>: the device, its progress in the log, the guest's statistics at exit.</summary>
internal sealed partial class MicroVm
{
    private VirtioBalloon? _balloon;

    /// <summary>Attaches a virtio-balloon device when the configuration asks for one (its statistics timer runs on the device event loop).</summary>
    private void CreateBalloon()
    {
        if (_config.Balloon is not { } config)
        {
            return;
        }

        var options = config.ToOptions();
        _balloon = new VirtioBalloon(options, options.StatisticsInterval > TimeSpan.Zero ? DeviceEvents : null);
        _balloon.ActualPagesChanged += OnBalloonActualPagesChanged;
        Attach("balloon", _balloon);
    }

    /// <summary>Runs on the vCPU thread that wrote actual: only logging.</summary>
    private void OnBalloonActualPagesChanged(object? sender, EventArgs e)
    {
        var balloon = (VirtioBalloon)sender!;
        uint actual = balloon.ActualPages;
        uint target = balloon.TargetPages;
        Log.Debug("balloon", $"the guest reports {actual} pages in the balloon (target {target})");
        if (actual == target && target != 0)
        {
            Log.Info("balloon", $"the guest inflated the balloon to its target: {MiB((ulong)target * VirtioBalloon.PageSize)} MiB, {balloon.InflatedPages} pages given back to the host");
        }
    }

    private void ReportBalloonStatistics()
    {
        if (_balloon?.Statistics is { } statistics)
        {
            Log.Info("stats", $"virtio-balloon guest statistics ({statistics.UpdateCount} reports): {statistics}");
        }
    }
}
