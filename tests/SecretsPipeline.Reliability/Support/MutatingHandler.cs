using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace SecretsPipeline.Reliability.Support;

/// <summary>
/// Sits between the Vault client and a real (fake) Vault: forwards each request, then rewrites the answer the way a
/// broken proxy, an incompatible server or a hostile one might: another status, a field removed or of another type,
/// a huge or negative number, a truncated or non-JSON body. The answer shapes stay realistic because they start real.
/// </summary>
public sealed class MutatingHandler : DelegatingHandler
{
    private static readonly HttpStatusCode[] _statuses =
        [HttpStatusCode.OK, HttpStatusCode.NoContent, HttpStatusCode.BadRequest, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.PreconditionFailed, (HttpStatusCode)429, HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable, HttpStatusCode.MovedPermanently];

    private static readonly Func<Random, JsonNode?>[] _replacements =
    [
        _ => null,
        _ => JsonValue.Create(""),
        _ => JsonValue.Create("not-a-number"),
        _ => JsonValue.Create("-1"),
        _ => JsonValue.Create("99999999999999999999999"),
        _ => JsonValue.Create(-1),
        _ => JsonValue.Create(0),
        _ => JsonValue.Create(long.MaxValue),
        _ => JsonValue.Create(1e300),
        _ => JsonValue.Create(1.5),
        _ => JsonValue.Create(true),
        _ => new JsonObject(),
        _ => new JsonArray(),
        _ => new JsonArray(JsonValue.Create(1), JsonValue.Create("x")),
        _ => new JsonObject { ["x"] = "y", ["1"] = new JsonObject() },
        r => JsonValue.Create(new string('x', r.Next(1, 100_000))),
        _ => JsonValue.Create("1h2x"),
        _ => JsonValue.Create("0001-01-01T00:00:00Z"),
        _ => JsonValue.Create("not a time"),
    ];

    private readonly Random _random;
    private readonly Lock _sync = new();

    public MutatingHandler(Random random, HttpMessageHandler inner)
        : base(inner)
    {
        _random = random;
    }

    /// <summary>Requests answered so far with a changed response.</summary>
    public int Mutated { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var real = await base.SendAsync(request, cancellationToken);
        var body = await real.Content.ReadAsByteArrayAsync(cancellationToken);
        lock (_sync)
        {
            Mutated++;
            var (status, mutated) = Mutate(real.StatusCode, body);
            var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(mutated), RequestMessage = request };
            response.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            if (_random.Next(10) == 0)
            {
                response.Headers.TryAddWithoutValidation("Retry-After", _random.Next(3) switch { 0 => "-5", 1 => "soon", _ => "0" });
            }

            return response;
        }
    }

    private (HttpStatusCode Status, byte[] Body) Mutate(HttpStatusCode status, byte[] body)
    {
        var random = _random;
        switch (random.Next(12))
        {
            case 0:
                return (_statuses[random.Next(_statuses.Length)], body);
            case 1:
                return (status, body.Length == 0 ? body : body[..random.Next(body.Length)]);
            case 2:
                return (status, Encoding.UTF8.GetBytes(random.Next(3) switch { 0 => "<html>502 Bad Gateway</html>", 1 => "null", _ => "[]" }));
            case 3:
                return (status, Mutator.Bytes(random, body));
            default:
                break;
        }

        if (body.Length == 0 || JsonNode.Parse(body) is not JsonObject root)
        {
            return (status, body);
        }

        for (var edits = 1 + random.Next(3); edits > 0; edits--)
        {
            var nodes = new List<(JsonNode Parent, string? Key, int Index)>();
            Collect(root, nodes);
            if (nodes.Count == 0)
            {
                break;
            }

            var (parent, key, index) = nodes[random.Next(nodes.Count)];
            var replacement = _replacements[random.Next(_replacements.Length)](random);
            if (parent is JsonObject obj && key is not null)
            {
                if (random.Next(4) == 0)
                {
                    obj.Remove(key);
                }
                else
                {
                    obj[key] = replacement;
                }
            }
            else if (parent is JsonArray array)
            {
                array[index] = replacement;
            }
        }

        return (random.Next(6) == 0 ? _statuses[random.Next(_statuses.Length)] : status, Encoding.UTF8.GetBytes(root.ToJsonString()));
    }

    private static void Collect(JsonNode node, List<(JsonNode Parent, string? Key, int Index)> nodes)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, child) in obj.ToList())
            {
                nodes.Add((obj, key, -1));
                if (child is not null)
                {
                    Collect(child, nodes);
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                nodes.Add((array, null, i));
                if (array[i] is { } child)
                {
                    Collect(child, nodes);
                }
            }
        }
    }
}
