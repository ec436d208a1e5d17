using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace SecretsPipeline.MSBuild.Tests.EndToEnd;

/// <summary>Reads <c>[assembly: AssemblyMetadata(key, value)]</c> from a built assembly without loading it.</summary>
public static class AssemblyMetadata
{
    public static IReadOnlyDictionary<string, string?> Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
            {
                continue;
            }

            var parent = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
            if (parent.Kind != HandleKind.TypeReference || !reader.StringComparer.Equals(reader.GetTypeReference((TypeReferenceHandle)parent).Name, "AssemblyMetadataAttribute"))
            {
                continue;
            }

            // The blob of a (string, string) constructor: the 0x0001 prolog, then two serialized strings.
            var blob = reader.GetBlobReader(attribute.Value);
            blob.ReadUInt16();
            var key = blob.ReadSerializedString()!;
            values[key] = blob.ReadSerializedString();
        }

        return values;
    }
}
