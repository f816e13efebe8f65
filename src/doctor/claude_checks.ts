/** Pure checks of Claude Code's side: settings.json parses and is strict JSON; the switch's port. */
import type { ClaudeSwitchHealth } from "../claude/stale_switch.ts";
import { isStrictJson, parseClaudeSettings } from "../claude/settings_json.ts";
import { type DoctorCheck, errorHint, errorText, failCheck, okCheck, warnCheck } from "./check.ts";

/** `claude.settings_json`: parses; warns when Claude Code would ignore it (comments, trailing commas). */
export function checkClaudeSettingsText(text: string | undefined, file: string): DoctorCheck {
  const id = "claude.settings_json";
  if (text === undefined) return okCheck(id, `"${file}" does not exist; Claude Code uses defaults`);
  try {
    parseClaudeSettings(text, file);
  } catch (error) {
    return failCheck(id, errorText(error), errorHint(error, "fix the file by hand"));
  }
  if (!isStrictJson(text)) {
    return warnCheck(
      id,
      `"${file}" has comments or trailing commas: Claude Code ignores such a settings.json entirely`,
      "remove the comments and trailing commas so that it is plain JSON",
    );
  }
  return okCheck(id, `"${file}" is valid JSON`);
}

/** `claude.proxy_reachable`: where settings.json points and whether a codex-helper answers there. */
export function checkClaudeSwitch(health: ClaudeSwitchHealth): DoctorCheck {
  const id = "claude.proxy_reachable";
  const fix = health.fix ?? "";
  switch (health.status) {
    case "live":
      return okCheck(id, health.message);
    case "not-switched":
      return okCheck(
        id,
        "Claude Code is not switched to codex-helper",
        `run "codex-helper switch-on --claude" to route Claude Code through codex-helper`,
      );
    case "unrecorded":
      return warnCheck(
        id,
        health.message,
        `if codex-helper should serve it, run "codex-helper switch-on --claude --port ${
          health.port ?? 3210
        }"; otherwise make sure that local proxy is running`,
      );
    case "unreadable":
      return failCheck(id, health.message, fix || "fix the file by hand");
    default:
      return failCheck(id, health.message, fix);
  }
}
