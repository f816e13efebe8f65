/** Profiles that set their own model_provider bypass the proxy: find them to warn. */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Paths } from "../config/paths.ts";
import { toFileAccessError } from "../fs/file_access_error.ts";
import { analyzeCodexConfig, PROXY_PROVIDER_ID } from "./config_toml.ts";

/** Warnings for profiles (in config.toml or `<name>.config.toml`) that set their own provider. */
export async function profileWarnings(
  paths: Paths,
  value: Record<string, unknown>,
): Promise<string[]> {
  const out: string[] = [];
  const profiles = value.profiles;
  if (typeof profiles === "object" && profiles !== null) {
    for (const [name, p] of Object.entries(profiles)) {
      const mp = (p as Record<string, unknown> | null)?.model_provider;
      if (typeof mp === "string" && mp !== PROXY_PROVIDER_ID) {
        out.push(`profile "${name}" sets model_provider = "${mp}" and bypasses the proxy`);
      }
    }
  }
  let names: string[] = [];
  try {
    names = await readdir(paths.codexHome);
  } catch {
    return out;
  }
  for (const file of names.filter((n) => n.endsWith(".config.toml")).sort()) {
    const path = join(paths.codexHome, file);
    try {
      const v = analyzeCodexConfig(await Deno.readTextFile(path), path).value;
      if (typeof v.model_provider === "string" && v.model_provider !== PROXY_PROVIDER_ID) {
        out.push(
          `profile file "${path}" sets model_provider = "${v.model_provider}" and bypasses the proxy`,
        );
      }
    } catch (error) {
      const failure = toFileAccessError(error, path);
      out.push(failure instanceof Error ? failure.message : String(failure));
    }
  }
  return out;
}
