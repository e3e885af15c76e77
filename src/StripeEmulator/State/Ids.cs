using System.Security.Cryptography;

namespace Credits.StripeEmulator.State;

/// <summary>Stripe-style ids: a type prefix and 24 random alphanumerics (<c>cus_...</c>, <c>price_...</c>).</summary>
public static class Ids
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New(string prefix) => $"{prefix}_{Random(24)}";

    public static string Random(int length) => RandomNumberGenerator.GetString(Alphabet, length);
}
