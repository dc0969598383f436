#!/usr/bin/env node
// `npm run native`: builds tfjs-node's addon against TensorFlow's Python wheel, for machines where the
// optional dependency's own install (which downloads libtensorflow and a prebuilt addon) cannot reach
// the internet but pip's configured index serves the wheel. Opt-in: `npm ci` never runs this.
// Everything it writes lies inside node_modules (the wheel is cached in node_modules/.cache). Exits 2 when pip
// cannot fetch the wheel, 1 on any other failure; "--rebuild" builds even when an addon already loads.
const { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, chmodSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = resolve(__dirname, '..');
const PKG_NAME = '@tensorflow/tfjs-node';
const TFJS_NODE_VERSION = require(join(ROOT, 'package.json')).optionalDependencies[PKG_NAME];
const WHEEL_NAME = 'tensorflow-cpu';
const WHEEL_VERSION = '2.21.0';
const WHEEL = `${WHEEL_NAME}==${WHEEL_VERSION}`;
const NAPI = 8;
/** Exit status when pip cannot fetch the wheel (CI skips the native backend then); other failures exit 1. */
const WHEEL_UNAVAILABLE = 2;
const PKG = join(ROOT, 'node_modules', PKG_NAME);
const GPU_PKG = join(ROOT, 'node_modules', '@tensorflow/tfjs-node-gpu');
const CACHE = join(ROOT, 'node_modules', '.cache', 'guidance-lab-native');
/** Headers the binding includes, as paths under the wheel's tensorflow/include/. */
const HEADERS = [
  ...['c_api', 'c_api_macros', 'tf_attrtype', 'tf_buffer', 'tf_datatype', 'tf_status', 'tf_tensor', 'tf_tstring'].map(
    (h) => `tensorflow/c/${h}.h`,
  ),
  'tensorflow/c/eager/c_api.h',
  'tensorflow/core/platform/ctstring.h',
  'tensorflow/core/platform/ctstring_internal.h',
  'tsl/platform/ctstring.h',
  'tsl/platform/ctstring_internal.h',
  'xla/tsl/c/tsl_status.h',
];
/** Shared libraries under the wheel's tensorflow/, with the unversioned link the binding's -ltensorflow needs. */
const LIBS = [
  { file: 'libtensorflow_cc.so.2', link: 'libtensorflow.so' },
  { file: 'libtensorflow_framework.so.2', link: 'libtensorflow_framework.so' },
];

function fail(message) {
  process.stderr.write(`npm run native: ${message}\n`);
  process.exit(1);
}

function step(message) {
  process.stdout.write(`::: native: ${message}\n`);
}

/** Runs a command with inherited output; exits with `what` when it fails. */
function run(what, cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) fail(`${what} could not start ${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${what} failed (${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal})`);
}

/** Returns whether `cmd args` runs and exits 0 (output discarded). */
function works(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** Returns the python that has pip (PYTHON, else python3, else python); exits when none has it. */
function findPython() {
  const candidates = [process.env.PYTHON, 'python3', 'python'].filter(Boolean);
  const py = candidates.find((p) => works(p, ['-m', 'pip', '--version']));
  if (!py) fail(`pip is missing: none of ${candidates.join(', ')} runs "-m pip"; install pip (e.g. apt-get install python3-pip)`);
  return py;
}

/** Returns npm's bundled node-gyp script; exits when it cannot be found. */
function findNodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  const root = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' });
  const guess = join((root.stdout || '').trim(), 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(guess)) return guess;
  fail(`npm's bundled node-gyp is missing (looked at npm_config_node_gyp and ${guess}); run this as "npm run native"`);
}

