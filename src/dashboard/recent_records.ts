/** The feed's first rows: the last requests of one service from the end of requests.jsonl. */
import { readLastLines } from "../usage/log_reader.ts";
import { parseRequestRecord } from "../usage/record_parse.ts";
import { type FeedRecord, toFeedRecord } from "./feed_record.ts";

/** Options of {@linkcode readRecentRecords}. */
export interface RecentRecordsOptions {
  service: string;
  /** How many to return at most (default 100). */
  limit?: number;
}

/** The last `limit` requests of `service` (oldest first); looks at most 4 × `limit` lines back. */
export async function readRecentRecords(
  logPath: string,
  options: RecentRecordsOptions,
): Promise<FeedRecord[]> {
  const limit = options.limit ?? 100;
  const lines = await readLastLines(logPath, limit * 4);
  const out: FeedRecord[] = [];
  for (const line of lines) {
    const record = parseRequestRecord(line);
    if (record !== undefined && record.service === options.service) out.push(toFeedRecord(record));
  }
  return out.slice(-limit);
}
