using System.Globalization;

namespace Credits.Contracts.Customers;

/// <summary>
/// The one encoding of a key made of the app's customer id and a value the caller chose (an Idempotency-Key, a usage
/// event id): <c>kind:length-of-the-customer-id:customer-id:value</c>, e.g. <c>usage:6:acme-1:evt-9</c>. The length
/// prefix makes it unambiguous: "a:b" with "c" and "a" with "b:c" joined by colons alone read the same text, and so
/// named the same operation for two customers (issue 12). Each customer has its own key space: the same value sent
/// for another customer is another key.
/// </summary>
public static class CustomerScopedKey
{
    public static string Of(string kind, string customerId, string value) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind}:{customerId.Length}:{customerId}:{value}");
}
