/**
 * For tests: the same ONNX model without its metadata_props (ModelProto field
 * 14), as a file from another exporter would look to `aelab serve`. Walks the
 * top-level protobuf fields only.
 */
function varint(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    const b = bytes[i++];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return { value, next: i };
    shift += 7;
  }
}

export function stripMetadata(bytes: Uint8Array): Uint8Array {
  const kept: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const start = at;
    const tag = varint(bytes, at);
    const wire = tag.value % 8;
    let end: number;
    if (wire === 0) end = varint(bytes, tag.next).next;
    else if (wire === 2) {
      const len = varint(bytes, tag.next);
      end = len.next + len.value;
    } else if (wire === 1) end = tag.next + 8;
    else if (wire === 5) end = tag.next + 4;
    else throw new Error(`unexpected wire type ${wire} at ${start}`);
    if (Math.floor(tag.value / 8) !== 14) kept.push(bytes.subarray(start, end));
    at = end;
  }
  return Buffer.concat(kept);
}
