namespace Credits.Billing.StripeAdapter;

/// <summary>Stripe.net gives Stripe's Unix seconds as <see cref="DateTime"/>s of unspecified kind; Credits keeps times as UTC offsets.</summary>
public static class StripeTime
{
    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
