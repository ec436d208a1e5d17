using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace SecretsPipeline.Core.IO;

/// <summary>
/// Writes the canonical JSON form (<see cref="CanonicalJson"/>) forward only, straight into a byte buffer: the bytes are
/// those <see cref="System.Text.Json.Utf8JsonWriter"/> writes with <see cref="CanonicalJson"/>'s options, for the few
/// kinds of value locks and manifest digests hold (objects, arrays, strings, nulls and integers).
/// </summary>
/// <remarks>
/// Every command that reads a lock writes it again to check its bytes, and a short command paid more for first use of
/// System.Text.Json's writer and its escaper than for the writing itself (in the start-up warm-up on this machine,
/// writing a tiny lock the first time took about 15 ms with them and about 5 with this writer).
/// Text that is printable ASCII other than a quote or backslash comes out as it is, as the escaper leaves it; any other
/// text is escaped by the very escaper the reference writer uses, so the two cannot drift apart. Keys must be written
/// in ordinal order by the caller, and the structure must be well formed: this writer does not check it.
/// </remarks>
public sealed class CanonicalJsonWriter
{
    private const int IndentSize = 2;

    private byte[] _buffer;
    private int _length;

    // Per open container, innermost last: whether it holds an item yet (a comma before the next one).
    private bool[] _hasItems = new bool[8];
    private int _depth;

    // Set after a property name: the value follows on the same line.
    private bool _afterName;

    public CanonicalJsonWriter(int sizeHint = 4096) => _buffer = new byte[Math.Max(sizeHint, 256)];

    /// <summary>The document written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void WriteStartObject() => Open((byte)'{');

    public void WriteStartObject(string name)
    {
        WritePropertyName(name);
        Open((byte)'{');
    }

    public void WriteEndObject() => Close((byte)'}');

    public void WriteStartArray(string name)
    {
        WritePropertyName(name);
        Open((byte)'[');
    }

    public void WriteEndArray() => Close((byte)']');

    public void WritePropertyName(string name)
    {
        BeginItem();
        WriteQuoted(name);
        Append(": "u8);
        _afterName = true;
    }

    public void WriteString(string name, string value)
    {
        WritePropertyName(name);
        WriteStringValue(value);
    }

    /// <summary>A string property, or JSON <c>null</c> where the value is absent (the canonical form keeps the key).</summary>
    public void WriteStringOrNull(string name, string? value)
    {
        WritePropertyName(name);
        if (value is null)
        {
            BeginValue();
            Append("null"u8);
        }
        else
        {
            WriteStringValue(value);
        }
    }

    public void WriteNull(string name) => WriteStringOrNull(name, null);

    public void WriteNumber(string name, long value)
    {
        WritePropertyName(name);
        BeginValue();
        Reserve(20);
        value.TryFormat(_buffer.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
        _length += written;
    }

    public void WriteStringValue(string value)
    {
        BeginValue();
        WriteQuoted(value);
    }

    /// <summary>Ends the document: the trailing newline of the canonical form.</summary>
    public void WriteEnd() => Append("\n"u8);

    private void Open(byte bracket)
    {
        BeginValue();
        Append(bracket);
        if (_depth == _hasItems.Length)
        {
            Array.Resize(ref _hasItems, _depth * 2);
        }

        _hasItems[_depth++] = false;
    }

    private void Close(byte bracket)
    {
        if (_hasItems[--_depth])
        {
            NewLine();
        }

        Append(bracket);
    }

    // Before a value: on the line of its property name, or as an item of the array (or the document) it is in.
    private void BeginValue()
    {
        if (_afterName)
        {
            _afterName = false;
            return;
        }

        if (_depth > 0)
        {
            BeginItem();
        }
    }

    // A new item in the innermost container: a comma after the one before it, then its own indented line.
    private void BeginItem()
    {
        if (_hasItems[_depth - 1])
        {
            Append((byte)',');
        }

        _hasItems[_depth - 1] = true;
        NewLine();
    }

    private void NewLine()
    {
        var width = 1 + (_depth * IndentSize);
        Reserve(width);
        _buffer[_length] = (byte)'\n';
        _buffer.AsSpan(_length + 1, width - 1).Fill((byte)' ');
        _length += width;
    }

    private void WriteQuoted(string text)
    {
        Reserve(text.Length + 2);
        var span = _buffer.AsSpan(_length);
        span[0] = (byte)'"';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\')
            {
                WriteEscaped(text);
                return;
            }

            span[i + 1] = (byte)c;
        }

        span[text.Length + 1] = (byte)'"';
        _length += text.Length + 2;
    }

    // Anything but plain printable ASCII: the escaper of CanonicalJson's options decides, then UTF-8 as the reference writes it.
    private void WriteEscaped(string text)
    {
        var escaped = JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(text);
        var size = Encoding.UTF8.GetByteCount(escaped);
        Reserve(size + 2);
        _buffer[_length++] = (byte)'"';
        _length += Encoding.UTF8.GetBytes(escaped, _buffer.AsSpan(_length));
        _buffer[_length++] = (byte)'"';
    }

    private void Append(byte value)
    {
        Reserve(1);
        _buffer[_length++] = value;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Reserve(int size)
    {
        if (_buffer.Length - _length < size)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + size));
        }
    }
}
