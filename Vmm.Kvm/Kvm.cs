using System.Runtime.InteropServices;
using Vmm.Kvm.Interop;

namespace Vmm.Kvm;

/// <summary>The KVM system handle (<c>/dev/kvm</c>): API version, capabilities, CPUID and MSR lists, VM creation.</summary>
public sealed unsafe class Kvm : IDisposable
{
    /// <summary>The only KVM API version this package speaks.</summary>
    public const int ExpectedApiVersion = 12;

    /// <summary>The default device path.</summary>
    public const string DefaultPath = "/dev/kvm";

    private Kvm(FileDescriptorHandle handle)
    {
        Handle = handle;
    }

    /// <summary>The open <c>/dev/kvm</c> descriptor.</summary>
    public FileDescriptorHandle Handle { get; }

    /// <summary>Whether a KVM device exists at <paramref name="path"/>.</summary>
    /// <param name="path">Device path.</param>
    /// <returns>True when the device node exists.</returns>
    public static bool IsAvailable(string path = DefaultPath) => File.Exists(path);

    /// <summary>Opens <c>/dev/kvm</c> and checks the API version.</summary>
    /// <param name="path">Device path.</param>
    /// <returns>The system handle.</returns>
    /// <exception cref="KvmException">The device cannot be opened or the API version is not 12.</exception>
    public static Kvm Open(string path = DefaultPath)
    {
        var fd = Libc.Open(path, Libc.O_RDWR | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            throw new KvmException($"open({path})", Marshal.GetLastPInvokeError());
        }

        var handle = new FileDescriptorHandle(fd, ownsHandle: true);
        var kvm = new Kvm(handle);
        var version = kvm.ApiVersion;
        if (version != ExpectedApiVersion)
        {
            handle.Dispose();
            throw new KvmException($"KVM API version {version}, expected {ExpectedApiVersion}");
        }

        return kvm;
    }

    /// <summary>KVM_GET_API_VERSION.</summary>
    public int ApiVersion => Sys.IoctlValue(Handle, KvmIoctls.GetApiVersion, 0, "KVM_GET_API_VERSION");

    /// <summary>KVM_GET_VCPU_MMAP_SIZE: the size of the shared run area.</summary>
    public int VcpuMmapSize => Sys.IoctlValue(Handle, KvmIoctls.GetVcpuMmapSize, 0, "KVM_GET_VCPU_MMAP_SIZE");

    /// <summary>KVM_CHECK_EXTENSION on the system handle.</summary>
    /// <param name="capability">The capability.</param>
    /// <returns>0 when unsupported; otherwise 1 or a capability-specific integer.</returns>
    public int CheckExtension(Capability capability) =>
        Sys.IoctlValue(Handle, KvmIoctls.CheckExtension, (nint)capability, "KVM_CHECK_EXTENSION");

    /// <summary>Whether <paramref name="capability"/> is supported (non-zero).</summary>
    /// <param name="capability">The capability.</param>
    /// <returns>True when supported.</returns>
    public bool HasCapability(Capability capability) => CheckExtension(capability) > 0;

    /// <summary>KVM_GET_SUPPORTED_CPUID.</summary>
    /// <returns>The CPUID leaves KVM can expose.</returns>
    public CpuidEntries GetSupportedCpuid() => GetCpuid(KvmIoctls.GetSupportedCpuid, "KVM_GET_SUPPORTED_CPUID");

    /// <summary>KVM_GET_EMULATED_CPUID.</summary>
    /// <returns>The CPUID leaves KVM emulates.</returns>
    public CpuidEntries GetEmulatedCpuid() => GetCpuid(KvmIoctls.GetEmulatedCpuid, "KVM_GET_EMULATED_CPUID");

    /// <summary>KVM_GET_MSR_INDEX_LIST: the MSRs that KVM_GET_MSRS/KVM_SET_MSRS accept.</summary>
    /// <returns>MSR indices.</returns>
    public uint[] GetMsrIndexList()
    {
        const int max = 4096;
        var buffer = (byte*)NativeMemory.AllocZeroed((nuint)(sizeof(KvmMsrListHeader) + (max * sizeof(uint))));
        try
        {
            ((KvmMsrListHeader*)buffer)->Nmsrs = max;
            Sys.Ioctl(Handle, KvmIoctls.GetMsrIndexList, buffer, "KVM_GET_MSR_INDEX_LIST");
            var n = (int)((KvmMsrListHeader*)buffer)->Nmsrs;
            return new ReadOnlySpan<uint>(buffer + sizeof(KvmMsrListHeader), n).ToArray();
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }

    /// <summary>KVM_CREATE_VM (default machine type).</summary>
    /// <returns>The new VM.</returns>
    public VirtualMachine CreateVm()
    {
        var fd = Sys.IoctlValue(Handle, KvmIoctls.CreateVm, 0, "KVM_CREATE_VM");
        return new VirtualMachine(this, new FileDescriptorHandle(fd, ownsHandle: true));
    }

    /// <inheritdoc />
    public void Dispose() => Handle.Dispose();

    private CpuidEntries GetCpuid(uint request, string name)
    {
        var entries = new CpuidEntries(CpuidEntries.MaxEntries);
        entries.SetCountForKernel(CpuidEntries.MaxEntries);
        Sys.Ioctl(Handle, request, entries.Buffer, name);
        return entries;
    }
}
