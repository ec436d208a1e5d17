using System.Globalization;
using System.Text;

namespace SecretsPipeline.Core.IO;

/// <summary>The kinds of JSON value a <see cref="JsonTreeNode"/> holds.</summary>
internal enum JsonKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>
/// One JSON value as <see cref="JsonTreeReader"/> read it. An object keeps its members in file order, duplicates
/// included, so the caller decides what a repeated key means; a number keeps its text.
/// </summary>
internal sealed class JsonTreeNode
{
    private JsonTreeNode(JsonKind kind, string? text, IReadOnlyList<KeyValuePair<string, JsonTreeNode>>? members, IReadOnlyList<JsonTreeNode>? items)
    {
        Kind = kind;
        Text = text;
        Members = members ?? [];
        Items = items ?? [];
    }

    public JsonKind Kind { get; }

    /// <summary>A string's value or a number's text; null for the other kinds.</summary>
    public string? Text { get; }

    /// <summary>An object's members in file order; empty for the other kinds.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonTreeNode>> Members { get; }

    /// <summary>An array's items; empty for the other kinds.</summary>
    public IReadOnlyList<JsonTreeNode> Items { get; }

    /// <summary>The value of the first member called <paramref name="name"/>, if this is an object that has one.</summary>
    public JsonTreeNode? Member(string name)
    {
        for (var i = 0; i < Members.Count; i++)
        {
            if (Members[i].Key == name)
            {
                return Members[i].Value;
            }
        }

        return null;
    }

    /// <summary>A number that is a whole number in the range of <see cref="int"/>, written without fraction or exponent.</summary>
    public bool TryGetInt32(out int value)
    {
        value = 0;
        return Kind == JsonKind.Number && int.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    internal static JsonTreeNode Object(List<KeyValuePair<string, JsonTreeNode>> members) => new(JsonKind.Object, null, members, null);

    internal static JsonTreeNode Array(List<JsonTreeNode> items) => new(JsonKind.Array, null, null, items);

    internal static JsonTreeNode Scalar(JsonKind kind, string? text) => new(kind, text, null, null);
}

/// <summary>Why <see cref="JsonTreeReader"/> refused a document, and on which line (1-based).</summary>
internal sealed class JsonTreeException(string message, int line, bool invalidUtf8) : Exception(message)
{
    public int Line { get; } = line;

    /// <summary>The bytes are not UTF-8, as opposed to UTF-8 that is not JSON.</summary>
    public bool InvalidUtf8 { get; } = invalidUtf8;
}

/// <summary>
/// A strict JSON (RFC 8259) reader from UTF-8 bytes to a <see cref="JsonTreeNode"/> tree: no comments, no trailing
/// commas, nothing after the value, nesting at most <see cref="MaxDepth"/> deep, strings that are valid UTF-8.
/// </summary>
/// <remarks>
/// The lock is read by every command, and a short command paid more for first use of System.Text.Json's reader (about
/// 9 ms of start-up on this machine, against about 1.5 for this one) than for reading a 1,000-pin lock. Locks are only accepted when writing back what
/// was read gives their exact bytes, and <see cref="CanonicalJsonWriter"/> is checked against System.Text.Json; so for
/// any lock accepted, this reader saw what that one would have.
/// </remarks>
internal static class JsonTreeReader
{
    public const int MaxDepth = 64;

    private static readonly UTF8Encoding _strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static JsonTreeNode Parse(ReadOnlySpan<byte> utf8)
    {
        var reader = new Reader(utf8);
        var value = reader.Value(0);
        reader.SkipWhitespace();
        if (!reader.AtEnd)
        {
            throw reader.Error("there is more after the document's end");
        }

        return value;
    }

