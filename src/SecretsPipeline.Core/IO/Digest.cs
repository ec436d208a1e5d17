using System.Security.Cryptography;

namespace SecretsPipeline.Core.IO;

/// <summary>Content digests as written in locks: <c>sha256:&lt;hex&gt;</c>.</summary>
public static class Digest
{
    public static string Sha256(ReadOnlySpan<byte> content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}
