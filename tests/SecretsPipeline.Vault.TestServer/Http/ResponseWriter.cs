using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>Writes a <see cref="VaultResponse"/>: envelope keys always present and in Vault's order, map keys sorted like Go's encoding/json.</summary>
internal static class ResponseWriter
{
    private static readonly JsonWriterOptions _writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(HttpContext http, VaultResponse response)
    {
        var httpResponse = http.Response;
        httpResponse.StatusCode = response.Status;
        httpResponse.Headers.CacheControl = "no-store";
        foreach (var (name, value) in response.Headers)
        {
            httpResponse.Headers[name] = value;
        }

        if (response.Kind == ResponseKind.NoBody)
        {
            return;
        }

        httpResponse.ContentType = "application/json";
        if (response.Kind == ResponseKind.EmptyJson)
        {
            httpResponse.ContentLength = 0;
            return;
        }

        var bytes = Serialize(response);
        httpResponse.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await httpResponse.Body.WriteAsync(bytes, http.RequestAborted);
        }
    }

    public static byte[] Serialize(VaultResponse response)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, _writerOptions))
        {
            switch (response.Kind)
            {
                case ResponseKind.Errors:
                    writer.WriteStartObject();
                    writer.WriteStartArray("errors");
                    foreach (var error in response.Errors)
                    {
                        writer.WriteStringValue(error);
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
                    break;
                case ResponseKind.Raw:
                    WriteSorted(writer, response.Data);
                    break;
                default:
                    WriteEnvelope(writer, response);
                    break;
            }
        }

        return stream.ToArray();
    }

    private static void WriteEnvelope(Utf8JsonWriter writer, VaultResponse response)
    {
        writer.WriteStartObject();
        writer.WriteString("request_id", response.RequestId ?? GoFormat.Uuid());
        writer.WriteString("lease_id", response.LeaseId);
        writer.WriteBoolean("renewable", response.Renewable);
        writer.WriteNumber("lease_duration", response.LeaseDuration);
        writer.WritePropertyName("data");
        WriteSorted(writer, response.Data);
        writer.WritePropertyName("wrap_info");
        if (response.WrapInfo is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            response.WrapInfo.WriteTo(writer);
        }

        writer.WritePropertyName("warnings");
        if (response.Warnings is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStartArray();
            foreach (var warning in response.Warnings)
            {
                writer.WriteStringValue(warning);
            }

            writer.WriteEndArray();
        }

        writer.WritePropertyName("auth");
        if (response.Auth is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            response.Auth.WriteTo(writer);
        }

        writer.WriteString("mount_type", response.MountType);
        if (response.InjectDataAtTopLevel && response.Data is JsonObject data)
        {
            foreach (var (name, value) in data.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(name);
                WriteSorted(writer, value);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    WriteSorted(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteSorted(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
