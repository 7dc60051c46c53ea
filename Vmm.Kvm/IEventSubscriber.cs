namespace Vmm.Kvm;

/// <summary>Receives the events of a descriptor registered with an <see cref="EventLoop"/>; called on the loop's thread.</summary>
public interface IEventSubscriber
{
    /// <summary>The descriptor is ready.</summary>
    /// <param name="events">The ready events.</param>
    void OnEvent(EventKinds events);
}
