namespace Credits.Testing;

/// <summary>Polls a condition until it holds or the time is up: for outcomes that arrive over the bus.</summary>
public static class Eventually
{
    public static async Task<T> Get<T>(Func<Task<T>> read, Func<T, bool> until, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        T value = await read();
        while (!until(value))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Condition not met within {(timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds}s{(because is null ? "" : ": " + because)}. Last value: {value}");
            await Task.Delay(50);
            value = await read();
        }
        return value;
    }

    public static Task True(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null) =>
        Get(condition, x => x, timeout, because);
}
