import assert from "node:assert/strict";
import { findLegacyProfiles } from "../../src/codex/profile_warnings.ts";

const WHERE = { file: "/h/.codex/config.toml", codexHome: "/h/.codex" };

Deno.test("findLegacyProfiles(): the fix of a profile line names a [profiles.x] table only when there is one", () => {
  const [bare] = findLegacyProfiles({ profile: "fast" }, WHERE);
  assert.equal(bare?.kind, "legacy_selector");
  assert.doesNotMatch(bare!.fix, /\[profiles\.fast\]|the table/);
  assert.match(
    bare!.fix,
    /^delete the profile line and start Codex with --profile fast \(its settings go in "\/h\/\.codex\/fast\.config\.toml"\)$/,
  );
  const [withTable] = findLegacyProfiles(
    { profile: "fast", profiles: { fast: { model: "m" } } },
    WHERE,
  );
  assert.match(
    withTable!.fix,
    /^move the settings of \[profiles\.fast\] into ".*fast\.config\.toml", delete the profile line and the table/,
  );
});
