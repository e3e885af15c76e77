namespace Credits.Client;

/// <summary>
/// Where the Credits Gateway is and the API key to call it with (<c>services.AddCreditsClient(o => ...)</c>).
/// Checked when the host starts (ValidateOnStart), so a missing key fails the deployment, not the first request.
/// </summary>
public sealed class CreditsClientOptions
{
    /// <summary>The Gateway's absolute address, e.g. https://credits.example.com/ (the client adds /v1/...).</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>A Gateway API key (Authorization: Bearer). Never logged, never put in an exception message.</summary>
    public string ApiKey { get; set; } = "";

    // Options objects end up in logs and debugger views: the key must not go with them.
    public override string ToString() => $"CreditsClientOptions {{ BaseAddress = {BaseAddress}, ApiKey = {(ApiKey.Length > 0 ? "***" : "(none)")} }}";
}
