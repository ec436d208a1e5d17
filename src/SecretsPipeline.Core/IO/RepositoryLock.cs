using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Core.IO;

/// <summary>
/// Serialises <c>lock</c> and <c>rotate</c> in one repository with an exclusive lock on a file in the git-ignored
/// <c>.secrets-pipeline/</c> folder. The operating system drops the lock when the process dies, so a crash never
/// leaves the repository locked.
/// </summary>
public sealed class RepositoryLock : IDisposable
{
    private readonly FileStream _stream;

    private RepositoryLock(FileStream stream) => _stream = stream;

    public static async Task<RepositoryLock> AcquireAsync(string manifestDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(manifestDirectory, ".secrets-pipeline");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "repository.lock");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new RepositoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(Random.Shared.Next(20, 80), cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                throw new SecretsPipelineException(
                    Codes.RepositoryBusy,
                    $"another secrets-pipeline lock or rotate held {path} for {timeout.TotalSeconds:0} s; wait for it to finish and retry.");
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
