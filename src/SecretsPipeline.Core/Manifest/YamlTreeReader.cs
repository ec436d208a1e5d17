using SecretsPipeline.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SecretsPipeline.Core.Manifest;

/// <summary>
/// Reads one YAML document into <see cref="YamlNode"/>s. Duplicate keys, aliases and non-scalar keys are
/// rejected here, because YamlDotNet's own representation model either throws without a position or keeps one copy silently.
/// </summary>
internal sealed class YamlTreeReader
{
    // A manifest is four levels deep; the bound keeps a hostile file from exhausting the stack of this recursive reader.
    private const int MaxDepth = 64;

    // Up to this many keys, duplicates are found by scanning the keys read so far.
    private const int SmallMapping = 8;

    private readonly string _path;
    private readonly IParser _parser;

    private YamlTreeReader(string path, string text)
    {
        _path = path;
        _parser = new Parser(new StringReader(text));
    }

    public static YamlNode? Read(string path, string text)
    {
        RejectTabIndentation(path, text);
        var reader = new YamlTreeReader(path, text);
        try
        {
            return reader.ReadDocument();
        }
        catch (YamlException ex)
        {
            var message = ex.Message.Replace("\r", " ").Replace("\n", " ").TrimEnd('.', ' ');
            throw new SecretsPipelineException(
                Codes.ManifestSyntax,
                $"invalid YAML: {message}. Check indentation and quoting near this position.",
                new SourceLocation(path, (int)ex.Start.Line, (int)ex.Start.Column));
        }
        catch (ArgumentException ex) when (ex.TargetSite?.DeclaringType?.Assembly == typeof(Parser).Assembly)
        {
            // YamlDotNet's tag handling throws this, without a position, for a tag it cannot make a URI of (e.g. `!!x]`);
            // one of our own would be a bug, and is left to surface as one.
            throw new SecretsPipelineException(
                Codes.ManifestSyntax,
                "invalid YAML: a tag (`!name` or `!!name`) is malformed. secrets.yaml needs no tags; remove it, or quote the value it stands before.",
                reader._parser.Current is { } current ? reader.At(current.Start) : new SourceLocation(path));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, without a position, on some malformed flow collections (e.g. `{%`).
            throw new SecretsPipelineException(
                Codes.ManifestSyntax,
                "invalid YAML: a flow collection (`{...}` or `[...]`) is malformed. Check its brackets, commas and quoting.",
                reader._parser.Current is { } current ? reader.At(current.Start) : new SourceLocation(path));
        }
    }

    /// <summary>YAML forbids tabs for indentation, and the parser reports them at (1,1); find the real place first.</summary>
    private static void RejectTabIndentation(string path, string text)
    {
        // Line by line on '\n' (as the parser counts lines), without splitting the text into strings.
        var rest = text.AsSpan();
        for (var i = 0; ; i++)
        {
            var end = rest.IndexOf('\n');
            var line = end < 0 ? rest : rest[..end];
            for (var column = 0; column < line.Length && (line[column] == ' ' || line[column] == '\t'); column++)
            {
                if (line[column] == '\t' && line[column..].Trim().Length > 0)
                {
                    throw new SecretsPipelineException(
                        Codes.ManifestSyntax,
                        "a tab is used for indentation; YAML allows only spaces there. Replace the tab with spaces.",
                        new SourceLocation(path, i + 1, column + 1));
                }
            }

            if (end < 0)
            {
                return;
            }

            rest = rest[(end + 1)..];
        }
    }

    private YamlNode? ReadDocument()
    {
        _parser.Consume<StreamStart>();
        if (_parser.TryConsume<StreamEnd>(out _))
        {
            return null;
        }

        _parser.Consume<DocumentStart>();
        var root = _parser.Accept<DocumentEnd>(out _) ? null : ReadNode(0);
        _parser.Consume<DocumentEnd>();
        if (!_parser.Accept<StreamEnd>(out _))
        {
            var next = _parser.Current!;
            throw new SecretsPipelineException(
                Codes.ManifestSyntax,
                "secrets.yaml holds more than one YAML document; keep a single document (remove the extra `---`).",
                At(next.Start));
        }

        return root;
    }

    private YamlNode ReadNode(int depth)
    {
        if (depth > MaxDepth && _parser.Current is { } deep)
        {
            throw new SecretsPipelineException(
                Codes.ManifestSyntax,
                $"YAML nested more than {MaxDepth} levels deep; secrets.yaml needs four. Check the brackets and indentation here.",
                At(deep.Start));
        }

        if (_parser.TryConsume<Scalar>(out var scalar))
        {
            return new YamlScalar(At(scalar.Start), scalar.Value, scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted);
        }

        if (_parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            var items = new List<YamlNode>();
            while (!_parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(ReadNode(depth + 1));
            }

            return new YamlSequence(At(sequenceStart.Start), items);
        }

        if (_parser.TryConsume<MappingStart>(out var mappingStart))
        {
            var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();

            // Duplicates: a scan of the few keys of a secret's entry, a dictionary only for a long mapping (`secrets:`).
            Dictionary<string, YamlScalar>? seen = null;
            while (!_parser.TryConsume<MappingEnd>(out _))
            {
                if (ReadNode(depth + 1) is not YamlScalar key)
                {
                    throw new SecretsPipelineException(
                        Codes.ManifestWrongType,
                        "a mapping key must be a plain name, not a list or mapping.",
                        At(mappingStart.Start));
                }

                if (entries.Count == SmallMapping)
                {
                    seen = new Dictionary<string, YamlScalar>(StringComparer.Ordinal);
                    foreach (var (earlier, _) in entries)
                    {
                        seen.Add(earlier.Value, earlier);
                    }
                }

                if (FirstDeclaration(entries, seen, key.Value) is { } first)
                {
                    throw new SecretsPipelineException(
                        Codes.ManifestDuplicate,
                        $"'{key.Value}' is declared twice (first at line {first.Location.Line}); keep one of them.",
                        key.Location);
                }

                seen?.Add(key.Value, key);
                entries.Add(new(key, ReadNode(depth + 1)));
            }

            return new YamlMapping(At(mappingStart.Start), entries);
        }

        var current = _parser.Current!;
        throw new SecretsPipelineException(
            Codes.ManifestWrongType,
            "YAML anchors and aliases are not supported in secrets.yaml; write the value out.",
            At(current.Start));
    }

    private static YamlScalar? FirstDeclaration(List<KeyValuePair<YamlScalar, YamlNode>> entries, Dictionary<string, YamlScalar>? seen, string key)
    {
        if (seen is not null)
        {
            return seen.GetValueOrDefault(key);
        }

        foreach (var (earlier, _) in entries)
        {
            if (earlier.Value == key)
            {
                return earlier;
            }
        }

        return null;
    }

    private SourceLocation At(Mark mark) => new(_path, (int)mark.Line, (int)mark.Column);
}
