/**
 * A second process for the shared-log tests: `deno run -A ledger_writer.ts <path> <service>
 * <count> <maxBytes> <keep>` appends `count` records numbered 0.. as `service`, then exits.
 */
import { createLedger } from "../../src/usage/ledger.ts";

const [path, service, count, maxBytes, keep] = Deno.args;
const ledger = createLedger(path!, {
  maxBytes: Number(maxBytes),
  keep: Number(keep),
  onError: (error) => {
    throw error;
  },
});
for (let i = 0; i < Number(count); i++) {
  ledger.append({
    timestamp_ms: 1_700_000_000_000 + i,
    service: service === "claude" ? "claude" : "codex",
    method: "POST",
    path: "/v1/messages",
    status_code: 200,
    duration_ms: i,
    config_name: "main",
    upstream_base_url: "https://a.example",
    usage: null,
  });
}
await ledger.close();
