// The layer map of docs/architecture.md as a check: `npm run lint` runs `depcruise src` with these rules.
// A layer is a folder of src/ (or, for the leaves, a top-level file). Every layer may import itself
// and the leaves; MAY_IMPORT lists what else it may import. An import not listed is a lint error
// named after the importing layer (`layer-agent`, ...), with the rule's comment saying what is allowed.
// Type-only imports count like any other: a type ties two modules just as firmly.

/** The services the engine composes, each a folder of src/. */
const SERVICES = [
  'workspace',
  'sandbox',
  'materialize',
  'mcp',
  'agent',
  'judge',
  'store',
  'ratelimit',
  'fixture',
  'stats',
  'report',
];

/**
 * What each layer may import besides itself and the leaves. Not listed: the top, `src/cli/` and the
 * public API `src/index.ts`, which may import every layer and which nothing imports (rules below).
 */
const MAY_IMPORT = {
  // The run pipeline, scheduling, resume: the one layer that uses every service.
  engine: SERVICES,
  // Front ends beside the engine: the queue worker runs the engine, the viewer only reads.
  distributed: ['engine', ...SERVICES],
  view: ['store', 'stats', 'report'],
  // Between services, the edges the code needs:
  report: ['stats', 'store', 'workspace'], // renders what stats computes; run and results paths
  stats: ['store', 'workspace'], // numbers from the store and the run records
  materialize: ['fixture'], // writes what a subtest resolved to
  mcp: ['fixture', 'agent', 'sandbox'], // servers of a resolved subtest, started the agent's way
  judge: ['agent', 'ratelimit', 'sandbox'], // the Claude Code CLI transport runs the agent's CLI
  agent: ['ratelimit', 'sandbox'], // tells a rate limit from the agent's own failure
  fixture: [], // the test case as data: discovery and resolution over config
  store: [],
  workspace: [],
  ratelimit: [],
  sandbox: [], // per-run isolation that agent, mcp and judge processes run in
};

/** The leaves, lowest first: each may import only the ones before it (and itself). */
const LEAVES = ['top-level', 'util', 'config'];

const LEAF_PATH = {
  // errors.ts, outcomes.ts, version.ts and any other top-level module except the public API.
  'top-level': '^src/(?!index\\.ts$)[^/]+\\.ts$',
  util: '^src/util/',
  config: '^src/config/',
};

const pathOf = (layer) => `^src/${layer}/`;
const layers = Object.keys(MAY_IMPORT);
const allowed = (layer) => MAY_IMPORT[layer];

// The map must name only its own layers and stay a hierarchy (a cycle would let two layers import each other).
(function assertHierarchy() {
  const state = {};
  const visit = (l, trail) => {
    if (state[l] === 'done') return;
    if (state[l] === 'open')
      throw new Error(`.dependency-cruiser.cjs: MAY_IMPORT has a cycle: ${[...trail, l].join(' → ')}`);
    if (!MAY_IMPORT[l])
      throw new Error(`.dependency-cruiser.cjs: '${trail.at(-1)}' may import '${l}', which is no layer`);
    state[l] = 'open';
    for (const next of allowed(l)) visit(next, [...trail, l]);
    state[l] = 'done';
  };
  for (const l of layers) visit(l, []);
})();

const anyLayer = ['^src/cli/', '^src/index\\.ts$', ...layers.map(pathOf), ...Object.values(LEAF_PATH)];
const list = (xs) => (xs.length ? xs.join(', ') : 'nothing else');

const layerRules = layers.map((l) => ({
  name: `layer-${l}`,
  severity: 'error',
  comment: `src/${l}/ may import itself, the leaves (config, util, top-level files) and ${list(allowed(l))}.`,
  from: { path: pathOf(l) },
  to: {
    path: '^src/',
    // The CLI and the public API have rules of their own.
    pathNot: [
      pathOf(l),
      ...allowed(l).map(pathOf),
      ...Object.values(LEAF_PATH),
      '^src/cli/',
      '^src/index\\.ts$',
    ],
  },
}));

const leafRules = LEAVES.map((leaf, i) => ({
  name: `leaf-${leaf}`,
  severity: 'error',
  comment: `${leaf === 'top-level' ? 'top-level modules (errors.ts, version.ts, ...)' : `src/${leaf}/`} may import only ${list(LEAVES.slice(0, i + 1))}: everyone uses a leaf, so it uses no layer.`,
  from: { path: LEAF_PATH[leaf] },
  to: { path: '^src/', pathNot: LEAVES.slice(0, i + 1).map((l) => LEAF_PATH[l]) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment:
        'Modules that import each other (type-only imports included) are one module in two files: break the cycle.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'nothing-imports-cli',
      severity: 'error',
      comment:
        'src/cli/ is the top: the core never reaches up to a command (it takes what it needs as arguments).',
      from: { pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'nothing-imports-the-public-api',
      severity: 'error',
      comment: 'src/index.ts is the library face; inside src/ import the module itself.',
      from: { pathNot: '^src/index\\.ts$' },
      to: { path: '^src/index\\.ts$' },
    },
    {
      name: 'sqlite-only-in-store',
      severity: 'error',
      comment: 'Only src/store/ touches SQLite: everything else reads and writes state through the store.',
      from: { pathNot: '^src/store/' },
      to: { path: '(^|/)node_modules/(@types/)?better-sqlite3/' },
    },
    {
      name: 'unknown-layer',
      severity: 'error',
      comment:
        'Every folder of src/ is a layer of .dependency-cruiser.cjs (MAY_IMPORT) and docs/architecture.md: add the new one there.',
      from: { path: '^src/', pathNot: anyLayer },
      to: {},
    },
    ...layerRules,
    ...leafRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
