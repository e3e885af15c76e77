using System.Net;
using Credits.Billing.Metering;
using Credits.Billing.StripeAdapter;
using Xunit;

namespace Credits.Billing.Tests.Metering;

/// <summary>Which Stripe answers mean "this meter event was counted already", shape by shape.</summary>
public sealed class DuplicateMeterEventTests
{
    const string Identifier = "ovr:c_42:2026-11-01:1187";

    static StripeFailure Failure(HttpStatusCode status, string? type, string? code, string message, string? param = null) =>
        new(false, status, type, code, null, message, "req_test", param);

    [Fact]
    public void The_v1_body_without_code_or_param_naming_our_identifier_is_already_counted() =>
        Assert.True(DuplicateMeterEvent.IsAlreadyCounted(
            Failure(HttpStatusCode.BadRequest, "invalid_request_error", null, $"An event already exists with identifier {Identifier}."), Identifier));

    [Fact]
    public void The_v2_documented_duplicate_meter_event_code_is_already_counted() =>
        Assert.True(DuplicateMeterEvent.IsAlreadyCounted(
            Failure(HttpStatusCode.BadRequest, "invalid_request_error", "duplicate_meter_event",
                "A meter event with a duplicate identifier has already been submitted."), Identifier));

    [Fact]
    public void The_v1_message_with_an_identifier_param_is_already_counted() =>
        Assert.True(DuplicateMeterEvent.IsAlreadyCounted(
            Failure(HttpStatusCode.BadRequest, "invalid_request_error", null, $"An event already exists with identifier {Identifier}.", "identifier"), Identifier));

    [Fact]
    public void A_400_about_the_identifier_parameter_itself_is_not_a_duplicate() =>
        Assert.False(DuplicateMeterEvent.IsAlreadyCounted(
            Failure(HttpStatusCode.BadRequest, "invalid_request_error", "parameter_invalid", "Identifier must be at most 100 characters.", "identifier"), Identifier));

    [Fact]
    public void The_v1_message_naming_another_identifier_is_not_ours() =>
        Assert.False(DuplicateMeterEvent.IsAlreadyCounted(
            Failure(HttpStatusCode.BadRequest, "invalid_request_error", null, "An event already exists with identifier ovr:c_42:2026-11-01:99."), Identifier));

    [Theory]
    [InlineData(HttpStatusCode.Conflict)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public void The_same_words_under_another_status_are_not_a_duplicate(HttpStatusCode status) =>
        Assert.False(DuplicateMeterEvent.IsAlreadyCounted(
            Failure(status, "invalid_request_error", "duplicate_meter_event", $"An event already exists with identifier {Identifier}."), Identifier));

    [Fact]
    public void Another_400_such_as_an_unknown_meter_is_not_a_duplicate() =>
        Assert.False(DuplicateMeterEvent.IsAlreadyCounted(
            Failure(HttpStatusCode.BadRequest, "invalid_request_error", null, "No active meter found with event_name `credits_overage`.", "event_name"), Identifier));
}
