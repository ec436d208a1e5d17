using System.Text.Json;
using SecretsPipeline.Core.Output;
using SecretsPipeline.Core.Tests.Support;

namespace SecretsPipeline.Core.Tests;

public class JsonFormatTests
{
    public class TheRenderMethod
    {
        public static TheoryData<string> HostileValues
        {
            get
            {
                var values = OutputSamples.HostileValues;
                values.Add("nul \0 is fine in JSON");
                values.Add("control \u0001\u001f\u007f");
                values.Add("</script><!--");
                return values;
            }
        }

        [Theory]
        [MemberData(nameof(HostileValues))]
        public void ParsesBackToExactlyTheOutputs(string value)
        {
            var text = new JsonFormat().Render(OutputSamples.Around(value));

            using var document = JsonDocument.Parse(text);
            var parsed = document.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetString())).ToArray();
            Assert.Equal([("AFTER", "after"), ("BEFORE", "before"), ("NAME", value)], parsed);
            Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        }

        [Fact]
        public void WritesOneObjectWithSortedKeys()
        {
            var text = new JsonFormat().Render(OutputSamples.Around("v"));

            Assert.Equal("{\n  \"AFTER\": \"after\",\n  \"BEFORE\": \"before\",\n  \"NAME\": \"v\"\n}\n", text);
        }

        [Fact]
        public void WritesAnEmptyObjectForNoOutputs()
        {
            Assert.Equal("{}\n", new JsonFormat().Render([]));
        }
    }
}

public class OutputFormatsTests
{
    public class TheGetMethod
    {
        [Theory]
        [InlineData("dotenv", typeof(DotenvFormat))]
        [InlineData("json", typeof(JsonFormat))]
        [InlineData("shell", typeof(ShellFormat))]
        public void ReturnsTheFormatByName(string name, Type type)
        {
            var format = OutputFormats.Get(name);

            Assert.IsType(type, format);
            Assert.Equal(name, format.Name);
            Assert.Contains(name, OutputFormats.Names);
        }

        [Theory]
        [InlineData("yaml")]
        [InlineData("Dotenv")]
        [InlineData("")]
        public void RefusesAnUnknownFormatWithSpl9001(string name)
        {
            var ex = Assert.Throws<SecretsPipeline.Core.Errors.SecretsPipelineException>(() => OutputFormats.Get(name));

            Assert.Same(SecretsPipeline.Core.Errors.Codes.Usage, ex.Code);
            Assert.Contains("dotenv", ex.Message, StringComparison.Ordinal);
        }
    }
}
