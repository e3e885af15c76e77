using System.ComponentModel.DataAnnotations;

namespace Credits.Orchestrator.Steps.TopUps;

/// <summary>Section <c>Checkout</c>: where Stripe's hosted Checkout page sends the customer back to.</summary>
public sealed class CheckoutOptions : IValidatableObject
{
    public const string Section = "Checkout";

    /// <summary>After payment; Stripe replaces {CHECKOUT_SESSION_ID}.</summary>
    public string SuccessUrl { get; set; } = "http://localhost:5180/portal/checkout-complete?session_id={CHECKOUT_SESSION_ID}";

    /// <summary>When the customer gives up on the page.</summary>
    public string CancelUrl { get; set; } = "http://localhost:5180/portal/checkout-cancelled";

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!Uri.TryCreate(SuccessUrl, UriKind.Absolute, out _))
            yield return new("Checkout:SuccessUrl must be an absolute URL", [nameof(SuccessUrl)]);
        if (!Uri.TryCreate(CancelUrl, UriKind.Absolute, out _))
            yield return new("Checkout:CancelUrl must be an absolute URL", [nameof(CancelUrl)]);
    }
}
