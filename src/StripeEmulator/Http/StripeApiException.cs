using System.Text.Json.Nodes;

namespace Credits.StripeEmulator.Http;

/// <summary>An error answered with Stripe's envelope: <c>{"error":{type,code,message,param,...}}</c>.</summary>
public sealed class StripeApiException(int status, string type, string? code, string message, string? param = null)
    : Exception(message)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string? Code { get; } = code;
    public string? Param { get; } = param;
    public string? DeclineCode { get; init; }
    public JsonObject? PaymentIntent { get; init; }

    /// <summary>The SetupIntent a declined setup carries in its error, as Stripe's <c>error.setup_intent</c>.</summary>
    public JsonObject? SetupIntent { get; init; }

    /// <summary>
    /// Refused by parameter validation, before the endpoint began executing: Stripe saves no idempotent
    /// result for it, so a corrected retry under the same key executes (<see cref="Idempotency"/>).
    /// Errors raised while executing (a missing resource, a declined card, a state rule) are saved.
    /// </summary>
    public bool BeforeExecution { get; init; }

    /// <summary>Headers Stripe sends with this error (e.g. <c>Stripe-Should-Retry: false</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public JsonObject ToEnvelope(string requestId)
    {
        var error = new JsonObject
        {
            ["type"] = Type,
            ["code"] = Code,
            ["message"] = Message,
            ["param"] = Param,
            ["request_log_url"] = $"https://dashboard.stripe.com/test/logs/{requestId}",
        };
        if (Code is not null) error["doc_url"] = $"https://stripe.com/docs/error-codes/{Code.Replace('_', '-')}";
        if (DeclineCode is not null) error["decline_code"] = DeclineCode;
        if (PaymentIntent is not null) error["payment_intent"] = PaymentIntent.DeepClone();
        if (SetupIntent is not null) error["setup_intent"] = SetupIntent.DeepClone();
        return new JsonObject { ["error"] = error };
    }

    public static StripeApiException MissingParam(string param) =>
        new(400, "invalid_request_error", "parameter_missing", $"Missing required param: {param}.", param) { BeforeExecution = true };

    /// <summary>A parameter of the wrong type or format (not a number, not a date, an unknown enum value): refused before execution.</summary>
    public static StripeApiException Malformed(string param, string message) =>
        new(400, "invalid_request_error", "parameter_invalid", message, param) { BeforeExecution = true };

    public static StripeApiException InvalidParam(string param, string message) =>
        new(400, "invalid_request_error", "parameter_invalid", message, param);

    public static StripeApiException NoSuchResource(string kind, string id, string param = "id") =>
        new(404, "invalid_request_error", "resource_missing", $"No such {kind}: '{id}'", param);

    public static StripeApiException Invalid(string message, string? param = null, string? code = null) =>
        new(400, "invalid_request_error", code, message, param);

    public static StripeApiException CardDeclined(string code, string declineCode, string message) =>
        new(402, "card_error", code, message) { DeclineCode = declineCode };
}
