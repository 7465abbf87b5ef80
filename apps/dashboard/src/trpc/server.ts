import "server-only";
/** Server components call the routers in-process through this per-request caller. */
import { cache } from "react";
import { createCaller } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";

/** One caller per request (React `cache`), sharing the process-wide tracker. */
export const getApi = cache(async () => createCaller(await createTRPCContext()));
