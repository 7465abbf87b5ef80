/**
 * UUIDv7-style ids (RFC 9562): a 48-bit millisecond timestamp, then a 12-bit
 * counter, then random bits. Ids made later in a process sort after earlier
 * ones, even within one millisecond, so "(created_at, id)" is insertion order
 * (e.g. the last `weights` artifact of a run is the newest).
 */
import { randomBytes } from "node:crypto";

let lastMs = -1;
let counter = 0;

export function orderedId(now = Date.now()): string {
  if (now <= lastMs) {
    counter += 1;
    // Counter exhausted within one millisecond: borrow the next millisecond.
    if (counter > 0xfff) {
      lastMs += 1;
      counter = 0;
    }
  } else {
    lastMs = now;
    counter = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes.readUInt8(8) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
