/** Loader for numeric CSV files (raw or gzipped): one sample per row, optional header and label column. */
import type { Dataset } from "./dataset.ts";
import { applyScaling, dataError, readSource } from "./internal/read-source.ts";
import type { Scaling } from "./internal/read-source.ts";

export interface LoadCsvOptions {
  /** Whether the first row names the columns; "auto" (default) if any of its cells is not a number. */
  header?: boolean | "auto";
  /** Column holding integer class labels: a header name, or a 0-based index. */
  labelColumn?: string | number;
  /** Shape of one sample, e.g. [28, 28, 1]; defaults to [features]. */
  shape?: number[];
  /** Default "unit": integers in [0, 255] are divided by 255, values in [0, 1] kept. */
  scaling?: Scaling;
  /** Dataset name; defaults to the path. */
  name?: string;
}

const isNumeric = (cell: string) => cell.trim() !== "" && Number.isFinite(Number(cell));

function splitRows(file: string): { cells: string[]; line: number }[] {
  const text = new TextDecoder("utf-8").decode(readSource(file));
  const rows: { cells: string[]; line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() !== "") rows.push({ cells: raw.split(",").map((c) => c.trim()), line: i + 1 });
  });
  if (rows.length === 0) throw dataError(file, "line 1", "expected at least one row", "an empty file");
  return rows;
}

function resolveLabelColumn(file: string, label: string | number | undefined, names: string[] | undefined, width: number): number | undefined {
  if (label === undefined) return undefined;
  if (typeof label === "number") {
    if (!Number.isInteger(label) || label < 0 || label >= width)
      throw dataError(file, "line 1", `labelColumn must be a column index in [0, ${width - 1}]`, String(label));
    return label;
  }
  const index = names?.indexOf(label) ?? -1;
  if (index < 0)
    throw dataError(
      file,
      "line 1 (header)",
      `expected a column named ${JSON.stringify(label)}`,
      names ? names.map((n) => JSON.stringify(n)).join(",") : "no header row",
    );
  return index;
}

/**
 * Loads a numeric CSV (comma-separated, no quoting) as [N, ...shape] float32.
 *
 * @example
 * const ds = loadCsv("mnist_test.csv", { header: true, labelColumn: "label", shape: [28, 28, 1] });
 */
export function loadCsv(path: string, options: LoadCsvOptions = {}): Dataset {
  const scaling = options.scaling ?? "unit";
  const rows = splitRows(path);
  const hasHeader = options.header === "auto" || options.header === undefined ? !rows[0].cells.every(isNumeric) : options.header;
  const names = hasHeader ? rows[0].cells : undefined;
  const body = hasHeader ? rows.slice(1) : rows;
  const width = rows[0].cells.length;
  const labelIndex = resolveLabelColumn(path, options.labelColumn, names, width);
  const features = labelIndex === undefined ? width : width - 1;
  const sampleShape = options.shape ?? [features];
  if (sampleShape.reduce((a, b) => a * b, 1) !== features) {
    throw dataError(
      path,
      `line ${rows[0].line}`,
      `expected ${sampleShape.reduce((a, b) => a * b, 1)} feature columns for shape [${sampleShape.join(",")}]`,
      `${features} feature columns`,
    );
  }
  const data = new Float32Array(body.length * features);
  const labels = labelIndex === undefined ? undefined : new Int32Array(body.length);
  body.forEach(({ cells, line }, r) => {
    if (cells.length !== width) throw dataError(path, `line ${line}`, `expected ${width} columns, as on line ${rows[0].line}`, `${cells.length} columns`);
    let k = r * features;
    cells.forEach((cell, c) => {
      const where = `line ${line}, column ${c + 1}${names ? ` (${JSON.stringify(names[c])})` : ""}`;
      if (!isNumeric(cell)) throw dataError(path, where, "expected a number", JSON.stringify(cell));
      const v = Number(cell);
      if (c === labelIndex && labels) {
        if (!Number.isInteger(v)) throw dataError(path, where, "expected an integer label", JSON.stringify(cell));
        labels[r] = v;
      } else data[k++] = v;
    });
  });
  applyScaling(data, scaling, path, false);
  return { name: options.name ?? path, images: { data, shape: [body.length, ...sampleShape] }, labels, scaling };
}
