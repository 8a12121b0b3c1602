import * as z from "zod/mini";
import { describe, expect, it } from "vitest";
import { describeIssues } from "../../shared/validation/describeIssues";
import { searchParamsToInput } from "../../shared/validation/searchParamsToInput";

const q = (query: string) => new URLSearchParams(query);

describe("searchParamsToInput: query parameters shaped by the schema", () => {
  const schema = z.object({
    id: z.optional(z.array(z.int())),
    slug: z.optional(z.array(z.string())),
    limit: z.optional(z.int()),
    ratio: z.optional(z.number()),
    live: z.optional(z.boolean()),
    name: z.optional(z.string()),
    maybe: z.nullable(z.int()),
  });

  it("repeated keys become an array, each item coerced to the element type", () => {
    expect(searchParamsToInput(schema, q("id=1&id=22&id=-3"))).toEqual({ id: [1, 22, -3] });
    expect(searchParamsToInput(schema, q("slug=a&slug=007"))).toEqual({ slug: ["a", "007"] });
  });

  it("one value for an array field is still an array", () => {
    expect(searchParamsToInput(schema, q("id=5"))).toEqual({ id: [5] });
  });

  it("empty values are dropped from arrays (id=&id=2)", () => {
    expect(searchParamsToInput(schema, q("id=&id=2&id="))).toEqual({ id: [2] });
  });

  it("a scalar field takes the last of repeated values", () => {
    expect(searchParamsToInput(schema, q("limit=1&limit=9"))).toEqual({ limit: 9 });
  });

  it("digits become numbers where the schema wants a number or an integer, through optional and nullable", () => {
    expect(searchParamsToInput(schema, q("limit=25&ratio=1.5&maybe=7"))).toEqual({ limit: 25, ratio: 1.5, maybe: 7 });
  });

  it("anything that is not plainly a number is left as text, for the schema to refuse", () => {
    expect(searchParamsToInput(schema, q("limit=12abc"))).toEqual({ limit: "12abc" });
    expect(searchParamsToInput(schema, q("limit=1e3"))).toEqual({ limit: "1e3" });
    expect(searchParamsToInput(schema, q("limit="))).toEqual({ limit: "" });
    expect(searchParamsToInput(schema, q("id=x&id=2"))).toEqual({ id: ["x", 2] });
  });

  it("true and false become booleans; other words do not", () => {
    expect(searchParamsToInput(schema, q("live=true"))).toEqual({ live: true });
    expect(searchParamsToInput(schema, q("live=false"))).toEqual({ live: false });
    expect(searchParamsToInput(schema, q("live=yes"))).toEqual({ live: "yes" });
  });

  it("a string field keeps digits as text", () => {
    expect(searchParamsToInput(schema, q("name=0042"))).toEqual({ name: "0042" });
  });

  it("parameters the schema does not have are dropped, prototype names included", () => {
    const input = searchParamsToInput(schema, q("other=1&__proto__=x&constructor=y&toString=z&limit=3"));
    expect(input).toEqual({ limit: 3 });
    expect(Object.keys(input)).toEqual(["limit"]);
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
  });

  it("with no parameters the input is empty", () => {
    expect(searchParamsToInput(schema, q(""))).toEqual({});
  });

  it("the result passes the schema it was shaped for", () => {
    const parsed = z.safeParse(schema, searchParamsToInput(schema, q("id=1&id=2&limit=10&live=true&maybe=3")));
    expect(parsed.success).toBe(true);
  });
});

/** What describeIssues says about `input` against `schema` (reportInput, as checkInput parses). */
function issuesOf(schema: z.ZodMiniType, input: unknown) {
  const result = z.safeParse(schema, input, { reportInput: true });
  if (result.success) throw new Error("expected the input to be refused");
  return describeIssues(result.error.issues);
}

