namespace Credits.Gateway.Customers;

/// <summary>A command's outcome: <see cref="Value"/> when accepted (or repeated), <see cref="Refusal"/> when not.</summary>
public sealed record CommandResult<T>(T? Value, Refusal? Refusal) where T : class
{
    public bool Succeeded => Refusal is null;

    public static implicit operator CommandResult<T>(T value) => new(value, null);
    public static implicit operator CommandResult<T>(Refusal refusal) => new(null, refusal);
}
