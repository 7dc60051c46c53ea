namespace Vmm.Kvm;

/// <summary>Adapts a delegate to <see cref="IEventSubscriber"/>.</summary>
internal sealed class ActionSubscriber(Action<EventKinds> callback) : IEventSubscriber
{
    public void OnEvent(EventKinds events) => callback(events);
}
