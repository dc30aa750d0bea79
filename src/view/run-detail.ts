// Everything about one run except its transcript, diff and judges (which have their own windows):
// store row and stage history, run_result.json, task prompt, resolved configuration, the build /
// lint / test steps with output, provenance (MODEL.md, replay.sh, agent result) and its files.
import { statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { loadRunResult } from '../stats/run-result.js';
import { runLabel } from '../store/run-key.js';
import { runActivity } from '../store/run-state.js';
import { listFiles, readCapped, readJson, runDirOf } from './artefacts.js';
import type { ExperimentHandle } from './experiment-handle.js';
import { HttpError } from './router.js';

const TEXT_MAX = 256 * 1024;
const STEP_OUTPUT_MAX = 32 * 1024;

const PipelineSchema = z.looseObject({
  language: z.string().catch('?'),
  allPassed: z.boolean().catch(false),
  summary: z.string().catch(''),
  steps: z
    .array(
      z.looseObject({
        name: z.string().catch('?'),
        command: z.string().catch(''),
        status: z.string().catch('?'),
        exitCode: z.number().nullable().catch(null),
        durationMs: z.number().catch(0),
        output: z.string().catch(''),
      }),
    )
    .catch([]),
});

const size = (f: string) => {
  try {
    return statSync(f).size;
  } catch {
    return null;
  }
};

const text = (f: string) => {
  const r = readCapped(f, TEXT_MAX);
  return r ? { text: r.text, size: r.size, truncated: r.truncated } : null;
};

/** The run's page data. */
export function runDetail(h: ExperimentHandle, tier: string, subtest: string, run: string) {
  const { key, dir } = runDirOf(h, tier, subtest, run);
  const store = h.store();
  const row = store.getRun(key);
  if (!row) throw new HttpError(404, `no run ${runLabel(key)} in ${h.name}`);
  const rel = relative(h.dir, dir);
  const pipelineRaw = readJson(join(dir, 'judge', 'pipeline.json'));
  const pipeline = pipelineRaw === null ? null : PipelineSchema.parse(pipelineRaw);
  const manifest = readJson(join(dir, 'config_manifest.json')) as { resolved?: unknown } | null;
  const stdout = join(dir, 'agent', 'stdout.log');
  return {
    experiment: h.name,
    label: runLabel(key),
    dir: rel,
    tier,
    subtest,
    run: key.run,
    row,
    activity: runActivity(row.state),
    result: loadRunResult(dir),
    transitions: store.transitions(key),
    discardedAttempts: store.discardedAttempts(key),
    taskPrompt: text(join(dir, 'task_prompt.md')),
    resolved: manifest?.resolved ?? null,
    pipeline: pipeline && {
      ...pipeline,
      steps: pipeline.steps.map((s) => ({
        ...s,
        output: s.output.slice(0, STEP_OUTPUT_MAX),
        outputTruncated: s.output.length > STEP_OUTPUT_MAX,
      })),
    },
    provenance: {
      model: text(join(dir, 'agent', 'MODEL.md')),
      replay: text(join(dir, 'agent', 'replay.sh')),
      agentResult: readJson(join(dir, 'agent', 'result.json')),
    },
    transcript: { path: `${rel}/agent/stdout.log`, size: size(stdout) },
    diff: { path: `${rel}/diff.patch`, size: size(join(dir, 'diff.patch')) },
    changedFiles: readJson(join(dir, 'changed_files.json')),
    files: listFiles(dir, h.dir),
  };
}
export type RunDetail = ReturnType<typeof runDetail>;

/** The run's diff.patch, at most `max` bytes. */
export function runDiff(h: ExperimentHandle, tier: string, subtest: string, run: string, max = 2 << 20) {
  const { dir } = runDirOf(h, tier, subtest, run);
  const r = readCapped(join(dir, 'diff.patch'), max);
  return { patch: r?.text ?? '', size: r?.size ?? 0, truncated: r?.truncated ?? false, exists: r !== null };
}
