using System.Runtime.InteropServices;

namespace Vmm.Devices;

/// <summary>
/// The VMM's device event loop as a device sees it: a device that must be woken by the host — a tap that received a
/// frame, a socket that became readable, a periodic timer — registers here instead of running its own thread.
/// </summary>
/// <remarks>
/// <para>Callbacks run on the event-loop thread, one at a time, the same thread that services queue notifications;
/// they must not block (read/write non-blocking descriptors, hand slow work elsewhere). A virtio device takes its
/// queue lock inside the callback before touching its queues.</para>
/// <para>Registration and disposal may happen from any thread. After a registration is disposed its callback is not
/// called again once the current dispatch, if any, returns. Dispatch does not allocate: the callback is captured once,
/// at registration.</para>
/// <para>The reference VMM implements this over Vmm.Kvm's epoll loop and timerfds; tests can implement it over anything
/// that calls the callbacks on one thread.</para>
/// </remarks>
public interface IDeviceEventLoop
{
    /// <summary>Calls <paramref name="callback"/> with the ready events whenever <paramref name="handle"/> is ready for <paramref name="events"/> (level-triggered).</summary>
    /// <param name="handle">The descriptor; kept open while registered. Each descriptor can be registered once.</param>
    /// <param name="events">The events of interest (<see cref="DeviceEvents.Error"/> and <see cref="DeviceEvents.HangUp"/> are always reported).</param>
    /// <param name="callback">Called on the event-loop thread.</param>
    /// <returns>The registration: change the events with it, dispose it to stop watching.</returns>
    IDeviceEventRegistration Watch(SafeHandle handle, DeviceEvents events, Action<DeviceEvents> callback);

    /// <summary>Creates a timer whose expirations call <paramref name="callback"/> on the event-loop thread. It starts disarmed.</summary>
    /// <param name="callback">Called once per expiry batch (expirations missed while the loop was busy are coalesced).</param>
    IDeviceTimer CreateTimer(Action callback);
}
