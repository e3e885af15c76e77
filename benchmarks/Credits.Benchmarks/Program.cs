using System.Reflection;
using Credits.Benchmarks;

// Benchmarks, not tests: they need the services of `scripts/services.sh start test` (or the
// CREDITS_* variables of another instance) and print Markdown rows for docs/BENCHMARKS.md.
//   dotnet run -c Release --project benchmarks/Credits.Benchmarks -- list
//   dotnet run -c Release --project benchmarks/Credits.Benchmarks -- NAME [--option value ...]
var scenarios = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IBenchmarkScenario).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmarkScenario)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Name)
    .ToList();

if (args.Length == 0 || args[0] is "list" or "--help")
{
    Console.WriteLine("scenarios:");
    foreach (var s in scenarios) Console.WriteLine($"  {s.Name,-28} {s.Description}");
    return 0;
}

var scenario = scenarios.FirstOrDefault(s => s.Name == args[0]);
if (scenario is null)
{
    Console.Error.WriteLine($"unknown scenario '{args[0]}'; try 'list'");
    return 2;
}

// Every option is a --name and a value; anything else is refused before the run rather than skipped.
var options = new Dictionary<string, string>();
for (var i = 1; i < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"'{args[i]}': options are '--name value' pairs; try 'list'");
        return 2;
    }
    options[args[i][2..]] = args[i + 1];
}

var context = new BenchmarkContext(scenario.Name, options);
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(context.Int("max-minutes", 15)));
Console.WriteLine($"{scenario.Name}: {scenario.Description}");
await scenario.RunAsync(context, cts.Token);
context.PrintMarkdown();
if (context.UnreadOptions.Count > 0)
    // A warning, not a failure: a scenario's phases not run (--only) leave their own options unread.
    Console.Error.WriteLine($"{scenario.Name}: options never read, so they changed nothing: {string.Join(", ", context.UnreadOptions.Select(o => "--" + o))}");
if (context.Failure is not null)
{
    Console.Error.WriteLine($"{scenario.Name} FAILED: {context.Failure}");
    return 1;
}
return 0;
