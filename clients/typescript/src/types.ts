/**
 * The SDK's public types: the generated ones (src/generated/openapi.ts, from the Gateway's OpenAPI document) under
 * the names an app reads them by. Only what the document does not describe is written here by hand.
 */
import type * as Api from "./generated/openapi.js";

export type { Api };

/**
 * A request body as a caller writes it: the document marks a request's nullable members required (ASP.NET Core lists
 * every constructor parameter), but the Gateway treats a missing one as null, so those may be left out.
 */
export type Input<T> = { [K in keyof T as null extends T[K] ? K : never]?: T[K] } & { [K in keyof T as null extends T[K] ? never : K]: T[K] };

export type CreditBalance = Api.CreditBalance;
export type LedgerPage = Api.EntryPage;
export type LedgerEntry = Api.LedgerEntryView;
export type Entitlement = Api.Entitlement;
/**
 * One usage event: `credits`, or `quantity` of `unit` of `feature` priced by the rate card. The document marks
 * `credits` required (a C# long without a default), but the Gateway reads a missing one as 0, as priced usage sends it.
 */
export type UsageEvent = Omit<Input<Api.UsageEvent>, "credits"> & { credits?: number };
export type UsageEventResult = Api.UsageEventResult;
export type RecordUsageResult = Api.RecordUsageResponse;
export type UsageBreakdown = Api.UsageBreakdown;
export type Member = Api.MemberView;
export type RateCard = Api.RateCardView;
export type Customer = Api.CustomerView;
export type RegisterCustomer = Input<Api.RegisterCustomerRequest> & { customerId: string };
export type OperationAccepted = Api.OperationAcceptedResponse;
export type Operation = Api.OperationView;
export type Purchase = Api.PurchaseResponse;
export type AutoTopUpSettings = Input<Api.AutoTopUpRequest>;
export type AutoTopUpConfigured = Api.AutoTopUpConfigured;
export type AutoTopUp = Api.AutoTopUpView;
export type PortalSession = Api.PortalSession;
export type CancellationAccepted = Api.CancellationAcceptedResponse;
export type Cancellation = Api.CancellationView;
export type SpendCapSettings = Api.SpendCapRequest;
export type SpendCap = Api.SpendCapView;
export type WebhookEndpoint = Api.WebhookEndpointView;
export type WebhookEndpointWithSecret = Api.WebhookEndpointWithSecret;
export type WebhookDelivery = Api.WebhookDeliveryView;
export type CreateWebhookEndpoint = Input<Api.CreateWebhookEndpoint> & { url: string; eventTypes: string[] };

/**
 * POST /v1/customers answers 200 with the customer once it is registered, or 202 while the registration runs:
 * `accepted` says which, `customer` is there when the Gateway had it.
 */
export interface CustomerRegistration {
  customerId: string;
  state: string;
  customer: Customer | null;
  accepted: boolean;
}

/**
 * A reservation after reserve, settle or release. `outcome` is "applied", or "duplicate" when the same request
 * (Idempotency-Key, or the same reservation settled again) was applied before.
 */
export type Reservation = Api.ReservationResponse;
