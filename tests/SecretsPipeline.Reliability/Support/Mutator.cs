using System.Text;

namespace SecretsPipeline.Reliability.Support;

/// <summary>
/// Random but seeded edits of valid inputs, the way a property-based fuzzer shrinks and grows them: byte flips, inserted
/// and deleted runs, duplicated and swapped lines, splices of interesting tokens, truncation, and repetition.
/// </summary>
public static class Mutator
{
    private static readonly string[] _tokens =
    [
        "\0", "\t", "\r", "\n", "\r\n", " ", ":", "::", "#", "${", "}", "${env}", "${nope}", "{", "[", "]", "\"", "'", "\\", "&a", "*a", "!!binary", "!tag",
        "---", "...", "|", ">", "-", "? ", "%YAML 1.2", "%TAG ! x", "~", "null", "true", "1e999", "-1", "0x10", "9223372036854775808", "NaN", ".inf",
        "\uFEFF", "\uD800", "\u2028", "é", "😀", "<<: *a", "&a [*a, *a, *a]", "ref", "dynamic", "ttl", "store", "stores", "environments", "secrets",
        "version", "type", "local", "vault", "mount", "fields", "max_ttl", "1h", "0s", "-5m", "99999999h", "signatures", "lock_version", "value", "key_id",
    ];

    public static string Text(Random random, string seed)
    {
        var text = new StringBuilder(seed);
        var edits = 1 + random.Next(random.Next(2) == 0 ? 3 : 12);
        for (var i = 0; i < edits; i++)
        {
            var at = text.Length == 0 ? 0 : random.Next(text.Length + 1);
            switch (random.Next(9))
            {
                case 0:
                    text.Insert(at, _tokens[random.Next(_tokens.Length)]);
                    break;
                case 1:
                    text.Remove(Math.Min(at, text.Length), Math.Min(text.Length - Math.Min(at, text.Length), 1 + random.Next(12)));
                    break;
                case 2 when text.Length > 0:
                    text[Math.Min(at, text.Length - 1)] = (char)random.Next(0, 128);
                    break;
                case 3:
                    text.Insert(at, (char)random.Next(0x20, 0x3000));
                    break;
                case 4:
                    {
                        var lines = text.ToString().Split('\n').ToList();
                        var line = random.Next(lines.Count);
                        lines.Insert(random.Next(lines.Count + 1), lines[line]);
                        text.Clear().Append(string.Join('\n', lines));
                        break;
                    }

                case 5:
                    {
                        var lines = text.ToString().Split('\n');
                        var (a, b) = (random.Next(lines.Length), random.Next(lines.Length));
                        (lines[a], lines[b]) = (lines[b], lines[a]);
                        text.Clear().Append(string.Join('\n', lines));
                        break;
                    }

                case 6:
                    text.Length = Math.Min(at, text.Length);
                    break;
                case 7:
                    text.Insert(at, new string(' ', random.Next(1, 9)));
                    break;
                default:
                    text.Insert(at, string.Concat(Enumerable.Repeat(_tokens[random.Next(_tokens.Length)], random.Next(2, 200))));
                    break;
            }
        }

        return text.ToString();
    }

    public static byte[] Bytes(Random random, byte[] seed)
    {
        if (random.Next(4) == 0)
        {
            var bytes = (byte[])seed.Clone();
            for (var i = random.Next(1, 8); i > 0 && bytes.Length > 0; i--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            return bytes;
        }

        return Encoding.UTF8.GetBytes(Text(random, Encoding.UTF8.GetString(seed)));
    }
}
