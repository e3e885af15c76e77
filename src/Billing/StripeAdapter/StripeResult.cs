namespace Credits.Billing.StripeAdapter;

/// <summary>A Stripe call's value or its <see cref="StripeFailure"/>: failures are values, not exceptions, for callers to act on.</summary>
public readonly record struct StripeResult<T>(T? Value, StripeFailure? Failure)
{
    public bool Succeeded => Failure is null;

    public static StripeResult<T> Ok(T value) => new(value, null);

    public static StripeResult<T> Failed(StripeFailure failure) => new(default, failure);

    /// <summary>The value, or throws (for callers such as consumers that want MassTransit's retry on failure).</summary>
    public T GetValueOrThrow() => Succeeded ? Value! : throw new StripeCallFailedException(Failure!);
}

public sealed class StripeCallFailedException(StripeFailure failure) : Exception(failure.ToString())
{
    public StripeFailure Failure { get; } = failure;
}
