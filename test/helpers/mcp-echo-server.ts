// A tiny stdio MCP server for tests: newline-delimited JSON-RPC with initialize, tools/list and
// tools/call of one tool, `echo_tool` (`{text}` → `echo: <text>`). `--log FILE` appends every
// message it receives; `--fail` exits at once with code 3 (a server that does not start).
//
//   import { echoServerCommand } from './mcp-echo-server.js';
//   mcp_servers: [{ name: 'echo', ...echoServerCommand({ log: '/tmp/echo.log' }) }]
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const self = fileURLToPath(import.meta.url);
const tsxLoader = pathToFileURL(
  fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url)),
).href;

/** `command` + `args` that start this server with the current node and tsx (usable from any cwd). */
export function echoServerCommand(opts: { log?: string; fail?: boolean } = {}): {
  command: string;
  args: string[];
} {
  return {
    command: process.execPath,
    args: [
      '--import',
      tsxLoader,
      self,
      ...(opts.log ? ['--log', opts.log] : []),
      ...(opts.fail ? ['--fail'] : []),
    ],
  };
}

interface Request {
  jsonrpc: '2.0';
  id?: number | string;
  method: string;
  params?: { protocolVersion?: string; name?: string; arguments?: { text?: unknown } };
}

const TOOL = {
  name: 'echo_tool',
  description: 'Echoes the given text back.',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
};

function serve(argv: string[]): void {
  if (argv.includes('--fail')) {
    process.stderr.write('echo server: told to fail\n');
    process.exit(3);
  }
  const li = argv.indexOf('--log');
  const log = li >= 0 ? argv[li + 1] : undefined;
  const send = (msg: object) => process.stdout.write(JSON.stringify(msg) + '\n');
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    if (!line.trim()) return;
    if (log) appendFileSync(log, line + '\n');
    let req: Request;
    try {
      req = JSON.parse(line) as Request;
    } catch {
      send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
      return;
    }
    if (req.id === undefined) return; // a notification
    const reply = (result: object) => send({ jsonrpc: '2.0', id: req.id, result });
    switch (req.method) {
      case 'initialize':
        reply({
          protocolVersion: req.params?.protocolVersion ?? '2025-06-18',
          capabilities: { tools: {} },
          serverInfo: { name: 'echo', version: '1.0.0' },
        });
        break;
      case 'tools/list':
        reply({ tools: [TOOL] });
        break;
      case 'tools/call':
        reply({
          content: [
            {
              type: 'text',
              text: `echo: ${typeof req.params?.arguments?.text === 'string' ? req.params.arguments.text : ''}`,
            },
          ],
        });
        break;
      case 'ping':
        reply({});
        break;
      default:
        send({
          jsonrpc: '2.0',
          id: req.id,
          error: { code: -32601, message: `unknown method ${req.method}` },
        });
    }
  });
  rl.on('close', () => process.exit(0));
}

if (process.argv[1] && fileURLToPath(pathToFileURL(process.argv[1])) === self) serve(process.argv.slice(2));
