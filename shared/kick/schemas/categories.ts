import * as z from "zod/mini";
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

export const SearchCategoriesInput = z.object({
  q: z.string().check(z.minLength(1, "must not be empty")),
  page: z.optional(z.int().check(z.positive("must be a positive integer"))),
});

export const GetCategoryInput = z.object({
  category_id: z.int().check(z.positive("must be a positive integer")),
});

export const Category = z.looseObject({
  id: z.int(),
  name: z.string(),
  thumbnail: loose(z.string()),
  tags: loose(z.array(z.string())),
});
export type Category = z.infer<typeof Category>;

export const CategoryDetail = z.looseObject({
  id: z.int(),
  name: z.string(),
  thumbnail: loose(z.string()),
  tags: loose(z.array(z.string())),
  viewer_count: loose(z.number()),
});
