namespace Credits.Testing;

/// <summary>
/// Where the throw-away PostgreSQL and RabbitMQ of ./test.sh listen. test.sh exports these;
/// the defaults match `scripts/services.sh start test`, so one test project can be run alone.
/// </summary>
public static class TestEnvironment
{
    public static string PostgresAdmin { get; } =
        Environment.GetEnvironmentVariable("CREDITS_POSTGRES_ADMIN")
        ?? "Host=127.0.0.1;Port=56432;Username=credits;Password=credits;Database=postgres";

    public static Uri RabbitMq { get; } =
        new(Environment.GetEnvironmentVariable("CREDITS_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:56672/");

    public static Uri RabbitMqManagement { get; } =
        new(Environment.GetEnvironmentVariable("CREDITS_RABBITMQ_MANAGEMENT") ?? "http://guest:guest@127.0.0.1:56673/");

    /// <summary>The repository root, found from the test assembly's location.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration the tests were built in, so hosts are taken from the same build.</summary>
    public static string BuildConfiguration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Credits.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Credits.sln not found above " + AppContext.BaseDirectory);
    }
}
