using SecretsPipeline.Cli;
using SecretsPipeline.Cli.Terminal;

return await App.RunAsync(args, new ConsoleOutput(Console.Out, Console.Error)).ConfigureAwait(false);
