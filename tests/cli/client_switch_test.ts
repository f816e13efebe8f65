import assert from "node:assert/strict";
import { clientSwitch } from "../../src/cli/client_switch.ts";
import type { CliContext } from "../../src/cli/context.ts";
import type { Service } from "../../src/config/schema.ts";
import { resolvePaths } from "../../src/config/paths.ts";
import { closedPort } from "../_fakes/ports.ts";
import { createTempHome, type TempHome } from "../_fakes/temp_home.ts";

function contextFor(home: TempHome): CliContext {
  return {
    env: home.getEnv,
    paths: () => home.paths,
    cwd: () => home.dir,
    out: () => {},
    err: () => {},
  };
}

const FILES: Record<Service, { relative: string; text: string; broken: string }> = {
  codex: {
    relative: ".codex/config.toml",
    text: '# mine\nmodel_provider = "relay"\n\n[model_providers.relay]\nname = "Relay"\n',
    broken: 'model = "gpt-5"\nmodel_provider =\n',
  },
  claude: {
    relative: ".claude/settings.json",
    text: '{\n  "env": { "ANTHROPIC_AUTH_TOKEN": "sk-test-claude" },\n  "model": "opus"\n}\n',
    broken: '{\n  "env": {\n}\n',
  },
};

for (const service of ["codex", "claude"] as const) {
  const { relative, text, broken } = FILES[service];

  Deno.test(`clientSwitch(${service}) switches on, reports the port and a stale switch, and back`, async () => {
    await using home = await createTempHome();
    const file = await home.write(relative, text);
    const target = clientSwitch(contextFor(home), service);
    assert.equal(target.file, file);
    await target.check(4000);
    assert.equal(await target.currentPort(), undefined);
    const dead = closedPort();
    await target.on(dead);
    assert.equal(await target.currentPort(), dead);
    assert.notEqual(await Deno.readTextFile(file), text);
    const stale = await target.stale();
    assert.equal(stale?.port, dead);
    assert.match(stale.message, new RegExp(`port ${dead}`));
    await target.off();
    assert.equal(await Deno.readTextFile(file), text);
    assert.equal(await target.currentPort(), undefined);
  });

  Deno.test(`clientSwitch(${service}).check() names line and column of a broken file`, async () => {
    await using home = await createTempHome();
    const file = await home.write(relative, broken);
    const target = clientSwitch(contextFor(home), service);
    await assert.rejects(target.check(4000), /line \d+, column \d+/);
    assert.equal(await Deno.readTextFile(file), broken);
  });
}

for (const service of ["codex", "claude"] as const) {
  Deno.test(`clientSwitch(${service}).check() refuses a read-only file (serve --switch writes nothing)`, async () => {
    if (Deno.build.os === "windows") return;
    await using home = await createTempHome();
    const file = await home.write(FILES[service].relative, FILES[service].text);
    await Deno.chmod(file, 0o444);
    await assert.rejects(clientSwitch(contextFor(home), service).check(4000), /read-only/);
  });
}

Deno.test("clientSwitch(codex).check() refuses a switch record of another config.toml before serving", async () => {
  await using home = await createTempHome();
  await home.write(FILES.codex.relative, FILES.codex.text);
  await clientSwitch(contextFor(home), "codex").on(4000);
  // the same ~/.codex-proxy, another CODEX_HOME
  const env: Record<string, string> = { ...home.env, CODEX_HOME: `${home.dir}/other` };
  await home.write("other/config.toml", FILES.codex.text);
  const other: CliContext = {
    ...contextFor(home),
    env: (name) => env[name],
    paths: () => resolvePaths({ env: (name) => env[name] }),
  };
  await assert.rejects(clientSwitch(other, "codex").check(4000), /The switch record is for/);
});
