-- CreateTable
CREATE TABLE "experiments" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "sweeps" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "experiment_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "config" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL,
    "ended_at" DATETIME,
    CONSTRAINT "sweeps_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "runs" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "experiment_id" TEXT NOT NULL,
    "sweep_id" TEXT,
    "status" TEXT NOT NULL,
    "backend" TEXT,
    "architecture" TEXT NOT NULL,
    "hidden_size" INTEGER,
    "spec" TEXT NOT NULL,
    "seed" BIGINT,
    "split" TEXT,
    "host" TEXT,
    "started_at" DATETIME NOT NULL,
    "ended_at" DATETIME,
    "heartbeat_at" DATETIME,
    "error" TEXT,
    CONSTRAINT "runs_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "runs_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweeps" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "params" (
    "run_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    PRIMARY KEY ("run_id", "key"),
    CONSTRAINT "params_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "tags" (
    "run_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    PRIMARY KEY ("run_id", "key"),
    CONSTRAINT "tags_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "metrics" (
    "run_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "epoch" INTEGER,
    "value" REAL,
    "kind" TEXT NOT NULL,
    "wall_time" DATETIME NOT NULL,

    PRIMARY KEY ("run_id", "key", "step"),
    CONSTRAINT "metrics_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "metric_summaries" (
    "run_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "latest_value" REAL,
    "latest_kind" TEXT NOT NULL,
    "latest_step" INTEGER NOT NULL,
    "min_value" REAL,
    "min_kind" TEXT NOT NULL,
    "max_value" REAL,
    "max_kind" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    PRIMARY KEY ("run_id", "key"),
    CONSTRAINT "metric_summaries_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "artifacts" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "run_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL,
    CONSTRAINT "artifacts_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "experiments_name_key" ON "experiments"("name");

-- CreateIndex
CREATE INDEX "sweeps_experiment_id_created_at_idx" ON "sweeps"("experiment_id", "created_at");

-- CreateIndex
CREATE INDEX "runs_experiment_id_started_at_idx" ON "runs"("experiment_id", "started_at");

-- CreateIndex
CREATE INDEX "runs_sweep_id_idx" ON "runs"("sweep_id");

-- CreateIndex
CREATE INDEX "runs_status_heartbeat_at_idx" ON "runs"("status", "heartbeat_at");

-- CreateIndex
CREATE INDEX "runs_architecture_hidden_size_idx" ON "runs"("architecture", "hidden_size");

-- CreateIndex
CREATE INDEX "metric_summaries_key_min_value_idx" ON "metric_summaries"("key", "min_value");

-- CreateIndex
CREATE INDEX "artifacts_run_id_created_at_idx" ON "artifacts"("run_id", "created_at");
