/**
 * Artifact downloads (ONNX files, weights, the evaluation JSON): only files the
 * tracker recorded for that run, looked up by id (see server/artifacts.ts).
 */
import { artifactResponse } from "~/server/artifacts";
import { getTracker } from "~/server/tracker";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(_request: Request, context: { params: Promise<{ id: string; artifactId: string }> }): Promise<Response> {
  const { id, artifactId } = await context.params;
  return artifactResponse(await getTracker(), id, artifactId);
}
