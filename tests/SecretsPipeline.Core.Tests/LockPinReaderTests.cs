using System.Text;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Tests.Support;

namespace SecretsPipeline.Core.Tests;

public class LockPinReaderTests
{
    private static readonly byte[] _full = LockSerializer.Serialize(LockSamples.Full([new LockSignature("ecdsa-p256-sha256", "local:00", "AAAA")]));

    public class TheTryReadMethod
    {
        [Theory]
        [InlineData("STRIPE_KEY")]
        [InlineData("DB")]
        [InlineData("DB_ROOT_PW")]
        public void ReadsTheSamePinsAsTheFullParser(string secret)
        {
            var full = LockSerializer.Parse("secrets.lock.json", _full);

            var pins = LockPinReader.TryRead(_full, secret);

            Assert.NotNull(pins);
            Assert.Equal(full.Environments.Keys.Order(), pins.Keys.Order());
            foreach (var (environment, pin) in pins)
            {
                Assert.Equal(full.Environments[environment].Secrets[secret], pin);
            }
        }

        [Fact]
        public void ReturnsNoPinsForASecretTheLockDoesNotHold()
        {
            Assert.Empty(LockPinReader.TryRead(_full, "NOT_THERE")!);
        }

        [Theory]
        [InlineData("not json")]
        [InlineData("[]")]
        [InlineData("{\"environments\": {}, \"lock_version\": 2}")]
        [InlineData("{\"environments\": {\"e\": {\"secrets\": {\"A\": {\"ref\": \"m/p#k\"}}}}, \"lock_version\": 1}")]
        [InlineData("{\"environments\": {\"e\": {\"secrets\": {\"A\": {\"ref\": \"m/p#k\", \"version\": 3}}}}, \"lock_version\": 1}")]
        [InlineData("{\"environments\": {\"e\": {\"secrets\": {\"A\": {\"ref\": \"m/p#k\", \"version\": \"3\", \"extra\": \"x\"}}}}, \"lock_version\": 1}")]
        [InlineData("{\"environments\": {\"e\": {\"secrets\": {\"A\": {\"ref\": \"m/p#k\", \"version\": \"3\"")]
        public void ReturnsNullForBytesThatAreNotALockOfThisFormat(string text)
        {
            Assert.Null(LockPinReader.TryRead(Encoding.UTF8.GetBytes(text), "A"));
        }
    }
}
