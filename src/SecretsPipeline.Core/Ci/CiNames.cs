using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Resolve;

namespace SecretsPipeline.Core.Ci;

/// <summary>Checks shared by the hosts: names a variable may have, values a variable can hold, step outputs that exist.</summary>
internal static class CiNames
{
    public static void CheckName(string host, string name, IReadOnlyList<string> reservedPrefixes)
    {
        var valid = name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
        if (!valid)
        {
            throw new SecretsPipelineException(Codes.CiBadName, $"'{Printable(name)}' is not a valid variable name for {host}; use letters, digits and '_' (not starting with a digit) in secrets.yaml.");
        }

        foreach (var prefix in reservedPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                throw new SecretsPipelineException(Codes.CiBadName, $"'{name}' starts with '{prefix}', which {host} reserves for its own variables; rename the entry in secrets.yaml.");
            }
        }
    }

    public static void CheckStepOutputs(IReadOnlyList<ResolvedOutput> outputs, IReadOnlyList<string> stepOutputs)
    {
        foreach (var name in stepOutputs)
        {
            if (!outputs.Any(o => o.Name == name))
            {
                throw new SecretsPipelineException(Codes.CiUnknownOutput, $"'{Printable(name)}' is not an output of this resolve; step outputs must name resolved variables ({string.Join(", ", outputs.Select(o => o.Name))}).");
            }
        }
    }

    // A bad name comes from the user's input, not from a store; still keep control characters out of our messages.
    private static string Printable(string name) => new(name.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
