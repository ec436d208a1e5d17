using SecretsPipeline.Core.Resolve;

namespace SecretsPipeline.Core.Output;

/// <summary>Turns a complete resolve into the bytes of one output format. Throws before writing anything if a value cannot be carried.</summary>
public interface IOutputFormat
{
    string Name { get; }

    string Render(IReadOnlyList<ResolvedOutput> outputs);
}
