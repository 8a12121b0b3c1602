import * as z from "zod/mini";
import { loose } from "./common";

export const TokenResponse = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  token_type: loose(z.string()),
  refresh_token: loose(z.string()),
  // Seen as a number; a numeric string is tolerated, but never NaN or a non-positive lifetime.
  expires_in: z.pipe(
    z.union([z.number(), z.string()]),
    z.pipe(
      z.transform((v: string | number) => Number(v)),
      z.number().check(z.gt(0)),
    ),
  ),
  scope: loose(z.string()),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

export const Introspection = z.looseObject({
  active: z.boolean(),
  client_id: loose(z.string()),
  token_type: loose(z.string()),
  scope: loose(z.string()),
  exp: loose(z.number()),
});
export type Introspection = z.infer<typeof Introspection>;
