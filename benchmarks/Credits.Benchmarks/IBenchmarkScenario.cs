namespace Credits.Benchmarks;

/// <summary>
/// One benchmark, in a file of its own. Each scenario measures its baseline (usually a no-op
/// MassTransit consumer on the same broker) in the same run, so figures compare like with like.
/// </summary>
public interface IBenchmarkScenario
{
    /// <summary>Name on the command line: <c>dotnet run -c Release --project benchmarks/Credits.Benchmarks -- NAME</c>.</summary>
    string Name { get; }
    string Description { get; }
    Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken);
}
