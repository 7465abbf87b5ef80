/** The tRPC HTTP endpoint (fetch adapter) used by client components. */
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function handler(req: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createTRPCContext(),
    onError({ path, error }) {
      if (error.code === "INTERNAL_SERVER_ERROR") {
        // The server's own log is the right place for unexpected failures; the client gets the formatted shape.
        // eslint-disable-next-line no-console
        console.error(`tRPC failed on ${path ?? "<no-path>"}:`, error);
      }
    },
  });
}

export { handler as GET, handler as POST };
