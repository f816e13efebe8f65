/**
 * The page's files (`assets/`), read once and served from memory. They sit next to this module,
 * so the same `import.meta.url`-relative read works from source and from a `deno compile`d binary
 * (which embeds the folder with `--include src/dashboard/assets`).
 */

/** The folder `deno compile` must `--include`, relative to the repository root. */
export const ASSETS_FOLDER = "src/dashboard/assets";

/** One served file. */
export interface Asset {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
}

/** Every file the page loads, by the name in its URL, with its content type. */
export const ASSET_FILES: Readonly<Record<string, string>> = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "i18n.js": "text/javascript; charset=utf-8",
  "style.css": "text/css; charset=utf-8",
  "uPlot.iife.min.js": "text/javascript; charset=utf-8",
  "uPlot.min.css": "text/css; charset=utf-8",
};

const VENDORED = new Set(["uPlot.iife.min.js", "uPlot.min.css"]);

/** Where asset `name` lives (a `file:` URL, or the compiled binary's embedded copy). */
export function assetUrl(name: string): URL {
  return new URL(`./assets/${VENDORED.has(name) ? "vendor/" : ""}${name}`, import.meta.url);
}

/** Thrown when an asset cannot be read (a build that left `assets/` out). */
export class AssetMissingError extends Error {
  constructor(name: string, options?: { cause?: unknown }) {
    super(
      `Cannot read the dashboard file "${name}": the build must include "${ASSETS_FOLDER}"`,
      options,
    );
    this.name = "AssetMissingError";
  }
}

/** Reads every asset into memory (once per process; later calls share the first read). */
export function loadAssets(): Promise<Map<string, Asset>> {
  return loaded ??= readAll().catch((error) => {
    loaded = undefined; // a later request tries again
    throw error;
  });
}

let loaded: Promise<Map<string, Asset>> | undefined;

async function readAll(): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  for (const [name, contentType] of Object.entries(ASSET_FILES)) {
    try {
      assets.set(name, { body: await Deno.readFile(assetUrl(name)), contentType });
    } catch (error) {
      throw new AssetMissingError(name, { cause: error });
    }
  }
  return assets;
}
