-- AlterTable
ALTER TABLE "runs" ADD COLUMN     "finished_trial" INTEGER,
ADD COLUMN     "trial_index" INTEGER;

-- AlterTable
ALTER TABLE "sweeps" ADD COLUMN     "method" TEXT NOT NULL DEFAULT 'grid',
ADD COLUMN     "sampler_state" TEXT;

-- CreateTable
CREATE TABLE "trials" (
    "sweep_id" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "params" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "run_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "trials_pkey" PRIMARY KEY ("sweep_id","index")
);

-- CreateIndex
CREATE INDEX "trials_sweep_id_status_idx" ON "trials"("sweep_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "runs_sweep_id_finished_trial_key" ON "runs"("sweep_id", "finished_trial");

-- AddForeignKey
ALTER TABLE "trials" ADD CONSTRAINT "trials_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweeps"("id") ON DELETE CASCADE ON UPDATE CASCADE;
