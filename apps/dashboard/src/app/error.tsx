"use client";
/** Route error boundary: shows the message as text (it may quote user input). */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div data-testid="error-page">
      <h1>Something went wrong</h1>
      <p className="error-box">{error.message || "The server could not render this page."}</p>
      {error.digest ? <p className="muted">Digest: {error.digest}</p> : null}
      <button type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
