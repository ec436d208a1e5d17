using Microsoft.Extensions.Configuration;

namespace SecretsPipeline.Extensions.Configuration;

/// <summary>The source <see cref="PinnedSecretsConfigurationExtensions.AddPinnedSecrets"/> adds.</summary>
public sealed class PinnedSecretsConfigurationSource : IConfigurationSource
{
    /// <summary>The environment to load; <c>null</c>: from the environment variables.</summary>
    public string? Environment { get; init; }

    /// <summary>Where the files are and whom to trust.</summary>
    public PinnedSecretsOptions Options { get; init; } = new();

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new PinnedSecretsConfigurationProvider(Environment, Options);
}