describe("describeIssues: which field, and why, in plain words", () => {
  it("a missing field is required; a present one of the wrong type names the type", () => {
    const schema = z.object({ user_id: z.int(), name: z.string(), tags: z.array(z.string()), meta: z.object({}) });
    expect(issuesOf(schema, {})).toEqual([
      { field: "user_id", reason: "is required" },
      { field: "name", reason: "is required" },
      { field: "tags", reason: "is required" },
      { field: "meta", reason: "is required" },
    ]);
    expect(issuesOf(schema, { user_id: "x", name: 5, tags: "a", meta: 1 })).toEqual([
      { field: "user_id", reason: "must be a number" },
      { field: "name", reason: "must be a string" },
      { field: "tags", reason: "must be an array" },
      { field: "meta", reason: "must be an object" },
    ]);
  });

  it("null is a value of the wrong type, not a missing field", () => {
    expect(issuesOf(z.object({ name: z.string() }), { name: null })).toEqual([
      { field: "name", reason: "must be a string" },
    ]);
  });

  it("a fraction where an integer is wanted must be an integer", () => {
    expect(issuesOf(z.object({ user_id: z.int() }), { user_id: 1.5 })).toEqual([
      { field: "user_id", reason: "must be an integer" },
    ]);
  });

  it("an enum lists what it accepts", () => {
    expect(issuesOf(z.object({ as: z.enum(["broadcaster", "bot"]) }), { as: "mod" })).toEqual([
      { field: "as", reason: 'must be one of "broadcaster", "bot"' },
    ]);
  });

  it("unknown fields of a strict object are named", () => {
    expect(issuesOf(z.strictObject({ a: z.string() }), { a: "x", b: 1, c: 2 })).toEqual([
      { field: "", reason: "unknown field(s) b, c" },
    ]);
  });

  it("size limits without a message of their own say the bound, in characters, items or plain", () => {
    expect(issuesOf(z.object({ s: z.string().check(z.maxLength(5)) }), { s: "toolong" })).toEqual([
      { field: "s", reason: "must be at most 5 characters" },
    ]);
    expect(issuesOf(z.object({ s: z.string().check(z.minLength(2)) }), { s: "x" })).toEqual([
      { field: "s", reason: "must be at least 2 characters" },
    ]);
    expect(issuesOf(z.object({ l: z.array(z.int()).check(z.maxLength(2)) }), { l: [1, 2, 3] })).toEqual([
      { field: "l", reason: "takes at most 2 items" },
    ]);
    expect(issuesOf(z.object({ n: z.int().check(z.gte(3)) }), { n: 1 })).toEqual([
      { field: "n", reason: "must be at least 3" },
    ]);
  });

  it("a limit's own message wins", () => {
    expect(issuesOf(z.object({ n: z.int().check(z.lte(10, "is too many")) }), { n: 11 })).toEqual([
      { field: "n", reason: "is too many" },
    ]);
  });

  it("a refinement says its message, or 'is invalid' when it has none", () => {
    expect(issuesOf(z.object({ s: z.string().check(z.refine((v) => v === "ok", "must be ok")) }), { s: "no" })).toEqual(
      [{ field: "s", reason: "must be ok" }],
    );
    expect(issuesOf(z.object({ s: z.string().check(z.refine((v) => v === "ok")) }), { s: "no" })).toEqual([
      { field: "s", reason: "is invalid" },
    ]);
  });

  it("nested fields are named by their dotted path", () => {
    const schema = z.object({ events: z.array(z.object({ name: z.string(), version: z.int() })) });
    expect(issuesOf(schema, { events: [{ name: "a", version: 1 }, { name: "b" }] })).toEqual([
      { field: "events.1.version", reason: "is required" },
    ]);
  });

  it("the input's values never appear in the reasons", () => {
    const secret = "tok_very_secret_value";
    const reasons = issuesOf(z.object({ n: z.int(), e: z.enum(["a"]) }), { n: secret, e: secret });
    expect(JSON.stringify(reasons)).not.toContain(secret);
  });
});
