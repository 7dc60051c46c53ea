namespace Vmm.Kvm.Tests.Support;

internal static class KvmRequirement
{
    /// <summary>Skips the calling test when /dev/kvm is absent.</summary>
    public static void Require()
    {
        if (!File.Exists("/dev/kvm"))
        {
            Assert.Skip("/dev/kvm is not present on this machine; KVM integration tests need it.");
        }
    }
}
