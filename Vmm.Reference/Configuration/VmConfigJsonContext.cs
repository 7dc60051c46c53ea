using System.Text.Json.Serialization;

namespace Vmm.Reference.Configuration;

/// <summary>Source-generated JSON metadata (NativeAOT has no reflection-based serialization).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(VmConfigFile))]
internal sealed partial class VmConfigJsonContext : JsonSerializerContext
{
}
