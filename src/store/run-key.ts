// Naming one run: the key every layer uses, and its one label for people and logs (`T0/00/run_01`).

/** Identifies a run. */
export interface RunKey {
  tier: string;
  subtest: string;
  run: number;
}

/** `run_01`: the run's directory name (two digits, more when there are more runs). */
export function runDirName(run: number): string {
  return `run_${String(run).padStart(2, '0')}`;
}

/** `T0/00/run_01`: how a run is named in logs, progress lines, reports and errors. */
export function runLabel(k: RunKey): string {
  return `${k.tier}/${k.subtest}/${runDirName(k.run)}`;
}
