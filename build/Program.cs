using System.Text;

namespace Build;

internal static class Program
{
    private const string DefaultTarget = "test";

    private static async Task<int> Main(string[] args)
    {
        try
        {
            // The target headers use box-drawing characters; a legacy Windows code page would mangle them.
            Console.OutputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        }
        catch (IOException)
        {
            // No console attached (some CI agents): the output is a pipe and the encoding is the reader's business.
        }

        var root = FindRepositoryRoot();
        var targets = Targets.Create(root);

        if (args.Any(a => a is "-h" or "--help"))
        {
            Console.WriteLine("usage: ./build.sh [target...]   (default: test)");
            Console.WriteLine("       ./build.sh --list        list the targets");
            return 0;
        }

        if (args.Any(a => a is "-l" or "--list"))
        {
            PrintList(targets);
            return 0;
        }

        var unknownOption = args.FirstOrDefault(a => a.StartsWith('-'));
        if (unknownOption is not null)
        {
            Console.Error.WriteLine($"unknown option '{unknownOption}'; see ./build.sh --help");
            return 2;
        }

        var requested = args.Length == 0 ? [DefaultTarget] : args;
        return await new TargetRunner(targets).RunAsync(requested);
    }

    private static void PrintList(IReadOnlyList<Target> targets)
    {
        Console.WriteLine($"targets (default: {DefaultTarget}):");
        var width = targets.Max(t => t.Name.Length);
        foreach (var target in targets)
        {
            var after = target.DependsOn.Count == 0 ? "" : $" (after {string.Join(", ", target.DependsOn)})";
            Console.WriteLine($"  {target.Name.PadRight(width)}  {target.Description}{after}");
        }
    }

    // The runner is started from build.sh in the root, but `dotnet run --project` may be called from anywhere.
    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "build", "Build.csproj")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no repository root above {AppContext.BaseDirectory}");
    }
}
