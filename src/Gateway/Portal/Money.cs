using System.Globalization;

namespace Credits.Gateway.Portal;

/// <summary>Minor units as people read them, for the preview's sentences (the page formats amounts itself).</summary>
static class Money
{
    public static string Format(long minorUnits, string currency) =>
        (minorUnits / 100m).ToString("0.00", CultureInfo.InvariantCulture) + " " + currency.ToUpperInvariant();

    public static string FormatUnit(decimal minorUnits, string currency) =>
        (minorUnits / 100m).ToString("0.00###", CultureInfo.InvariantCulture) + " " + currency.ToUpperInvariant();
}
