import * as z from "zod/mini";

export const PublicKey = z.looseObject({
  public_key: z.string().check(z.includes("PUBLIC KEY", "must be a PEM public key")),
});
