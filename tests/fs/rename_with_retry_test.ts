import assert from "node:assert/strict";
import { renameWithRetry } from "../../src/fs/rename_with_retry.ts";

function flakyRename(failures: number, error: () => Error) {
  const calls: string[] = [];
  return {
    calls,
    rename: (from: string, to: string) => {
      calls.push(`${from}->${to}`);
      return calls.length <= failures ? Promise.reject(error()) : Promise.resolve();
    },
  };
}

const noWait = () => Promise.resolve();

Deno.test("renameWithRetry() retries a target Windows holds open, then succeeds", async () => {
  const fake = flakyRename(2, () => new Deno.errors.PermissionDenied("Access is denied."));
  await renameWithRetry("a.tmp", "a", { rename: fake.rename, os: "windows", wait: noWait });
  assert.equal(fake.calls.length, 3);
});

Deno.test("renameWithRetry() gives up after the last attempt with the original error", async () => {
  const fake = flakyRename(99, () => new Deno.errors.PermissionDenied("Access is denied."));
  await assert.rejects(
    renameWithRetry("a.tmp", "a", {
      rename: fake.rename,
      os: "windows",
      attempts: 3,
      wait: noWait,
    }),
    Deno.errors.PermissionDenied,
  );
  assert.equal(fake.calls.length, 3);
});

Deno.test("renameWithRetry() does not retry elsewhere, nor other errors", async () => {
  const denied = flakyRename(1, () => new Deno.errors.PermissionDenied("EACCES"));
  await assert.rejects(
    renameWithRetry("a.tmp", "a", { rename: denied.rename, os: "linux", wait: noWait }),
    Deno.errors.PermissionDenied,
  );
  assert.equal(denied.calls.length, 1);
  const missing = flakyRename(1, () => new Deno.errors.NotFound("gone"));
  await assert.rejects(
    renameWithRetry("a.tmp", "a", { rename: missing.rename, os: "windows", wait: noWait }),
    Deno.errors.NotFound,
  );
  assert.equal(missing.calls.length, 1);
});
