using System.Text;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Resolve;

namespace SecretsPipeline.Core.Output;

/// <summary>One JSON object mapping each output name to its value.</summary>
public sealed class JsonFormat : IOutputFormat
{
    public string Name => "json";

    public string Render(IReadOnlyList<ResolvedOutput> outputs)
    {
        var json = new JsonObject();
        foreach (var output in outputs)
        {
            json[output.Name] = output.Value.Reveal();
        }

        return Encoding.UTF8.GetString(CanonicalJson.Serialize(json));
    }
}
