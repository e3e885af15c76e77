using System.Globalization;
using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Resources;

/// <summary><c>price</c>: one-time or recurring, licensed or metered (with a billing meter), found by lookup key.</summary>
public static class Prices
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/v1/prices", Api.Handle(Create));
        api.MapGet("/v1/prices/search", Api.Handle(c =>
            Lists.SearchResult(c.Store.All("price").Where(SearchQuery.Parse(c.Params.Required("query"))), "/v1/prices/search")));
        api.MapGet("/v1/prices/{id}", Api.Handle(c => c.Store.Get("price", c.Route("id"), "price")));
        api.MapPost("/v1/prices/{id}", Api.Handle(Update));
        api.MapGet("/v1/prices", Api.Handle(List));
    }

    private static JsonNode Create(ApiCall c)
    {
        var p = c.Params;
        var currency = p.Required("currency").ToLowerInvariant();
        string product;
        if (p.Object("product_data") is { } productData) product = (string)Products.Create(c, productData)["id"]!;
        else product = (string)c.Store.Get("product", p.Required("product"), "product", "product")["id"]!;

        var unitAmountDecimal = p.Decimal("unit_amount_decimal") ?? p.Long("unit_amount")
            ?? throw StripeApiException.MissingParam("unit_amount");
        JsonObject? recurring = null;
        if (p.Object("recurring") is { } r)
        {
            var usageType = r.String("usage_type") ?? "licensed";
            var meter = r.String("meter");
            if (usageType == "metered" && meter is null)
                throw StripeApiException.MissingParam("recurring[meter]");
            if (meter is not null) c.Store.Get("billing.meter", meter, "billing meter", "recurring[meter]");
            var interval = r.Required("interval");
            if (interval is not ("day" or "week" or "month" or "year"))
                throw StripeApiException.InvalidParam("recurring[interval]", $"Invalid interval: {interval}");
            recurring = new JsonObject
            {
                ["interval"] = interval,
                ["interval_count"] = r.Long("interval_count") ?? 1,
                ["meter"] = meter,
                ["trial_period_days"] = null,
                ["usage_type"] = usageType,
            };
        }
        var lookupKey = p.String("lookup_key");
        if (lookupKey is not null) ClaimLookupKey(c, lookupKey, p.Bool("transfer_lookup_key") == true);
        var isWhole = unitAmountDecimal == decimal.Truncate(unitAmountDecimal);
        var price = new JsonObject
        {
            ["id"] = Ids.New("price"),
            ["object"] = "price",
            ["active"] = p.Bool("active") ?? true,
            ["billing_scheme"] = "per_unit",
            ["created"] = c.Clocks.WallNow,
            ["currency"] = currency,
            ["custom_unit_amount"] = null,
            ["livemode"] = false,
            ["lookup_key"] = lookupKey,
            ["metadata"] = Api.Metadata(null, p),
            ["nickname"] = p.String("nickname"),
            ["product"] = product,
            ["recurring"] = recurring,
            ["tax_behavior"] = p.String("tax_behavior") ?? "unspecified",
            ["tiers_mode"] = null,
            ["transform_quantity"] = null,
            ["type"] = recurring is null ? "one_time" : "recurring",
            ["unit_amount"] = isWhole ? (long)unitAmountDecimal : null,
            ["unit_amount_decimal"] = unitAmountDecimal.ToString(CultureInfo.InvariantCulture),
        };
        c.Store.Add(price);
        c.Emit("price.created", price);
        return price;
    }

    /// <summary>A lookup key names one price at a time; <c>transfer_lookup_key</c> moves it.</summary>
    private static void ClaimLookupKey(ApiCall c, string lookupKey, bool transfer)
    {
        var holder = c.Store.All("price").FirstOrDefault(x => (string?)x["lookup_key"] == lookupKey);
        if (holder is null) return;
        if (!transfer)
            throw StripeApiException.Invalid(
                $"A price (`{holder["id"]}`) already uses that lookup key. Set transfer_lookup_key to move it.", "lookup_key");
        var before = (JsonObject)holder.DeepClone();
        holder["lookup_key"] = null;
        c.Emit("price.updated", holder, Api.PreviousAttributes(before, holder));
    }

    private static JsonNode Update(ApiCall c)
    {
        var price = c.Store.Get("price", c.Route("id"), "price");
        foreach (var immutable in new[] { "unit_amount", "unit_amount_decimal", "currency", "recurring", "product" })
            if (c.Params.Has(immutable))
                throw StripeApiException.Invalid($"Received unknown parameter: {immutable}", immutable, "parameter_unknown");
        var before = (JsonObject)price.DeepClone();
        if (c.Params.Bool("active") is { } active) price["active"] = active;
        if (c.Params.Has("nickname")) price["nickname"] = c.Params.String("nickname") is { Length: > 0 } n ? n : null;
        if (c.Params.Has("metadata")) price["metadata"] = Api.Metadata(price["metadata"] as JsonObject, c.Params);
        if (c.Params.Has("lookup_key"))
        {
            var key = c.Params.String("lookup_key");
            if (!string.IsNullOrEmpty(key) && key != (string?)price["lookup_key"])
                ClaimLookupKey(c, key, c.Params.Bool("transfer_lookup_key") == true);
            price["lookup_key"] = string.IsNullOrEmpty(key) ? null : key;
        }
        var previous = Api.PreviousAttributes(before, price);
        if (previous.Count > 0) c.Emit("price.updated", price, previous);
        return price;
    }

    private static JsonNode List(ApiCall c)
    {
        IEnumerable<JsonObject> items = c.Store.All("price").Where(c.Params, "product", "type", "currency");
        if (c.Params.Bool("active") is { } active) items = items.Where(x => (bool)x["active"]! == active);
        var keys = c.Params.Strings("lookup_keys");
        if (keys.Count > 0) items = items.Where(x => keys.Contains((string?)x["lookup_key"] ?? "\0"));
        if (c.Params.String("recurring.usage_type") is { } usage) items = items.Where(x => (string?)x["recurring"]?["usage_type"] == usage);
        if (c.Params.String("recurring.meter") is { } meter) items = items.Where(x => (string?)x["recurring"]?["meter"] == meter);
        return Lists.Page(items, c.Params, "/v1/prices");
    }
}
