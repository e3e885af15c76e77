using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Resources;

/// <summary><c>product</c>.</summary>
public static class Products
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/v1/products", Api.Handle(c => Create(c, c.Params)));
        api.MapGet("/v1/products/search", Api.Handle(c =>
            Lists.SearchResult(c.Store.All("product").Where(SearchQuery.Parse(c.Params.Required("query"))), "/v1/products/search")));
        api.MapGet("/v1/products/{id}", Api.Handle(c => c.Store.Get("product", c.Route("id"), "product")));
        api.MapPost("/v1/products/{id}", Api.Handle(Update));
        api.MapGet("/v1/products", Api.Handle(c =>
        {
            var items = c.Store.All("product");
            if (c.Params.Bool("active") is { } active) items = items.Where(p => (bool)p["active"]! == active);
            return Lists.Page(items, c.Params, "/v1/products");
        }));
    }

    public static JsonObject Create(ApiCall c, StripeParams p)
    {
        var id = p.String("id") is { Length: > 0 } given ? given : Ids.New("prod");
        if (c.Store.Find(id) is not null)
            throw StripeApiException.Invalid($"Product already exists: {id}", "id", "resource_already_exists");
        var now = c.Clocks.WallNow;
        var product = new JsonObject
        {
            ["id"] = id,
            ["object"] = "product",
            ["active"] = p.Bool("active") ?? true,
            ["created"] = now,
            ["default_price"] = null,
            ["description"] = p.String("description"),
            ["images"] = new JsonArray(),
            ["livemode"] = false,
            ["marketing_features"] = new JsonArray(),
            ["metadata"] = Api.Metadata(null, p),
            ["name"] = p.Required("name"),
            ["package_dimensions"] = null,
            ["shippable"] = null,
            ["statement_descriptor"] = p.String("statement_descriptor"),
            ["tax_code"] = null,
            ["type"] = "service",
            ["unit_label"] = p.String("unit_label"),
            ["updated"] = now,
            ["url"] = null,
        };
        c.Store.Add(product);
        c.Emit("product.created", product);
        return product;
    }

    private static JsonNode Update(ApiCall c)
    {
        var product = c.Store.Get("product", c.Route("id"), "product");
        var before = (JsonObject)product.DeepClone();
        foreach (var field in new[] { "name", "description", "statement_descriptor", "unit_label" })
            if (c.Params.Has(field)) product[field] = c.Params.String(field) is { Length: > 0 } v ? v : null;
        if (c.Params.Bool("active") is { } active) product["active"] = active;
        if (c.Params.Has("metadata")) product["metadata"] = Api.Metadata(product["metadata"] as JsonObject, c.Params);
        if (c.Params.String("default_price") is { Length: > 0 } price)
        {
            var p = c.Store.Get("price", price, "price", "default_price");
            if ((string?)p["product"] != (string)product["id"]!)
                throw StripeApiException.InvalidParam("default_price", "The default price must belong to this product.");
            product["default_price"] = price;
        }
        var previous = Api.PreviousAttributes(before, product);
        if (previous.Count > 0)
        {
            product["updated"] = c.Clocks.WallNow;
            c.Emit("product.updated", product, previous);
        }
        return product;
    }
}
