import * as z from "zod/mini";
import type { EndpointTable } from "../endpoints";
import { Empty } from "./common";

export const PublicKey = z.looseObject({
  public_key: z.string().check(z.includes("PUBLIC KEY", "must be a PEM public key")),
});

export const PUBLIC_KEY_ENDPOINTS = {
  getPublicKey: {
    method: "GET",
    path: "/public/v1/public-key",
    scope: null,
    auth: "none",
    input: Empty,
    output: PublicKey,
    send: "query",
  },
} as const satisfies EndpointTable;
