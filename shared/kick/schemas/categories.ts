import * as z from "zod/mini";
import type { EndpointTable } from "../endpoints";
import { intBetween, listOf, loose } from "./common";
import { KICK_LIMITS } from "../limits";

const cursorV2 = z
  .string()
  .check(
    z.minLength(1, "must not be empty"),
    z.maxLength(KICK_LIMITS.categoriesV2CursorMax, `must be at most ${KICK_LIMITS.categoriesV2CursorMax} characters`),
  );

export const ListCategoriesInput = z.object({
  cursor: z.optional(cursorV2),
  limit: z.optional(intBetween(KICK_LIMITS.listLimitMin, KICK_LIMITS.listLimitMax)),
  name: z.optional(listOf(z.string().check(z.minLength(1, "must not be empty")), 1, 25)),
  tag: z.optional(listOf(z.string().check(z.minLength(1, "must not be empty")), 1, 25)),
  id: z.optional(listOf(z.int().check(z.positive("must be a positive integer")), 1, 25)),
});

export const Category = z.looseObject({
  id: z.int(),
  name: z.string(),
  thumbnail: loose(z.string()),
  tags: loose(z.array(z.string())),
});
export type Category = z.infer<typeof Category>;

export const CATEGORY_ENDPOINTS = {
  listCategories: {
    method: "GET",
    path: "/public/v2/categories",
    scope: null,
    input: ListCategoriesInput,
    output: z.array(Category),
    send: "query",
    paginated: true,
  },
} as const satisfies EndpointTable;
