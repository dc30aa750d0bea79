// The build/lint/test pipeline on the untouched base commit, taken once per experiment, so judges
// can see which failures pre-existed. Stored in the store (kv) and as pipeline_baseline.json.
import { join } from 'node:path';
import { pipelineFor, PipelineResultSchema, runPipeline, type PipelineResult } from '../judge/pipeline.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import { createRunRepo, removeRunRepo } from '../workspace/run-repo.js';
import type { ExperimentContext } from './context.js';
import { pipelineSandbox } from './sandbox-policy.js';

const KEY = 'pipeline_baseline' as const;

export async function pipelineBaseline(ctx: ExperimentContext): Promise<PipelineResult | null> {
  const stored = ctx.store.getKv(KEY);
  if (stored) return PipelineResultSchema.parse(stored);
  if (pipelineFor(ctx.config.language, ctx.declaredPipeline).length === 0) return null;
  const dir = join(ctx.expDir, '.baseline', 'workspace');
  const branch = `${ctx.config.experimentId.replace(/[^A-Za-z0-9._-]/g, '-')}_baseline`;
  await createRunRepo({ path: dir, branch, commit: ctx.baseCommit, store: ctx.taskStore });
  const scriptsDir = join(ctx.expDir, '.baseline', 'commands');
  try {
    const result = await runPipeline({
      workspace: dir,
      language: ctx.config.language,
      declared: ctx.declaredPipeline,
      scriptsDir,
      signal: ctx.hardStop,
      sandbox: pipelineSandbox(ctx.sandbox, dir, scriptsDir),
    });
    writeJsonAtomic(join(ctx.expDir, 'pipeline_baseline.json'), result);
    ctx.store.setKv(KEY, result);
    return result;
  } finally {
    removeRunRepo(dir);
  }
}
