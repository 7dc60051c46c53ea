namespace Vmm.Reference.Tests;

/// <summary>The guest kernels and initramfs images that eng/setup.d prepares under .cache/.</summary>
internal static class GuestArtifacts
{
    public static string GuestDir => Path.Combine(VmmProcess.RepositoryRoot, ".cache", "guest");

    public static string DebianDir => Path.Combine(VmmProcess.RepositoryRoot, ".cache", "debian");

    public static string Vmlinux => Path.Combine(GuestDir, "vmlinux");

    public static string VmlinuxSmp => Path.Combine(GuestDir, "vmlinux-smp");

    public static string BzImage => Path.Combine(GuestDir, "bzImage");

    public static string TestInitramfs => Path.Combine(GuestDir, "initramfs-test.cpio");

    public static string DebianCloud => Path.Combine(DebianDir, "vmlinuz-cloud");

    public static string DebianGeneric => Path.Combine(DebianDir, "vmlinuz-generic");

    /// <summary>Skips the calling test when KVM or a file it needs is missing, saying which.</summary>
    public static void Require(params string[] paths)
    {
        if (!File.Exists("/dev/kvm"))
        {
            Assert.Skip("/dev/kvm is not available on this machine");
        }

        foreach (var path in paths)
        {
            if (!File.Exists(path))
            {
                Assert.Skip($"{path} is missing: run eng/setup.sh (./test.sh does) to build or fetch it");
            }
        }
    }
}
