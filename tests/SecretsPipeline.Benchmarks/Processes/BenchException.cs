namespace SecretsPipeline.Benchmarks.Processes;

/// <summary>A row could not be measured; its message becomes the row's note and the other rows go on.</summary>
internal sealed class BenchException(string message) : Exception(message);
