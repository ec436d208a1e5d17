using System.Text.RegularExpressions;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Core.Tests;

public class CodesTests
{
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SecretsPipeline.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no SecretsPipeline.sln above {AppContext.BaseDirectory}");
    }

    public class TheAllProperty
    {
        [Fact]
        public void HasUniqueIds()
        {
            var duplicates = Codes.All.GroupBy(c => c.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();

            Assert.Empty(duplicates);
            Assert.True(Codes.All.Count >= 40, $"only {Codes.All.Count} codes found by reflection");
        }

        [Fact]
        public void HasIdsInTheDocumentedRanges()
        {
            Assert.All(Codes.All, code => Assert.Matches(@"^SPL[1-59]\d{3}$", code.Id));
        }

        [Fact]
        public void MapsEveryCodeToAKnownExitCodeWithASummary()
        {
            Assert.All(Codes.All, code =>
            {
                Assert.Contains(code.ExitCode, new[] { ExitCodes.Ok, ExitCodes.Failed, ExitCodes.Usage, ExitCodes.LockOutOfDate });
                Assert.False(string.IsNullOrWhiteSpace(code.Summary), code.Id);
            });
        }

        [Fact]
        public void IsListedInTheReadme()
        {
            var readme = Path.Combine(RepositoryRoot(), "README.md");
            Assert.True(File.Exists(readme), $"{readme} does not exist");
            var text = File.ReadAllText(readme);

            var missing = Codes.All.Where(c => !Regex.IsMatch(text, $@"\b{c.Id}\b")).Select(c => c.Id).ToArray();

            Assert.True(missing.Length == 0, $"README.md does not list: {string.Join(", ", missing)}");
        }
    }
}
