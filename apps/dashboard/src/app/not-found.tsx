import Link from "next/link";

export default function NotFound() {
  return (
    <div data-testid="not-found">
      <h1>Not found</h1>
      <p>
        No run or page at this address. <Link href="/">Back to runs</Link>
      </p>
    </div>
  );
}
