using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Credits.StripeEmulator.Billing;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.Resources;

namespace Credits.StripeEmulator.Control;

/// <summary>
/// The pages behind an invoice's <c>hosted_invoice_url</c> and <c>invoice_pdf</c> and a charge's <c>receipt_url</c>.
/// On Stripe's hosted invoice page the customer sees the invoice and pays an open one with a card
/// (https://docs.stripe.com/invoicing/hosted-invoice-page); here Pay uses card 4242 and Decline card 0002. Paying
/// there is a payment of the invoice like <c>POST /v1/invoices/{id}/pay</c>: <c>invoice.paid</c> and
/// <c>invoice.payment_succeeded</c> (or <c>invoice.payment_failed</c>), and a subscription held back by the invoice is
/// active again. The typed card is not saved to the customer (Stripe's account setting
/// <c>settings.invoices.hosted_payment_method_save</c> decides that; the emulator behaves as "never").
/// </summary>
public static class InvoicePage
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/invoice/{id}", (HttpContext http, string id) => Render(http, id, null));
        app.MapPost("/invoice/{id}/pay", (HttpContext http, string id) => Submit(http, id, "pm_card_visa"));
        app.MapPost("/invoice/{id}/decline", (HttpContext http, string id) => Submit(http, id, "pm_card_chargeDeclined"));
        app.MapGet("/invoice/{id}/pdf", (HttpContext http, string id) => Pdf(http, id));
        app.MapGet("/receipts/{id}", (HttpContext http, string id) => Receipt(http, id));
    }

    private static IResult Submit(HttpContext http, string id, string token)
    {
        try
        {
            var message = WorldAccess.Change(http, w =>
            {
                var invoice = w.Store.Get("invoice", id, "invoice");
                if ((string)invoice["status"]! is not ("open" or "uncollectible")) return $"This invoice is {invoice["status"]}.";
                var card = PaymentMethods.Create(w, TestCard.ByToken(token)!, null);
                if (InvoiceLifecycle.Pay(w, invoice, card: (string)card["id"]!) is { } declined) return declined.Message;
                Dunning.Settled(w, invoice);
                return "Invoice paid.";
            });
            return Render(http, id, message);
        }
        catch (StripeApiException e)
        {
            return Render(http, id, e.Message);
        }
    }

    private static JsonObject? Find(HttpContext http, string type, string id)
    {
        try { return WorldAccess.Change(http, w => (JsonObject)w.Store.Get(type, id, type).DeepClone()); }
        catch (StripeApiException) { return null; }
    }

    private static string Money(JsonNode? amount, JsonNode? currency) =>
        string.Create(CultureInfo.InvariantCulture, $"{(long)amount! / 100m:0.00} {((string)currency!).ToUpperInvariant()}");

    private static IResult Render(HttpContext http, string id, string? message)
    {
        if (Find(http, "invoice", id) is not { } invoice || (string?)invoice["status"] == "draft") return Results.NotFound("No such invoice.");
        var e = (string? s) => WebUtility.HtmlEncode(s ?? "");
        var status = (string)invoice["status"]!;
        var lines = string.Concat(invoice["lines"]!["data"]!.AsArray().Select(l =>
            $"<tr><td>{e((string?)l!["description"])}</td><td>{Money(l["amount"], invoice["currency"])}</td></tr>"));
        var html = $"""
            <!doctype html><html><head><meta charset="utf-8"><title>Invoice {e((string?)invoice["number"])} (Stripe emulator)</title>
            <style>body{"{"}font-family:sans-serif;max-width:32rem;margin:3rem auto{"}"} td{"{"}padding:.2rem .6rem{"}"} button{"{"}font-size:1rem;margin:.3rem;padding:.5rem 1rem{"}"}</style></head>
            <body><h1>Invoice {e((string?)invoice["number"])}</h1>
            <p>{e((string?)invoice["account_name"])} · status <strong id="status">{status}</strong></p>
            <table>{lines}</table>
            <p>Amount due <strong id="amount-due">{Money(invoice["amount_due"], invoice["currency"])}</strong>,
               paid <span id="amount-paid">{Money(invoice["amount_paid"], invoice["currency"])}</span></p>
            {(message is null ? "" : $"<p id=\"message\">{e(message)}</p>")}
            {(status is not ("open" or "uncollectible") ? "" : $"""
                <form method="post" action="/invoice/{e(id)}/pay"><button id="pay">Pay with 4242 4242 4242 4242</button></form>
                <form method="post" action="/invoice/{e(id)}/decline"><button id="decline">Pay with a declining card (…0002)</button></form>
                """)}
            <p><a id="pdf" href="/invoice/{e(id)}/pdf">Download PDF</a></p>
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static IResult Receipt(HttpContext http, string id)
    {
        if (Find(http, "charge", id) is not { } charge || charge["paid"]?.GetValue<bool>() != true) return Results.NotFound("No such receipt.");
        var e = (string? s) => WebUtility.HtmlEncode(s ?? "");
        var refunded = (long)charge["amount_refunded"]! > 0 ? $"<p>Refunded <span id=\"refunded\">{Money(charge["amount_refunded"], charge["currency"])}</span></p>" : "";
        var html = $"""
            <!doctype html><html><head><meta charset="utf-8"><title>Receipt (Stripe emulator)</title></head>
            <body style="font-family:sans-serif;max-width:28rem;margin:3rem auto"><h1>Receipt</h1>
            <p>Amount paid <strong id="amount">{Money(charge["amount"], charge["currency"])}</strong></p>
            <p>{e((string?)charge["description"])}</p>
            <p>Card {e((string?)charge["payment_method_details"]?["card"]?["brand"])} ending {e((string?)charge["payment_method_details"]?["card"]?["last4"])}</p>
            {refunded}
            <p>Charge <code>{e(id)}</code></p></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>A one-page PDF with the invoice's number, lines and amounts (Stripe's <c>invoice_pdf</c> is a PDF too).</summary>
    private static IResult Pdf(HttpContext http, string id)
    {
        if (Find(http, "invoice", id) is not { } invoice || (string?)invoice["status"] == "draft") return Results.NotFound("No such invoice.");
        var text = new List<string> { $"Invoice {invoice["number"]}", $"Status: {invoice["status"]}" };
        text.AddRange(invoice["lines"]!["data"]!.AsArray().Select(l => $"{l!["description"]}: {Money(l["amount"], invoice["currency"])}"));
        text.Add($"Amount due: {Money(invoice["amount_due"], invoice["currency"])}");
        text.Add($"Amount paid: {Money(invoice["amount_paid"], invoice["currency"])}");
        return Results.File(OnePagePdf(text), "application/pdf", $"{invoice["number"]}.pdf");
    }

    private static byte[] OnePagePdf(IReadOnlyList<string> lines)
    {
        static string Escape(string s)
        {
            var escaped = new StringBuilder();
            foreach (var c in s.Where(c => c is >= ' ' and <= '~'))
            {
                if (c is '(' or ')' or '\\') escaped.Append('\\');
                escaped.Append(c);
            }
            return escaped.ToString();
        }
        var content = new StringBuilder("BT /F1 12 Tf 50 780 Td 16 TL\n");
        foreach (var line in lines) content.Append('(').Append(Escape(line)).Append(") Tj T*\n");
        content.Append("ET");
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {content.Length} >>\nstream\n{content}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = pdf.Length;
        pdf.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets) pdf.Append($"{offset:D10} 00000 n \n");
        pdf.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }
}
