namespace Vmm.Loader;

/// <summary>A GDTR or IDTR value: the table's guest-physical base and its limit (size − 1).</summary>
/// <param name="Base">Guest-physical base (identity-mapped at boot).</param>
/// <param name="Limit">Size in bytes minus 1.</param>
public readonly record struct DescriptorTableRegister(ulong Base, ushort Limit);
