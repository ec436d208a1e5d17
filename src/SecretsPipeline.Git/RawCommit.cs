using System.Globalization;
using System.Text;

namespace SecretsPipeline.Git;

/// <summary>
/// A commit object's author, date and short message, read from its bytes the way libgit2 and LibGit2Sharp read them
/// (not the way <c>git log</c> formats them, which re-encodes, applies mailmaps and joins lines differently), so both
/// history readers show the same text. Anything unusual is refused, and the caller falls back to libgit2 itself.
/// </summary>
internal static class RawCommit
{
    public static CommitSummary Parse(ReadOnlySpan<byte> commit)
    {
        // The headers end at the first empty line; the message is everything after it, less its leading newlines
        // (libgit2 stops at a NUL).
        var split = commit.IndexOf("\n\n"u8);
        var message = split < 0 ? [] : commit[(split + 2)..];
        var nul = message.IndexOf((byte)0);
        message = nul < 0 ? message : message[..nul];
        var start = 0;
        while (start < message.Length && message[start] == '\n')
        {
            start++;
        }

        var author = Author(split < 0 ? commit : commit[..(split + 1)], out var date);
        return new CommitSummary(author, date, Summary(message[start..]));
    }

    // "author Name <email> 1700000000 +0100": libgit2 takes the last '<' and '>', trims name and email, and keeps a
    // time zone only when its hours are at most 14 and its minutes at most 59 (else UTC).
    private static string Author(ReadOnlySpan<byte> headers, out DateTimeOffset date)
    {
        var line = headers;
        while (!line.StartsWith("author "u8))
        {
            var next = line.IndexOf((byte)'\n');
            line = next < 0 ? throw new InvalidDataException("a commit without an author line.") : line[(next + 1)..];
        }

        line = line["author "u8.Length..line.IndexOf((byte)'\n')];
        var emailStart = line.LastIndexOf((byte)'<');
        var emailEnd = line.LastIndexOf((byte)'>');
        if (emailStart < 0 || emailEnd <= emailStart || emailEnd + 2 >= line.Length || line[emailEnd + 1] != ' ')
        {
            throw new InvalidDataException("an author line libgit2 might read differently.");
        }

        var name = Text(line[..emailStart]);
        var email = Text(line[(emailStart + 1)..emailEnd]);
        var when = Encoding.ASCII.GetString(line[(emailEnd + 2)..]);
        var space = when.IndexOf(' ', StringComparison.Ordinal);
        var zone = space < 0 ? string.Empty : when[(space + 1)..];
        if (space < 0 || zone.Length != 5 || zone[0] is not ('+' or '-')
            || !long.TryParse(when.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !int.TryParse(zone.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var hhmm))
        {
            throw new InvalidDataException("an author date libgit2 might read differently.");
        }

        var (hours, minutes) = (hhmm / 100, hhmm % 100);
        var offset = hours <= 14 && minutes <= 59 ? ((hours * 60) + minutes) * (zone[0] == '-' ? -1 : 1) : 0;
        date = DateTimeOffset.FromUnixTimeSeconds(seconds).ToOffset(TimeSpan.FromMinutes(offset));
        return $"{name} <{email}>";
    }

    // libgit2 trims ASCII white space and stops at a NUL; LibGit2Sharp reads the bytes as UTF-8, invalid ones replaced.
    private static string Text(ReadOnlySpan<byte> field)
    {
        var nul = field.IndexOf((byte)0);
        field = nul < 0 ? field : field[..nul];
        var (start, end) = (0, field.Length);
        while (start < end && IsSpace(field[start]))
        {
            start++;
        }

        while (end > start && IsSpace(field[end - 1]))
        {
            end--;
        }

        return Encoding.UTF8.GetString(field[start..end]);
    }

    // LibGit2Sharp's MessageShort is libgit2's git_commit_summary: the first paragraph, each white-space run that holds a
    // newline collapsed to one space, others kept (leading ones too), trailing ones dropped. Bytes first, then UTF-8.
    private static string Summary(ReadOnlySpan<byte> message)
    {
        var summary = new byte[message.Length];
        var length = 0;
        var space = -1;
        var spaceHasNewline = false;
        for (var i = 0; i < message.Length; i++)
        {
            var c = message[i];
            if (c == '\n')
            {
                var next = i + 1;
                while (next < message.Length && message[next] != '\n' && IsSpace(message[next]))
                {
                    next++;
                }

                if (next == message.Length || message[next] == '\n')
                {
                    break;
                }
            }

            if (IsSpace(c))
            {
                if (space < 0)
                {
                    (space, spaceHasNewline) = (i, false);
                }

                spaceHasNewline |= c == '\n';
                continue;
            }

            if (space >= 0)
            {
                if (spaceHasNewline)
                {
                    summary[length++] = (byte)' ';
                }
                else
                {
                    message[space..i].CopyTo(summary.AsSpan(length));
                    length += i - space;
                }

                space = -1;
            }

            summary[length++] = c;
        }

        return Encoding.UTF8.GetString(summary, 0, length);
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';
}
