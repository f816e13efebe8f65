/** The version of codex-helper, read from deno.json (embedded at compile time). */
import denoJson from "../deno.json" with { type: "json" };

/** e.g. "0.1.0". */
export const VERSION: string = denoJson.version;
