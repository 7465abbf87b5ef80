/** Helpers for Next's `searchParams` objects (values may be repeated). */
export type SearchParams = Record<string, string | string[] | undefined>;

/** Every value of `key`, also splitting comma-separated lists (`?status=failed,crashed`). */
export function allValues(params: SearchParams, key: string): string[] {
  const raw = params[key];
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return values
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
}

export function firstValue(params: SearchParams, key: string): string | undefined {
  const raw = params[key];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** A positive integer from the URL, or `fallback` for anything else. */
export function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined || !/^\d{1,9}$/.test(value)) return fallback;
  const parsed = Number(value);
  return parsed > 0 ? parsed : fallback;
}

/** Builds `path?query` from entries, repeating keys for arrays and dropping empty values. */
export function buildHref(path: string, entries: Record<string, string | number | ReadonlyArray<string | number> | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(entries)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
