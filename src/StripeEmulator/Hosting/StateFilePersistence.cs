using Credits.StripeEmulator.State;
using Microsoft.Extensions.Options;

namespace Credits.StripeEmulator.Hosting;

/// <summary>Loads <see cref="EmulatorOptions.StateFile"/> at start-up and saves it every few seconds and on shutdown.</summary>
public sealed class StateFilePersistence(EmulatorStore store, IOptions<EmulatorOptions> options, ILogger<StateFilePersistence> logger)
    : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.StateFile is { Length: > 0 } path)
        {
            lock (store.Gate) StateSnapshot.Load(store, path);
            logger.LogInformation("Stripe emulator state loaded from {Path}", path);
        }
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.StateFile is not { Length: > 0 }) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) Save();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync saves once more.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (options.Value.StateFile is { Length: > 0 }) Save();
    }

    private void Save()
    {
        try
        {
            lock (store.Gate) StateSnapshot.Save(store, options.Value.StateFile!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogError(e, "Could not save Stripe emulator state to {Path}", options.Value.StateFile);
        }
    }
}
