/** Checks that read files and folders: auth.json, filter.json, usage_providers.json, logs, sessions. */
import { join } from "node:path";
import { readCodexAuth } from "../codex/auth_json.ts";
import { toFileAccessError } from "../fs/file_access_error.ts";
import { loadUsageProviders } from "../usage/providers_file.ts";
import { type DoctorCheck, errorHint, errorText, failCheck, okCheck, warnCheck } from "./check.ts";
import { parseFilterRules } from "../proxy/filter.ts";

function isNotFound(error: unknown): boolean {
  return error instanceof Deno.errors.NotFound;
}

/** `codex.auth_json`: readable and valid; a ChatGPT login is needed when an upstream passes it through. */
export async function checkCodexAuthFile(
  file: string,
  options: { needsLogin: boolean },
): Promise<DoctorCheck> {
  const id = "codex.auth_json";
  let auth;
  try {
    auth = await readCodexAuth(file);
  } catch (error) {
    return failCheck(id, errorText(error), errorHint(error, `check the permissions of "${file}"`));
  }
  if (auth === undefined) {
    if (options.needsLogin) {
      return failCheck(
        id,
        `"${file}" does not exist, but an active upstream passes the ChatGPT login through`,
        `run "codex login" to sign in`,
      );
    }
    return okCheck(id, `"${file}" does not exist (not logged in to Codex)`);
  }
  if (options.needsLogin && !auth.chatgptLogin) {
    return warnCheck(
      id,
      `"${file}" holds no ChatGPT login, but an active upstream passes the login through`,
      `run "codex login" to sign in with ChatGPT, or give that upstream a key (--auth-token-env VAR)`,
    );
  }
  const kind = auth.chatgptLogin
    ? "a ChatGPT login"
    : auth.apiKeyFields.length > 0
    ? `an API key (${auth.apiKeyFields.join(", ")})`
    : "no credentials";
  return okCheck(id, `"${file}" is readable and holds ${kind}`);
}

/** `proxy.filter_json`: absent, or a valid list of rules. */
export async function checkFilterFile(file: string): Promise<DoctorCheck> {
  const id = "proxy.filter_json";
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (isNotFound(error)) return okCheck(id, `No "${file}" (no request filtering)`);
    const failure = toFileAccessError(error, file);
    return failCheck(id, errorText(failure), errorHint(failure, "check its permissions"));
  }
  try {
    const rules = parseFilterRules(text, file);
    return okCheck(id, `"${file}" is valid (${rules.length} rule(s))`);
  } catch (error) {
    return failCheck(id, errorText(error), errorHint(error, "fix the file by hand"));
  }
}

/** `usage.providers_json`: valid, or absent (doctor never creates it). */
export async function checkUsageProvidersFile(file: string): Promise<DoctorCheck> {
  const id = "usage.providers_json";
  try {
    const loaded = await loadUsageProviders(file, { createIfMissing: false });
    if (!loaded.exists) {
      return okCheck(
        id,
        `No "${file}" yet; "codex-helper serve" creates it with the default provider`,
      );
    }
    return okCheck(id, `"${file}" is valid (${loaded.providers.length} provider(s))`);
  } catch (error) {
    return failCheck(id, errorText(error), errorHint(error, `check the permissions of "${file}"`));
  }
}

/** `logs.writable`: a file can be created in the logs folder (it is removed again at once). */
export async function checkLogsWritable(logsDir: string): Promise<DoctorCheck> {
  const id = "logs.writable";
  try {
    const info = await Deno.stat(logsDir);
    if (!info.isDirectory) {
      return failCheck(
        id,
        `"${logsDir}" is not a folder`,
        "move it away; serve recreates the folder",
      );
    }
  } catch (error) {
    if (isNotFound(error)) {
      return okCheck(id, `"${logsDir}" does not exist yet; "codex-helper serve" creates it`);
    }
    return failCheck(id, `Cannot open "${logsDir}": ${errorText(error)}`, "check its permissions");
  }
  const probe = join(logsDir, `.doctor-${Deno.pid}-${crypto.randomUUID()}.tmp`);
  try {
    const file = await Deno.open(probe, { createNew: true, write: true });
    file.close();
  } catch (error) {
    return failCheck(
      id,
      `Cannot write in "${logsDir}": ${errorText(error)}; the request log cannot be kept`,
      `make the folder writable: chmod u+rwx "${logsDir}"`,
    );
  }
  await Deno.remove(probe).catch(() => {});
  return okCheck(id, `"${logsDir}" is writable`);
}

/** `codex.sessions`: Codex's sessions folder can be listed (for `codex-helper session`). */
export async function checkSessionsReadable(dir: string): Promise<DoctorCheck> {
  const id = "codex.sessions";
  try {
    for await (const _ of Deno.readDir(dir)) break;
    return okCheck(id, `"${dir}" is readable`);
  } catch (error) {
    if (isNotFound(error)) return okCheck(id, `"${dir}" does not exist yet (no Codex sessions)`);
    return failCheck(
      id,
      `Cannot read "${dir}": ${errorText(error)}`,
      `make it readable: chmod u+rx "${dir}"`,
    );
  }
}
