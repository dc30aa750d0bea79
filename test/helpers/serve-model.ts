// Standalone scripted model server: `npx tsx test/helpers/serve-model.ts --script FILE.json [--port N]
// [--verbose]` prints {"url": "..."} as one JSON line on stdout and serves until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { loadYamlFile } from '../../src/config/load-yaml.js';
import { startModelServer } from './model-server.js';
import { ModelScriptSchema } from './model-server-script.js';

const USAGE = 'usage: serve-model.ts --script FILE.json [--port N] [--verbose]';

async function main(): Promise<number> {
  let values: { script?: string; port?: string; verbose?: boolean };
  try {
    ({ values } = parseArgs({
      options: { script: { type: 'string' }, port: { type: 'string' }, verbose: { type: 'boolean' } },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!values.script || !Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(USAGE);
    return 2;
  }
  let script;
  try {
    // JSON is YAML, so a YAML script works too; errors name file, line and field.
    script = loadYamlFile(values.script, ModelScriptSchema).value;
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const server = await startModelServer(script, {
    port,
    onRequest: values.verbose
      ? (r) =>
          console.error(
            `#${r.index} ${r.kind} ${r.method} ${r.path} → ${r.status}${r.cwd ? ` cwd=${r.cwd}` : ''}`,
          )
      : undefined,
  });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
