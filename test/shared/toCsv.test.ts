import { describe, expect, it } from "vitest";
import { toCsv } from "../../shared/leaderboard/toCsv";

describe("toCsv", () => {
  it("writes a header from the first row's keys, then one line per row, each ending in CRLF", () => {
    const rows = [
      { rank: 1, username: "alice", amount: 500 },
      { rank: 2, username: "bob", amount: 120 },
    ];
    expect(toCsv(rows)).toBe("rank,username,amount\r\n1,alice,500\r\n2,bob,120\r\n");
  });

  it("takes the columns given, in their order, leaving out the others", () => {
    const rows = [{ a: 1, b: 2, c: 3 }];
    expect(toCsv(rows, ["c", "a"])).toBe("c,a\r\n3,1\r\n");
  });

  it("leaves a cell empty for null, undefined and a missing column", () => {
    expect(toCsv([{ a: null, b: undefined }], ["a", "b", "c"])).toBe("a,b,c\r\n,,\r\n");
  });

  it("keeps 0 and false (they are values, not blanks)", () => {
    expect(toCsv([{ n: 0, f: false }])).toBe("n,f\r\n0,false\r\n");
  });

  it("quotes a cell with a comma, a quote (doubled), a CR or an LF (RFC 4180)", () => {
    const rows = [{ v: "a,b" }, { v: 'say "hi"' }, { v: "two\nlines" }, { v: "cr\rhere" }];
    expect(toCsv(rows)).toBe('v\r\n"a,b"\r\n"say ""hi"""\r\n"two\nlines"\r\n"cr\rhere"\r\n');
  });

  it("does not quote cells that need no quoting (spaces, semicolons, single quotes)", () => {
    expect(toCsv([{ v: "x y; it's" }])).toBe("v\r\nx y; it's\r\n");
  });

  it("with no rows: only the header of the columns given, or an empty line", () => {
    expect(toCsv([], ["rank", "username"])).toBe("rank,username\r\n");
    expect(toCsv([])).toBe("\r\n");
  });

  it("reads back to the same cells with a minimal RFC 4180 parser", () => {
    const rows = [{ name: 'He said "no, thanks"', note: "multi\r\nline", n: 7 }];
    expect(parseCsv(toCsv(rows))).toEqual([
      ["name", "note", "n"],
      ['He said "no, thanks"', "multi\r\nline", "7"],
    ]);
  });
});

/** RFC 4180, enough to prove the quoting round-trips. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(cell);
      records.push(record);
      record = [];
      cell = "";
      i++;
    } else cell += c;
  }
  return records;
}
