using System.Collections.Concurrent;
using System.Net;
using Credits.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace Credits.IntegrationTests.Client;

/// <summary>AddCreditsClient: options checked at start, the resilience handler's retries keeping the idempotency key, no key in the logs.</summary>
public partial class CreditsClientTests
{
    /// <summary>Answers 503 to the first <c>failures</c> requests, as a Gateway behind a restarting proxy would, then lets requests through.</summary>
    sealed class FlakyGateway(int failures) : DelegatingHandler(new SocketsHttpHandler())
    {
        int _failures = failures;
        public ConcurrentQueue<(string Path, string? IdempotencyKey, bool Forwarded)> Seen { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var key = request.Headers.TryGetValues("Idempotency-Key", out var values) ? values.Single() : null;
            var fail = Interlocked.Decrement(ref _failures) >= 0;
            Seen.Enqueue((request.RequestUri!.AbsolutePath, key, !fail));
            return fail ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)) : base.SendAsync(request, ct);
        }
    }

    sealed class CollectedLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();
        public ILogger CreateLogger(string category) => new Logger(this);
        public void Dispose() { }

        sealed class Logger(CollectedLogs logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull { logs.Lines.Enqueue(state.ToString() ?? ""); return null; }
            public bool IsEnabled(LogLevel level) => true;
            public void Log<TState>(LogLevel level, EventId id, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Lines.Enqueue(formatter(state, exception) + exception);
        }
    }

    ServiceProvider Registered(FlakyGateway gateway, CollectedLogs? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => { l.SetMinimumLevel(LogLevel.Trace); if (logs is not null) l.AddProvider(logs); });
        services.AddCreditsClient(o => { o.BaseAddress = system.Gateway.BaseAddress; o.ApiKey = SystemUnderTest.ApiKey; })
            .ConfigurePrimaryHttpMessageHandler(() => gateway);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task A_reservation_retried_by_the_resilience_handler_after_a_503_keeps_its_idempotency_key_and_holds_once()
    {
        var customer = await OpenAsync("client-retry");
        var gateway = new FlakyGateway(failures: 1);
        await using var provider = Registered(gateway);

        var reservation = await provider.GetRequiredService<CreditsClient>().ReserveAsync(customer, 40);

        var attempts = gateway.Seen.ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal([false, true], attempts.Select(a => a.Forwarded));
        Assert.NotNull(attempts[0].IdempotencyKey);
        Assert.Equal(attempts[0].IdempotencyKey, attempts[1].IdempotencyKey);
        Assert.Equal(("applied", 160L), (reservation.Outcome, reservation.Available));
        Assert.Equal(160, await system.Accounts.AvailableAsync(customer));
    }

    [Fact]
    public async Task Each_call_has_its_own_idempotency_key_and_the_api_key_is_never_logged()
    {
        var customer = await OpenAsync("client-keys");
        var gateway = new FlakyGateway(failures: 0);
        var logs = new CollectedLogs();
        await using var provider = Registered(gateway, logs);
        var credits = provider.GetRequiredService<CreditsClient>();

        await credits.ReserveAsync(customer, 10);
        await credits.ReserveAsync(customer, 10);
        await Assert.ThrowsAsync<CreditsApiException>(() => credits.GetLedgerAsync(customer, limit: 0));

        var keys = gateway.Seen.Select(s => s.IdempotencyKey).Where(k => k is not null).ToList();
        Assert.Equal(2, keys.Distinct().Count());
        Assert.Equal(180, await system.Accounts.AvailableAsync(customer));
        Assert.NotEmpty(logs.Lines);
        Assert.All(logs.Lines, line => Assert.DoesNotContain(SystemUnderTest.ApiKey, line));
    }

    [Theory]
    [InlineData("relative/path", "a-secret-key-value", "BaseAddress")]
    [InlineData("http://gateway.example/", "", "ApiKey")]
    public void Options_are_checked_when_the_host_starts_and_the_message_never_holds_the_key(string baseAddress, string apiKey, string named)
    {
        var services = new ServiceCollection();
        services.AddCreditsClient(o => { o.BaseAddress = new Uri(baseAddress, UriKind.RelativeOrAbsolute); o.ApiKey = apiKey; });
        using var provider = services.BuildServiceProvider();

        // What the host calls at start (ValidateOnStart).
        var problem = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(named, problem.Message);
        Assert.DoesNotContain("a-secret-key-value", problem.Message);
        Assert.DoesNotContain("a-secret-key-value", new CreditsClientOptions { ApiKey = "a-secret-key-value" }.ToString());
    }
}
