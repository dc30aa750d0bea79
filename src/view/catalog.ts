// Which experiments the viewer serves: DIR itself when it is an experiment directory, else every
// directory below it that holds a scylla.db (rescanned, so new experiments appear). Each is named
// in URLs by its directory name, and the name is the only thing a URL can choose.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { NotAnExperimentError } from '../errors.js';
import { ExperimentHandle } from './experiment-handle.js';

const DB_FILE = 'scylla.db';

/** Experiment directory names as they appear in URLs. */
export const EXPERIMENT_NAME = /^[\w][\w.+-]*$/;

export class Catalog {
  readonly root: string;
  /** DIR is one experiment (not a results directory). */
  readonly single: boolean;
  private readonly handles = new Map<string, ExperimentHandle>();
  private scannedAt = 0;

  /**
   * DIR must exist and be an experiment, hold experiments, or be empty (a results directory that
   * the first `scylla run` will fill); anything else is NotAnExperimentError.
   */
  constructor(dir: string) {
    this.root = resolve(dir);
    if (!existsSync(this.root) || !statSync(this.root).isDirectory())
      throw new NotAnExperimentError(this.root, 'no such directory');
    this.single = existsSync(join(this.root, DB_FILE));
    this.rescan(true);
    if (!this.single && this.handles.size === 0 && readdirSync(this.root).length > 0)
      throw new NotAnExperimentError(this.root, 'no scylla.db in it or in any directory below it');
  }

  /** Look for new (and vanished) experiments, at most every `minMs`. Returns true when the set changed. */
  rescan(force = false, minMs = 1000): boolean {
    const now = Date.now();
    if (!force && now - this.scannedAt < minMs) return false;
    this.scannedAt = now;
    const found = new Map<string, string>();
    if (this.single) found.set(basename(this.root), this.root);
    else
      for (const e of readdirSync(this.root, { withFileTypes: true }))
        if (e.isDirectory() && EXPERIMENT_NAME.test(e.name) && existsSync(join(this.root, e.name, DB_FILE)))
          found.set(e.name, join(this.root, e.name));
    let changed = false;
    for (const [name, h] of this.handles)
      if (!found.has(name)) {
        h.close();
        this.handles.delete(name);
        changed = true;
      }
    for (const [name, dir] of found)
      if (!this.handles.has(name)) {
        this.handles.set(name, new ExperimentHandle(name, dir));
        changed = true;
      }
    return changed;
  }

  /** Every experiment, newest directory name first (names start with their UTC timestamp). */
  list(): ExperimentHandle[] {
    return [...this.handles.values()].sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  }

  /** The experiment named `name`, or undefined. */
  get(name: string): ExperimentHandle | undefined {
    if (!EXPERIMENT_NAME.test(name)) return undefined;
    if (!this.handles.has(name)) this.rescan();
    return this.handles.get(name);
  }

  close(): void {
    for (const h of this.handles.values()) h.close();
    this.handles.clear();
  }
}
