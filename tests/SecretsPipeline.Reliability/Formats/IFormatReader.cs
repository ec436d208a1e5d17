namespace SecretsPipeline.Reliability.Formats;

/// <summary>
/// Reads one output format back by the rules of what consumes it (a dotenv loader, a JSON parser, a POSIX shell, a CI
/// runner's command parser) and returns every variable that reading sets, in order, and every command it would run or
/// line it could not account for. A new format needs one reader in <see cref="FormatReaders"/>.
/// </summary>
public interface IFormatReader
{
    FormatReading Read(byte[] output, string scratchFolder);
}
