import type { FieldIssue } from "../validation/describeIssues";

// The webhooks domain's failures. Each has a stable `code`; the Worker that called decides
// the HTTP status (webhooks: acceptDelivery.ts; automations: toTriggerError.ts).

/** Why a delivery to POST /kick is not one to act on, in the order they are checked. */
export type DeliveryRefusal =
  | "too_large"
  | "missing_header"
  | "bad_signature"
  | "bad_timestamp"
  | "stale_timestamp"
  | "unknown_event"
  | "invalid_payload";

/**
 * A delivery refused at the intake: `code` says which check failed, `details` which fields
 * (a header, or the payload's paths). The message names no secret; it may quote a header.
 */
export class DeliveryRefusedError extends Error {
  override name = "DeliveryRefusedError";
  constructor(
    readonly code: DeliveryRefusal,
    message: string,
    readonly details?: FieldIssue[],
  ) {
    super(message);
  }
}

/** Another subscription sync for this channel holds the lease. */
export class SyncInProgressError extends Error {
  override name = "SyncInProgressError";
  readonly code = "sync_in_progress";
  constructor() {
    super("A subscription sync for this channel is running; try again in a minute.");
  }
}
