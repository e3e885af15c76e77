namespace Credits.Gateway.Billing;

/// <summary>
/// A customer's invoices and top-up receipts as Stripe has them (GET /v1/customers/{id}/invoices, the portal's
/// "Invoices and receipts"). Amounts are Stripe's, in minor units of <c>Currency</c>; the links are Stripe's hosted
/// pages. <see cref="MoreInvoices"/> / <see cref="MoreReceipts"/>: Stripe holds older ones than the list shows.
/// </summary>
public sealed record CustomerInvoices(string CustomerId, IReadOnlyList<InvoiceView> Invoices, IReadOnlyList<ReceiptView> Receipts,
    bool MoreInvoices, bool MoreReceipts);

/// <summary>
/// One finalized subscription invoice (drafts are left out: Stripe gives them no number and no hosted page).
/// <see cref="Status"/> is Stripe's: <c>paid</c>, <c>open</c> (due; the hosted page takes the payment), <c>void</c>
/// (cancelled, nothing due) or <c>uncollectible</c> (given up by dunning; the hosted page still takes a payment).
/// <see cref="PeriodStart"/>..<see cref="PeriodEnd"/>: the service period of its lines.
/// </summary>
public sealed record InvoiceView(string Id, string? Number, DateTimeOffset Created, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd,
    string Status, string? BillingReason, long Total, long AmountDue, long AmountPaid, long AmountRemaining, string Currency,
    string? HostedInvoiceUrl, string? InvoicePdf);

/// <summary>
/// One paid top-up: the PaymentIntent of a purchase (its <c>purchase_id</c> metadata) and its charge's receipt.
/// <see cref="Credits"/> comes from the purchase's saga (null if Credits has no record of it); <see cref="Amount"/>
/// is what Stripe received, <see cref="AmountRefunded"/> what its charge has refunded since.
/// </summary>
public sealed record ReceiptView(Guid PurchaseId, string PaymentIntentId, DateTimeOffset Created, long? Credits, long Amount,
    long AmountRefunded, string Currency, string? ChargeId, string? ReceiptUrl);
