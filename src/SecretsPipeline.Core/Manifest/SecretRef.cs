using System.Diagnostics.CodeAnalysis;

namespace SecretsPipeline.Core.Manifest;

/// <summary>
/// A resolved reference to one value in a store: <c>&lt;mount&gt;/&lt;path&gt;#&lt;key&gt;</c>. For Vault KV v2 the
/// version belongs to <c>mount/path</c>; for stores that version each value the whole reference is the unit.
/// </summary>
public sealed record SecretRef(string Mount, string Path, string Key)
{
    public string FullPath => $"{Mount}/{Path}";

    public override string ToString() => $"{Mount}/{Path}#{Key}";

    /// <summary>Parses <c>mount/path#key</c>; <paramref name="mount"/> overrides the first-segment rule when the mount itself has slashes.</summary>
    public static bool TryParse(string text, string? mount, [NotNullWhen(true)] out SecretRef? result, out string problem)
    {
        result = null;
        var hash = text.LastIndexOf('#');
        if (hash < 0)
        {
            problem = "it has no '#<key>' part";
            return false;
        }

        var location = text[..hash];
        var key = text[(hash + 1)..];
        if (key.Length == 0 || key.Contains('/'))
        {
            problem = "the part after '#' must be a key name";
            return false;
        }

        if (location.StartsWith('/') || location.EndsWith('/') || location.Contains("//") || location.Contains(' '))
        {
            problem = "the path must not start or end with '/', contain '//' or spaces";
            return false;
        }

        string mountPart, pathPart;
        if (!string.IsNullOrEmpty(mount))
        {
            var prefix = mount.Trim('/') + "/";
            if (!location.StartsWith(prefix, StringComparison.Ordinal))
            {
                problem = $"it does not start with its mount '{mount.Trim('/')}/'";
                return false;
            }

            mountPart = mount.Trim('/');
            pathPart = location[prefix.Length..];
        }
        else
        {
            var slash = location.IndexOf('/');
            if (slash < 0)
            {
                problem = "it has a mount but no path after it";
                return false;
            }

            mountPart = location[..slash];
            pathPart = location[(slash + 1)..];
        }

        if (pathPart.Length == 0)
        {
            problem = "it has a mount but no path after it";
            return false;
        }

        result = new SecretRef(mountPart, pathPart, key);
        problem = string.Empty;
        return true;
    }
}