/** Checks the tools before anything is downloaded; returns { python, nodeGyp, nodedir }. */
function preflight() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fail(`the wheel is for linux x64, this is ${process.platform} ${process.arch}; use the normal optional install of ${PKG_NAME}`);
  }
  const python = findPython();
  for (const [tool, pkg] of [
    ['g++', 'g++'],
    ['make', 'make'],
    ['strip', 'binutils'],
  ]) {
    if (!works(tool, ['--version'])) fail(`${tool} is missing; install a compiler toolchain (e.g. apt-get install ${pkg})`);
  }
  const nodedir = resolve(dirname(process.execPath), '..');
  const header = join(nodedir, 'include', 'node', 'node_api.h');
  if (!existsSync(header)) {
    fail(`node's headers are missing (${header}); install them (e.g. apt-get install libnode-dev, or a node.js tarball)`);
  }
  return { python, nodeGyp: findNodeGyp(), nodedir };
}

/** Installs the JS package without its download script, then puts back what that install removes. */
function installPackage() {
  const pkgJson = join(PKG, 'package.json');
  if (existsSync(pkgJson) && require(pkgJson).version === TFJS_NODE_VERSION) {
    step(`${PKG_NAME}@${TFJS_NODE_VERSION} is installed`);
    return;
  }
  step(`npm install --no-save --ignore-scripts ${PKG_NAME}@${TFJS_NODE_VERSION}`);
  const args = ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `${PKG_NAME}@${TFJS_NODE_VERSION}`];
  run('npm install', 'npm', args, { cwd: ROOT });
}

