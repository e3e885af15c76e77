namespace Credits.Persistence.Webhooks;

/// <summary>Which URLs an endpoint may have: absolute https; http only where a setting allows it (development, tests).</summary>
public static class WebhookUrls
{
    public const int MaxLength = 2000;

    /// <summary>Null when <paramref name="url"/> may be used, else why not, for a problem naming the field.</summary>
    public static string? Refusal(string? url, bool allowHttp)
    {
        if (string.IsNullOrWhiteSpace(url)) return "url is required";
        if (url.Length > MaxLength) return $"url is longer than {MaxLength} characters";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return "url must be an absolute URL";
        if (uri.Scheme == Uri.UriSchemeHttps) return null;
        if (uri.Scheme == Uri.UriSchemeHttp) return allowHttp ? null : "url must use https";
        return "url must use https";
    }
}
