// The sandbox keys of the experiment config: modes, read-only paths (made absolute, checked), network.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configHash } from '../../src/config/experiment-config.js';
import { resolveExperimentConfig } from '../../src/config/resolve-experiment.js';
import { loadTestCase } from '../../src/fixture/load-test-case.js';
import { configError } from '../helpers/config-error.js';
import { buildTestCase } from '../helpers/fixture-builder.js';
import { gitdir } from '../helpers/gitdir.js';
import { tmpDir } from '../helpers/tmp.js';

const tc = () => loadTestCase(buildTestCase({ repo: gitdir({ 'README.md': '# x\n' }) }).tiersDir);

function configFile(text: string): string {
  const dir = tmpDir('scylla-cfg-');
  mkdirSync(join(dir, 'datasets'));
  writeFileSync(join(dir, 'exp.yaml'), text);
  return join(dir, 'exp.yaml');
}

describe('sandbox configuration', () => {
  it('defaults to auto with an open network; the flag beats the file; paths are made absolute', () => {
    const t = tc();
    const base = resolveExperimentConfig({ tiersDir: t.dir }, t);
    expect([base.sandbox, base.network, base.sandboxReadOnly]).toEqual(['auto', 'open', []]);
    const cfg = configFile('sandbox: none\nsandbox_read_only:\n  - datasets\nsandbox_writable: [datasets]\n');
    const c = resolveExperimentConfig({ tiersDir: t.dir, config: cfg }, t);
    expect(c.sandbox).toBe('none');
    expect(c.sandboxReadOnly).toEqual([join(cfg, '..', 'datasets')]);
    expect(c.sandboxWritable).toEqual([join(cfg, '..', 'datasets')]);
    expect(resolveExperimentConfig({ tiersDir: t.dir, config: cfg, sandbox: 'bwrap' }, t).sandbox).toBe(
      'bwrap',
    );
    // Not part of what a result means: an experiment resumes under another sandbox mode.
    expect(configHash(c)).toBe(configHash(base));
  });

  it('a read-only path that does not exist is an error with the file and line', () => {
    const t = tc();
    const cfg = configFile('runs_per_subtest: 2\nsandbox_read_only:\n  - datasets\n  - missing-dir\n');
    const e = configError(() => resolveExperimentConfig({ tiersDir: t.dir, config: cfg }, t));
    expect(e.file).toBe(cfg);
    expect(e.line).toBe(4);
    expect(e.message).toContain('missing-dir does not exist');
  });

  it('network: allowlist takes network_allow; network_allow alone is an error with the file and line', () => {
    const t = tc();
    const ok = configFile('network: allowlist\nnetwork_allow: [pkgs.example, "*.files2.example"]\n');
    const c = resolveExperimentConfig({ tiersDir: t.dir, config: ok }, t);
    expect([c.network, c.networkAllow]).toEqual(['allowlist', ['pkgs.example', '*.files2.example']]);
    const bad = configFile('runs_per_subtest: 1\nnetwork_allow: [pkgs.example]\n');
    const e = configError(() => resolveExperimentConfig({ tiersDir: t.dir, config: bad }, t));
    expect([e.file, e.line, e.field]).toEqual([bad, 2, 'network_allow']);
  });
});
