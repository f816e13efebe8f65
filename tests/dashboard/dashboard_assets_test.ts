import assert from "node:assert/strict";
import { ASSET_FILES, loadAssets } from "../../src/dashboard/dashboard_assets.ts";

Deno.test("loadAssets() reads every page file once, into memory", async () => {
  const assets = await loadAssets();
  assert.deepEqual([...assets.keys()].sort(), Object.keys(ASSET_FILES).sort());
  for (const [name, asset] of assets) {
    assert.ok(asset.body.byteLength > 100, name);
    assert.equal(asset.contentType, ASSET_FILES[name]);
  }
  assert.equal(await loadAssets(), assets); // the same copy, not a second read
});

Deno.test("the page loads nothing from elsewhere: no CDN, no remote font, no inline script", async () => {
  const assets = await loadAssets();
  const html = new TextDecoder().decode(assets.get("index.html")!.body);
  assert.doesNotMatch(html, /(?:src|href)="(?:https?:)?\/\//);
  assert.doesNotMatch(html, /<script>(?!<\/script>)/); // scripts only from files (CSP script-src 'self')
  assert.doesNotMatch(html, /\sstyle="/);
  for (const name of ["app.js", "i18n.js", "style.css"]) {
    const text = new TextDecoder().decode(assets.get(name)!.body);
    assert.doesNotMatch(text, /https?:\/\/(?!\$\{)/, name);
    assert.doesNotMatch(text, /innerHTML|insertAdjacentHTML|document\.write/, name);
  }
  const uplot = new TextDecoder().decode(assets.get("uPlot.iife.min.js")!.body);
  assert.match(uplot, /^\/\*! https:\/\/github\.com\/leeoniya\/uPlot \(v1\.6\.32\) \*\//);
});

Deno.test("the page has the same text in English and Chinese", async () => {
  const assets = await loadAssets();
  const source = new TextDecoder().decode(assets.get("i18n.js")!.body);
  const scope: { DASHBOARD_TEXT?: Record<string, Record<string, string>> } = {};
  new Function("globalThis", source)(scope);
  const { en, zh } = scope.DASHBOARD_TEXT!;
  assert.deepEqual(Object.keys(zh!).sort(), Object.keys(en!).sort());
  const html = new TextDecoder().decode(assets.get("index.html")!.body);
  const app = new TextDecoder().decode(assets.get("app.js")!.body);
  const used = [
    ...[...html.matchAll(/data-t="(\w+)"/g)].map((m) => m[1]!),
    ...[...app.matchAll(/\bt\("(\w+)"/g)].map((m) => m[1]!),
  ];
  for (const key of used) assert.ok(key in en!, key);
});
