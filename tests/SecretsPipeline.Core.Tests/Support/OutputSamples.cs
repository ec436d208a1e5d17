using SecretsPipeline.Core.Resolve;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Core.Tests.Support;

/// <summary>Values that try to break out of an output format.</summary>
public static class OutputSamples
{
    public static TheoryData<string> HostileValues =>
    [
        "plain",
        string.Empty,
        "line1\nINJECTED=1",
        "line1\nexport INJECTED=1",
        "\r\nINJECTED=1",
        "cr only\rINJECTED=1",
        "trailing newline\n",
        "\n",
        "double \" quote\"\nINJECTED=\"1",
        "single ' quote'\nINJECTED='1",
        "''",
        "'\\''",
        "dollar $HOME ${HOME} $(touch pwned) `touch pwned` $((1+1))",
        "back\\slash\\n is not a newline",
        "\\",
        "trailing backslash \\",
        "\\\"\nINJECTED=1",
        "::set-output name=INJECTED::1\n::add-mask::x",
        "##vso[task.setvariable variable=INJECTED]1\n##vso[task.setvariable variable=INJECTED]1",
        "%0AINJECTED=1%0D%25",
        "EOF\nINJECTED=1\nEOF",
        "ghadelimiter_123\nINJECTED=1",
        "tab\tseparated",
        "ünïcødé ✓ 🔑",
        "\u2028line separator\u2029\u0085nel\fff\vvt",
        "; export INJECTED=1; #",
        "a=b c=d",
        "%AZP25 %AZP250A literal escapes %5D%3B",
        "];issecret=false]##vso[task.setvariable variable=INJECTED]1",
        "NAME<<ghadelimiter_0\nINJECTED<<X\n1\nX",
    ];

    public static SecretValue Value(string value) => new(value, new SecretVersionInfo("1", DateTimeOffset.UnixEpoch));

    /// <summary>The value under test between two ordinary outputs, so a break-out would disturb its neighbours.</summary>
    public static ResolvedOutput[] Around(string value) =>
    [
        new("BEFORE", "BEFORE", Value("before")),
        new("NAME", "NAME", Value(value)),
        new("AFTER", "AFTER", Value("after")),
    ];
}