/** Downloads the wheel into the cache (pip reuses it on later runs); returns its path. */
function fetchWheel(python) {
  mkdirSync(CACHE, { recursive: true });
  const prefix = `${WHEEL_NAME.replace(/-/g, '_')}-${WHEEL_VERSION}-`;
  const cached = () => readdirSync(CACHE).find((f) => f.startsWith(prefix) && f.endsWith('.whl'));
  if (!cached()) {
    step(`pip download --no-deps ${WHEEL}`);
    const r = spawnSync(python, ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', WHEEL, '-d', CACHE], { stdio: 'inherit' });
    if (r.status !== 0) {
      process.stderr.write(
        `npm run native: pip cannot fetch ${WHEEL} from its configured index (pip config list); ` +
          `elsewhere the normal optional install of ${PKG_NAME} downloads its own libtensorflow\n`,
      );
      process.exit(WHEEL_UNAVAILABLE);
    }
  }
  const wheel = cached();
  if (!wheel) fail(`pip download of ${WHEEL} left no wheel in ${CACHE}`);
  return join(CACHE, wheel);
}

/** Extracts the headers and libraries the binding needs from the wheel into the package's deps/. */
function unpack(python, wheel) {
  const deps = join(PKG, 'deps');
  rmSync(deps, { recursive: true, force: true });
  const members = [
    ...HEADERS.map((h) => [`tensorflow/include/${h}`, `include/${h}`]),
    ...LIBS.map((l) => [`tensorflow/${l.file}`, `lib/${l.file}`]),
  ];
  const script = [
    'import json, os, shutil, sys, zipfile',
    'wheel, out, members = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])',
    'z = zipfile.ZipFile(wheel)',
    'names = set(z.namelist())',
    'missing = [m for m, _ in members if m not in names]',
    'if missing: sys.exit("the wheel lacks " + ", ".join(missing))',
    'for m, dest in members:',
    '    path = os.path.join(out, dest)',
    '    os.makedirs(os.path.dirname(path), exist_ok=True)',
    '    with z.open(m) as src, open(path, "wb") as dst: shutil.copyfileobj(src, dst)',
  ].join('\n');
  step(`unpacking ${HEADERS.length} headers and ${LIBS.length} libraries into ${deps}`);
  run('unpacking the wheel', python, ['-c', script, wheel, deps, JSON.stringify(members)]);
  for (const { file, link } of LIBS) {
    const lib = join(deps, 'lib', file);
    chmodSync(lib, 0o755);
    symlinkSync(file, join(deps, 'lib', link));
  }
  step('strip --strip-unneeded on the libraries');
  run('strip', 'strip', ['--strip-unneeded', ...LIBS.map((l) => join(deps, 'lib', l.file))]);
}

/** Compiles the addon into lib/napi-v8/tfjs_binding.node (where the package looks for it). */
function compile(nodeGyp, nodedir) {
  const modulePath = join(PKG, 'lib', `napi-v${NAPI}`);
  step(`node-gyp rebuild (nodedir ${nodedir}) -> ${modulePath}`);
  run(
    'node-gyp',
    process.execPath,
    [
      nodeGyp,
      'rebuild',
      `--nodedir=${nodedir}`,
      `--jobs=${Math.max(1, require('node:os').availableParallelism())}`,
      `--napi_build_version=${NAPI}`,
      '--module_name=tfjs_binding',
      `--module_path=${modulePath}`,
    ],
    { cwd: PKG },
  );
  const addon = addonFile(PKG);
  if (!existsSync(addon)) fail(`node-gyp finished but ${addon}, where ${PKG_NAME} looks for its addon, is missing`);
  rmSync(join(PKG, 'build'), { recursive: true, force: true });
  return addon;
}

/** Returns where a tfjs-node package loads its addon from (the path its own index.js computes). */
function addonFile(pkgDir) {
  const preGyp = require(require.resolve('@mapbox/node-pre-gyp', { paths: [pkgDir] }));
  return preGyp.find(join(pkgDir, 'package.json'));
}

/** The same install brings tfjs-node-gpu without its addon; remove it unless it has one, and restore the self-link. */
function tidy() {
  if (existsSync(GPU_PKG) && !existsSync(addonFile(GPU_PKG))) {
    step('removing node_modules/@tensorflow/tfjs-node-gpu (installed without its addon; a GPU user installs it normally)');
    rmSync(GPU_PKG, { recursive: true, force: true });
  }
  const cli = join(ROOT, 'dist', 'jupyter', 'cli.js');
  if (existsSync(cli)) run('restoring the node_modules/guidance-lab link', process.execPath, [cli, 'link'], { cwd: ROOT });
  else step('dist/ is missing: run "npm run build && node dist/jupyter/cli.js link" to restore node_modules/guidance-lab');
}

/** Returns whether tfjs-node's addon is in place and loads (quietly, in a fresh process). */
function loads() {
  if (!existsSync(join(PKG, 'package.json')) || !existsSync(addonFile(PKG))) return false;
  const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' };
  const r = spawnSync(process.execPath, ['-e', `require('${PKG_NAME}')`], { cwd: ROOT, stdio: 'ignore', env });
  return r.status === 0;
}

/** Loads the backend in a fresh process and checks one product against its closed form. */
function verify() {
  const probe = [
    "const tf = require('@tensorflow/tfjs-node');",
    'const y = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).dataSync();',
    "if (tf.getBackend() !== 'tensorflow' || y[0] !== 17 || y[1] !== 39) {",
    "  console.error('unexpected', tf.getBackend(), y);",
    '  process.exit(1);',
    '}',
    "const versions = 'tfjs-node ' + tf.version['tfjs-node'] + ' on TensorFlow ' + tf.backend().binding.TF_Version;",
    "console.log('::: native: ' + versions + ': [[1,2],[3,4]]·[5,6] = ' + Array.from(y));",
  ].join('\n');
  run('loading the built backend', process.execPath, ['-e', probe], { cwd: ROOT, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
}

function main() {
  const started = Date.now();
  if (!process.argv.includes('--rebuild') && loads()) {
    step(`${PKG_NAME}'s addon is installed and loads; nothing to build ("npm run native -- --rebuild" builds it anyway)`);
    verify();
    return;
  }
  const { python, nodeGyp, nodedir } = preflight();
  installPackage();
  if (!existsSync(join(PKG, 'binding.gyp'))) fail(`${PKG} has no binding.gyp; cannot build its addon`);
  const wheel = fetchWheel(python);
  unpack(python, wheel);
  const addon = compile(nodeGyp, nodedir);
  tidy();
  verify();
  step(`built ${addon} in ${Math.round((Date.now() - started) / 1000)} s; use it with GUIDANCE_LAB_BACKEND=tensorflow (auto picks it too)`);
}

main();
