namespace SecretsPipeline.Extensions.Configuration;

/// <summary>Which environment's pins an app loads, named the way its host names environments.</summary>
internal static class PinnedEnvironment
{
    public const string Variable = "SECRETS_PIPELINE_ENVIRONMENT";

    /// <summary>
    /// The argument, else <c>SECRETS_PIPELINE_ENVIRONMENT</c>, else the host's environment (<c>ASPNETCORE_ENVIRONMENT</c>
    /// over <c>DOTNET_ENVIRONMENT</c>, as ASP.NET Core orders them), else the host's default, Production. Lower-cased,
    /// because hosts say <c>Production</c> where manifests say <c>production</c>.
    /// </summary>
    public static string Choose(string? argument, Func<string, string?> variables)
    {
        var name = new[] { argument, variables(Variable), variables("ASPNETCORE_ENVIRONMENT"), variables("DOTNET_ENVIRONMENT") }
            .FirstOrDefault(n => !string.IsNullOrWhiteSpace(n))
            ?? "production";
        return name.Trim().ToLowerInvariant();
    }
}