    private ref struct Reader(ReadOnlySpan<byte> text)
    {
        private readonly ReadOnlySpan<byte> _text = text;
        private int _position;

        public readonly bool AtEnd => _position >= _text.Length;

        public JsonTreeNode Value(int depth)
        {
            SkipWhitespace();
            if (AtEnd)
            {
                throw Error("the document ends where a value was expected");
            }

            switch (_text[_position])
            {
                case (byte)'{':
                    return Object(depth + 1);
                case (byte)'[':
                    return Array(depth + 1);
                case (byte)'"':
                    return JsonTreeNode.Scalar(JsonKind.String, String());
                case (byte)'t':
                    Literal("true"u8);
                    return JsonTreeNode.Scalar(JsonKind.True, null);
                case (byte)'f':
                    Literal("false"u8);
                    return JsonTreeNode.Scalar(JsonKind.False, null);
                case (byte)'n':
                    Literal("null"u8);
                    return JsonTreeNode.Scalar(JsonKind.Null, null);
                default:
                    return JsonTreeNode.Scalar(JsonKind.Number, Number());
            }
        }

        public void SkipWhitespace()
        {
            while (_position < _text.Length && _text[_position] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
            {
                _position++;
            }
        }

        public readonly JsonTreeException Error(string what, bool invalidUtf8 = false)
        {
            var line = 1 + _text[..Math.Min(_position, _text.Length)].Count((byte)'\n');
            return new JsonTreeException(what, line, invalidUtf8);
        }

        private JsonTreeNode Object(int depth)
        {
            CheckDepth(depth);
            _position++;
            var members = new List<KeyValuePair<string, JsonTreeNode>>();
            SkipWhitespace();
            if (Peek() == '}')
            {
                _position++;
                return JsonTreeNode.Object(members);
            }

            while (true)
            {
                SkipWhitespace();
                if (Peek() != '"')
                {
                    throw Error("a member name (a string in double quotes) was expected");
                }

                var name = String();
                SkipWhitespace();
                Expect((byte)':', "a ':' was expected after a member name");
                members.Add(new(name, Value(depth)));
                SkipWhitespace();
                if (Peek() == ',')
                {
                    _position++;
                    continue;
                }

                Expect((byte)'}', "a ',' or '}' was expected after a member");
                return JsonTreeNode.Object(members);
            }
        }

        private JsonTreeNode Array(int depth)
        {
            CheckDepth(depth);
            _position++;
            var items = new List<JsonTreeNode>();
            SkipWhitespace();
            if (Peek() == ']')
            {
                _position++;
                return JsonTreeNode.Array(items);
            }

            while (true)
            {
                items.Add(Value(depth));
                SkipWhitespace();
                if (Peek() == ',')
                {
                    _position++;
                    continue;
                }

                Expect((byte)']', "a ',' or ']' was expected after an item");
                return JsonTreeNode.Array(items);
            }
        }

        private readonly void CheckDepth(int depth)
        {
            if (depth > MaxDepth)
            {
                throw Error($"it nests deeper than {MaxDepth} levels");
            }
        }

        private string String()
        {
            _position++;
            var start = _position;
            while (_position < _text.Length)
            {
                var b = _text[_position];
                if (b == '"')
                {
                    var plain = Decode(_text[start.._position]);
                    _position++;
                    return plain;
                }

                if (b == '\\')
                {
                    return EscapedString(start);
                }

                if (b < 0x20)
                {
                    throw Error("a string holds a control character that is not escaped");
                }

                _position++;
            }

            throw Error("a string is not closed");
        }

        // The rest of a string from its first backslash on.
        private string EscapedString(int start)
        {
            var builder = new StringBuilder(Decode(_text[start.._position]));
            while (_position < _text.Length)
            {
                var b = _text[_position];
                if (b == '"')
                {
                    _position++;
                    return builder.ToString();
                }

                if (b < 0x20)
                {
                    throw Error("a string holds a control character that is not escaped");
                }

                if (b != '\\')
                {
                    var run = _position;
                    while (_position < _text.Length && _text[_position] is not ((byte)'"' or (byte)'\\') && _text[_position] >= 0x20)
                    {
                        _position++;
                    }

                    builder.Append(Decode(_text[run.._position]));
                    continue;
                }

                _position++;
                var escape = Peek();
                _position++;
                switch (escape)
                {
                    case '"': builder.Append('"'); break;
                    case '\\': builder.Append('\\'); break;
                    case '/': builder.Append('/'); break;
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 't': builder.Append('\t'); break;
                    case 'u': builder.Append(Hex4()); break;
                    default:
                        _position--;
                        throw Error("a string holds an unknown escape");
                }
            }

            throw Error("a string is not closed");
        }

        private char Hex4()
        {
            var code = 0;
            for (var i = 0; i < 4; i++)
            {
                var digit = _position < _text.Length ? HexValue(_text[_position]) : -1;
                if (digit < 0)
                {
                    throw Error("a \\u escape needs four hexadecimal digits");
                }

                code = (code * 16) + digit;
                _position++;
            }

            return (char)code;
        }

        private static int HexValue(byte b) => b switch
        {
            >= (byte)'0' and <= (byte)'9' => b - '0',
            >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
            _ => -1,
        };

        private string Decode(ReadOnlySpan<byte> utf8)
        {
            try
            {
                return _strictUtf8.GetString(utf8);
            }
            catch (DecoderFallbackException)
            {
                throw Error("a string is not valid UTF-8", invalidUtf8: true);
            }
        }

        private string Number()
        {
            var start = _position;
            if (Peek() == '-')
            {
                _position++;
            }

            if (Peek() == '0')
            {
                _position++;
            }
            else if (!Digits())
            {
                // Outside a string only ASCII is JSON; a byte above it is reported as the encoding problem it most likely is.
                _position = start;
                throw Error("a value was expected", invalidUtf8: _text[start] >= 0x80);
            }

            if (Peek() == '.')
            {
                _position++;
                if (!Digits())
                {
                    throw Error("a number needs digits after its '.'");
                }
            }

            if (Peek() is 'e' or 'E')
            {
                _position++;
                if (Peek() is '+' or '-')
                {
                    _position++;
                }

                if (!Digits())
                {
                    throw Error("a number needs digits in its exponent");
                }
            }

            return Encoding.ASCII.GetString(_text[start.._position]);
        }

        private bool Digits()
        {
            var start = _position;
            while (_position < _text.Length && _text[_position] is >= (byte)'0' and <= (byte)'9')
            {
                _position++;
            }

            return _position > start;
        }

        private void Literal(ReadOnlySpan<byte> literal)
        {
            if (!_text[_position..].StartsWith(literal))
            {
                throw Error("a value was expected");
            }

            _position += literal.Length;
        }

        private void Expect(byte expected, string what)
        {
            if (Peek() != expected)
            {
                throw Error(what);
            }

            _position++;
        }

        // The byte at the position as a char, or NUL at the end (no JSON token starts with NUL).
        private readonly char Peek() => _position < _text.Length ? (char)_text[_position] : '\0';
    }
}
