import { describe, expect, it } from "vitest";
import { escapeHtml, html, SafeHtml } from "../../shared/http/html";

describe("escapeHtml", () => {
  it("escapes the five characters that matter in text and attributes", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;",
    );
  });

  it("leaves everything else alone", () => {
    expect(escapeHtml("plain text, émoji 🎉 / = ; `")).toBe("plain text, émoji 🎉 / = ; `");
  });

  it("escapes an ampersand once, so escaped text is not escaped into something else", () => {
    expect(escapeHtml("&amp;")).toBe("&#38;amp;");
  });
});

describe("html`…`", () => {
  it("returns SafeHtml whose text is the markup", () => {
    const out = html`<p>hi</p>`;
    expect(out).toBeInstanceOf(SafeHtml);
    expect(out.value).toBe("<p>hi</p>");
    expect(String(out)).toBe("<p>hi</p>");
  });

  it("escapes every interpolated string", () => {
    const name = `<script>alert("x")</script>`;
    expect(html`<b>${name}</b>`.value).toBe("<b>&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;</b>");
  });

  it("escapes inside attributes, so a value cannot close the quote", () => {
    const title = `" onmouseover="evil()`;
    expect(html`<a title="${title}">x</a>`.value).toBe(`<a title="&#34; onmouseover=&#34;evil()">x</a>`);
  });

  it("renders numbers and true as text, and null, undefined and false as nothing", () => {
    expect(html`${0}|${42}|${true}|${null}|${undefined}|${false}|`.value).toBe("0|42|true||||");
  });

  it("nests: markup built by html is not escaped again, its values were escaped once", () => {
    const inner = html`<b>${"a<b"}</b>`;
    expect(html`<p>${inner}</p>`.value).toBe("<p><b>a&#60;b</b></p>");
  });

  it("renders arrays joined with nothing between, escaping each item", () => {
    const items = ["<one>", "two"];
    expect(html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`.value).toBe(
      "<ul><li>&#60;one&#62;</li><li>two</li></ul>",
    );
    expect(html`${["a&", "b"]}`.value).toBe("a&#38;b");
  });

  it("flattens nested arrays and skips their empty items", () => {
    expect(html`${[["<a>", null], [false, html`<i>x</i>`], [], "z"]}`.value).toBe("&#60;a&#62;<i>x</i>z");
  });

  it("keeps raw markup given as SafeHtml as it is", () => {
    const raw = new SafeHtml(`<style>p > b { color: red }</style>`);
    expect(html`<head>${raw}</head>`.value).toBe("<head><style>p > b { color: red }</style></head>");
  });

  it("does not treat a string that looks like markup as raw", () => {
    const looksSafe = html`<i>x</i>`.value;
    expect(html`${looksSafe}`.value).toBe("&#60;i&#62;x&#60;/i&#62;");
  });

  it("keeps the template's own text and value order with several values", () => {
    expect(html`a${1}b${"<"}c${2}d`.value).toBe("a1b&#60;c2d");
  });
});
