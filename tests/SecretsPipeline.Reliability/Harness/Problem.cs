namespace SecretsPipeline.Reliability.Harness;

/// <summary>A broken promise in one trial; <see cref="Lost"/> names what a user lost by it, if anything.</summary>
public sealed record Problem(string Message, string? Lost = null);
