using System.Text.Json;

namespace SecretsPipeline.Reliability.Formats;

/// <summary>One JSON object of string values, read strictly (no comments, no trailing commas, no duplicate names).</summary>
public sealed class JsonReader : IFormatReader
{
    public FormatReading Read(byte[] output, string scratchFolder)
    {
        var variables = new List<KeyValuePair<string, string>>();
        var extras = new List<string>();
        using var document = JsonDocument.Parse(output);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return new FormatReading(variables, [$"the document is a {document.RootElement.ValueKind}, not an object"]);
        }

        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                variables.Add(new(property.Name, property.Value.GetString()!));
            }
            else
            {
                extras.Add($"{property.Name} is a {property.Value.ValueKind}");
            }
        }

        return new FormatReading(variables, extras);
    }
}
