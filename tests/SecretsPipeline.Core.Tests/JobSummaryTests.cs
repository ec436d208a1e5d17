using SecretsPipeline.Core.Ci;

namespace SecretsPipeline.Core.Tests;

public class JobSummaryTests
{
    public class TheResolveMethod
    {
        [Fact]
        public void ListsEveryNameStoreAndVersionInOneTableRowEach()
        {
            var markdown = JobSummary.Resolve("prod", "sha256:abc", "0123abcd", "prod-0123", [new("DB_PASSWORD", "vault", "7"), new("API_KEY", "vault", "3")]);

            var rows = markdown.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).ToArray();
            Assert.Equal(["| name | store | version |", "| DB_PASSWORD | vault | 7 |", "| API_KEY | vault | 3 |"], rows);
            Assert.Contains("`sha256:abc`", markdown, StringComparison.Ordinal);
            Assert.Contains("`0123abcd`", markdown, StringComparison.Ordinal);
        }

        [Fact]
        public void KeepsACellOnOneLineWithoutBreakingTheTable()
        {
            var markdown = JobSummary.Resolve("prod", "d", null, "x", [new("A", "st|ore\nX", "1`")]);

            Assert.Contains("| A | st\\|ore X | 1' |", markdown, StringComparison.Ordinal);
        }
    }

    public class TheDiffMethod
    {
        [Fact]
        public void ShowsAddedRemovedAndMovedPins()
        {
            var markdown = JobSummary.Diff("v1", "v2", [new("prod", "A", "secret/a#k", "1", "2"), new("prod", "B", "secret/b#k", null, "1"), new("prod", "C", "secret/c#k", "4", null)]);

            Assert.Contains("| prod | A | secret/a#k | 1 | 2 |", markdown, StringComparison.Ordinal);
            Assert.Contains("| prod | B | secret/b#k | (added) | 1 |", markdown, StringComparison.Ordinal);
            Assert.Contains("| prod | C | secret/c#k | 4 | (removed) |", markdown, StringComparison.Ordinal);
        }

        [Fact]
        public void SaysSoWhenNothingChanged() =>
            Assert.Contains("No pin changed.", JobSummary.Diff("a", "b", []), StringComparison.Ordinal);
    }
}
