using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace Credits.IntegrationTests.Hardening;

/// <summary>
/// The real system with small abuse limits, so the tests reach them in a few requests: 5 customer commands a minute,
/// 2 purchases an hour, 2 balance streams per customer and 5 in all. One system for the abuse test classes.
/// </summary>
public sealed class AbuseSystem : SystemUnderTest
{
    public const int CommandsPerMinute = 5;
    public const int PurchasesPerHour = 2;
    public const int StreamsPerCustomer = 2;
    public const int StreamsInAll = 5;
    public const string PortalSigningKey = "abuse-tests-portal-signing-key-of-at-least-32-bytes";

    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["RateLimits__CustomerCommands__PermitLimit"] = CommandsPerMinute.ToString(CultureInfo.InvariantCulture);
        environment["RateLimits__CustomerCommands__Window"] = "00:01:00";
        environment["RateLimits__Purchases__PermitLimit"] = PurchasesPerHour.ToString(CultureInfo.InvariantCulture);
        environment["RateLimits__Purchases__Window"] = "01:00:00";
        environment["RateLimits__BalanceStreams__PerCustomer"] = StreamsPerCustomer.ToString(CultureInfo.InvariantCulture);
        environment["RateLimits__BalanceStreams__Total"] = StreamsInAll.ToString(CultureInfo.InvariantCulture);
        environment["Portal__SigningKey"] = PortalSigningKey;
    }

    /// <summary>
    /// A portal token for <paramref name="customerId"/> that expires at <paramref name="expiresAt"/>, made as the Gateway makes
    /// them (docs: v1.{id}.{expiry}.{HMAC}); the Gateway's own links live at least a minute, too long for a test to wait out.
    /// </summary>
    public static string PortalToken(string customerId, DateTimeOffset expiresAt)
    {
        var id = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(customerId));
        var expiry = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(PortalSigningKey), Encoding.UTF8.GetBytes($"v1\n{id}\n{expiry}"));
        return $"v1.{id}.{expiry}.{Base64Url.EncodeToString(mac)}";
    }
}

[CollectionDefinition(Name)]
public sealed class AbuseCollection : ICollectionFixture<AbuseSystem>
{
    public const string Name = "Abuse limits";
}
