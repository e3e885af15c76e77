using System.ComponentModel.DataAnnotations;
using Xunit;

namespace Credits.Billing.Tests.Adapter;

public sealed class StripeOptionsTests
{
    [Fact]
    public void Invalid_settings_are_named_by_their_configuration_key()
    {
        var options = new StripeOptions { SecretKey = "pk_test_public", WebhookSecret = "secret", ApiBase = "not a url" };

        var errors = options.Validate(new ValidationContext(options)).Select(e => e.ErrorMessage).ToList();

        Assert.Contains(errors, e => e!.StartsWith("Stripe:SecretKey"));
        Assert.Contains(errors, e => e!.StartsWith("Stripe:WebhookSecret"));
        Assert.Contains(errors, e => e!.StartsWith("Stripe:ApiBase"));
        Assert.DoesNotContain(errors, e => e!.Contains("pk_test_public"));
    }

    [Fact]
    public void Secrets_never_appear_when_the_options_are_printed()
    {
        var options = new StripeOptions { SecretKey = "sk_test_verysecret", WebhookSecret = "whsec_verysecret" };

        Assert.DoesNotContain("verysecret", options.ToString());
    }
}
