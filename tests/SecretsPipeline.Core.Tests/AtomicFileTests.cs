using SecretsPipeline.Core.IO;
using SecretsPipeline.Testing;

namespace SecretsPipeline.Core.Tests;

public class AtomicFileTests
{
    public class Write
    {
        [Fact]
        public void Removes_the_temporary_file_a_killed_writer_left_beside_the_same_target()
        {
            // Found by the reliability suite: a resolve --out SIGKILLed between write and rename left a copy of the values.
            using var temp = new TempDirectory("spl-tests-");
            var target = temp.Combine("deploy.env");
            var stale = temp.Combine($".deploy.env.{Guid.NewGuid():N}{AtomicFile.TempSuffix}");
            File.WriteAllText(stale, "API_KEY=from a killed resolve\n");

            AtomicFile.Write(target, "API_KEY=new\n"u8);

            Assert.False(File.Exists(stale));
            Assert.Equal("API_KEY=new\n", File.ReadAllText(target));
            Assert.Equal([target], Directory.GetFiles(temp.Path));
        }

        [Fact]
        public void Keeps_a_temporary_file_a_live_writer_holds_and_files_of_other_targets()
        {
            using var temp = new TempDirectory("spl-tests-");
            var live = temp.Combine($".deploy.env.{Guid.NewGuid():N}{AtomicFile.TempSuffix}");
            var other = temp.Combine($".other.env.{Guid.NewGuid():N}{AtomicFile.TempSuffix}");
            var lookalike = temp.Combine($".deploy.env.not-a-guid{AtomicFile.TempSuffix}");
            File.WriteAllText(other, "x");
            File.WriteAllText(lookalike, "x");
            using (var held = new FileStream(live, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                AtomicFile.Write(temp.Combine("deploy.env"), "A=1\n"u8);
                Assert.True(File.Exists(live));
            }

            Assert.True(File.Exists(other));
            Assert.True(File.Exists(lookalike));
        }
    }
}
