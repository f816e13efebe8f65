/** Codex's config.toml in a temp home, for the switch tests. */
import type { TempHome } from "../_fakes/temp_home.ts";

/** Writes Codex's config.toml (creating CODEX_HOME). */
export async function writeConfig(home: TempHome, text: string): Promise<void> {
  await Deno.mkdir(home.paths.codexHome, { recursive: true });
  await Deno.writeTextFile(home.paths.codexConfigToml, text);
}

/** Reads Codex's config.toml back. */
export const read = (home: TempHome): Promise<string> =>
  Deno.readTextFile(home.paths.codexConfigToml);
