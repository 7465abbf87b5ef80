import Link from "next/link";
import { PAGE_SIZES, runsHref, type RunsUrlState } from "~/lib/runs-url";

export function Pagination({ state, total }: { state: RunsUrlState; total: number }) {
  const pages = Math.max(1, Math.ceil(total / state.pageSize));
  const first = total === 0 ? 0 : (state.page - 1) * state.pageSize + 1;
  const last = Math.min(total, state.page * state.pageSize);
  return (
    <nav className="pagination" aria-label="Pagination" data-testid="pagination">
      {state.page > 1 ? (
        <Link href={runsHref(state, { page: state.page - 1 })} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span className="disabled">← Previous</span>
      )}
      <span data-testid="page-info">
        {first}–{last} of {total} (page {state.page} of {pages})
      </span>
      {state.page < pages ? (
        <Link href={runsHref(state, { page: state.page + 1 })} rel="next">
          Next →
        </Link>
      ) : (
        <span className="disabled">Next →</span>
      )}
      <span className="muted">Per page:</span>
      {PAGE_SIZES.map((size) =>
        size === state.pageSize ? (
          <strong key={size}>{size}</strong>
        ) : (
          <Link key={size} href={runsHref(state, { pageSize: size, page: 1 })}>
            {size}
          </Link>
        ),
      )}
    </nav>
  );
}
