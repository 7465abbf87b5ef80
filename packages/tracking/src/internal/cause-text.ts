/** The underlying reason of a driver error, for the middle of a Keras-style message. */
export function causeText(cause: unknown): string {
  const e = cause as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === "string" && e.message ? e.message : String(cause);
  const code = typeof e?.code === "string" ? `${e.code}: ` : "";
  const text = message.startsWith(code) ? message : `${code}${message}`;
  return (text.length > 200 ? `${text.slice(0, 200)}…` : text).replace(/\/\/[^@/\s]*@/g, "//***@");
}
