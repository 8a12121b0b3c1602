import { describe, expect, it } from "vitest";
import { TriggerError } from "../../shared/http/TriggerError";
import { DeliveryRefusedError, type DeliveryRefusal } from "../../shared/webhooks/errors";
import { parsePayload, readDelivery } from "../../shared/webhooks/readDelivery";
import { REFUSAL_STATUS, refusalAsHttp } from "../../functions/webhooks/acceptDelivery";

// The intake's domain errors and the one table that turns them into what Kick is answered.

describe("a refused delivery at the webhooks Worker's edge", () => {
  it("maps every refusal to the status Kick has always been answered with", () => {
    expect(REFUSAL_STATUS).toEqual({
      too_large: 413,
      missing_header: 400,
      bad_signature: 401,
      bad_timestamp: 400,
      stale_timestamp: 400,
      unknown_event: 400,
      invalid_payload: 400,
    } satisfies Record<DeliveryRefusal, number>);
  });

  it.each(Object.entries(REFUSAL_STATUS) as [DeliveryRefusal, number][])(
    "%s becomes a TriggerError %i with its code, words and details",
    (code, status) => {
      const details = [{ field: "kick-event-type", reason: "why" }];
      const http = refusalAsHttp(new DeliveryRefusedError(code, `refused: ${code}`, details));
      expect(http).toBeInstanceOf(TriggerError);
      expect(http).toMatchObject({ status, code, message: `refused: ${code}`, details, headers: {} });
    },
  );

  it("the domain code throws domain errors, not HTTP ones", async () => {
    const missing = await readDelivery(new Headers(), "{}", { keys: [], now: 0, maxAgeMs: 1 }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DeliveryRefusedError);
    expect(missing).not.toBeInstanceOf(TriggerError);
    expect(missing).toMatchObject({ code: "missing_header" });
    expect((missing as DeliveryRefusedError).details).toContainEqual({
      field: "kick-event-signature",
      reason: "required",
    });
    const notJson = (() => {
      try {
        return parsePayload("channel.followed", "not json");
      } catch (error) {
        return error;
      }
    })();
    expect(notJson).toBeInstanceOf(DeliveryRefusedError);
    expect(notJson).toMatchObject({ code: "invalid_payload", details: undefined });
  });
});
