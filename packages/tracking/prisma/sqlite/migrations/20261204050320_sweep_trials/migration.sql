-- AlterTable
ALTER TABLE "runs" ADD COLUMN "finished_trial" INTEGER;
ALTER TABLE "runs" ADD COLUMN "trial_index" INTEGER;

-- CreateTable
CREATE TABLE "trials" (
    "sweep_id" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "params" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "run_id" TEXT,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,

    PRIMARY KEY ("sweep_id", "index"),
    CONSTRAINT "trials_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweeps" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable (hand-written: Prisma proposed redefining "sweeps", whose DROP TABLE would fire
-- ON DELETE SET NULL on runs.sweep_id inside the migration's transaction; ADD COLUMN keeps the rows)
ALTER TABLE "sweeps" ADD COLUMN "method" TEXT NOT NULL DEFAULT 'grid';
ALTER TABLE "sweeps" ADD COLUMN "sampler_state" TEXT;

-- CreateIndex
CREATE INDEX "trials_sweep_id_status_idx" ON "trials"("sweep_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "runs_sweep_id_finished_trial_key" ON "runs"("sweep_id", "finished_trial");
