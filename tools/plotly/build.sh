#!/usr/bin/env bash
# build.sh: build a partial ("custom") plotly.js bundle from the npm registry.
#
# It does the same thing as plotly.js's own `npm run custom-bundle -- --traces ...`
# (tasks/custom_bundle.mjs -> tasks/partial_bundle.mjs -> tasks/util/bundle_wrapper.mjs).
# Those tasks are not in the npm tarball, so this script repeats them:
#   * the same index: lib/index.js with the unwanted `require('./<trace>')` lines removed
#     (scatter is always in core)
#   * the same esbuild settings as the package's own esbuild-config.js: iife, globalName
#     Plotly, target es2016, alias regl->@plotly/regl and stream->stream-browserify,
#     define global=window and define.amd=false, plugins inline-css, glsl and environment
#   * the same "strip meta attributes" onLoad plugin (tasks/compress_attributes.js), which
#     removes description/role/hrName/requiredOpts/otherOpts strings
#   * the same license header and UMD wrapper, ending in `window.Plotly = Plotly`
# Where it differs, each difference is optional:
#   * CALENDARS=0 (the default here) leaves out the world-calendars component. The official
#     custom-bundle always includes it. Set CALENDARS=1 to match it.
#   * maplibre-gl.css is replaced by an empty module when no map trace is built. core's
#     registry.js require()s that CSS, but only when a 'map' subplot module is registered.
#     So with no map trace it is dead code that would still inject a <style> at load.
#
# Needs node >= 18 and npm, with access to the npm registry. Nothing else is downloaded.
# The only file it reads next to itself is an optional lockfile.
#
# Usage:   tools/plotly/build.sh        (writes assets/plotly-eco.min.js, the one the app serves)
# Env:     PLOTLY_VERSION  (4.1.1)   plotly.js version; keep it equal to plotly.py's bundled one
#          TRACES          (scatter,scattergl,bar,waterfall,sankey)
#          OUT             (<project>/assets/plotly-eco.min.js)
#          MINIFY          (1)       0 = unminified
#          CALENDARS       (0)       1 = include the calendars component, like upstream
#          WORKDIR         (<script dir>/.plotly-build)  npm install dir (cache; deletable)
#          LOCKFILE        (<script dir>/plotly-eco.package-lock.json)  if it exists: `npm ci`
#                          against it; if not: `npm install`, and the lock it writes is saved there
#
# License: plotly.js is MIT-licensed (Copyright (c) Plotly Technologies Inc.). The bundle keeps
# the plotly.js license header and esbuild's legal comments of the bundled dependencies.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PLOTLY_VERSION="${PLOTLY_VERSION:-4.1.1}"
TRACES="${TRACES:-scatter,scattergl,bar,waterfall,sankey}"
OUT="${OUT:-$SCRIPT_DIR/../../assets/plotly-eco.min.js}"
MINIFY="${MINIFY:-1}"
CALENDARS="${CALENDARS:-0}"
WORKDIR="${WORKDIR:-$SCRIPT_DIR/.plotly-build}"
LOCKFILE="${LOCKFILE:-$SCRIPT_DIR/plotly-eco.package-lock.json}"

# Build tool versions: the ones plotly.js 4.1.1's package.json lists as devDependencies,
# pinned exactly.
ESBUILD_VERSION=0.28.2
GLSL_PLUGIN_VERSION=1.4.2
INLINE_CSS_PLUGIN_VERSION=0.0.1
ENV_PLUGIN_VERSION=0.5.0
STREAM_BROWSERIFY_VERSION=3.0.0
BUFFER_VERSION=6.0.3   # browser 'buffer' polyfill (typedarray-pool require()s it)

# Transitive dependencies: plotly.js's npm package has no lockfile, so a plain install takes
# the newest versions its semver ranges allow. Some of these were published after 4.1.1 and
# differ from what the official dist/plotly.min.js (the file plotly.py ships) was built
# with. The "overrides" below pin the ones that end up in this bundle back to the versions
# that the official 4.1.1 dist contains (checked by comparing the unminified bundles module
# by module). Without them: regl-line2d 3.1.4 (changed line normalisation in scattergl),
# d3-interpolate 3.0.2 / d3-color 3.1.1 (dist .mjs builds), to-px 1.1.0.

command -v node >/dev/null || { echo "node not found" >&2; exit 1; }
command -v npm  >/dev/null || { echo "npm not found"  >&2; exit 1; }

mkdir -p "$(dirname "$OUT")"
OUT_ABS="$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"   # resolve before cd

mkdir -p "$WORKDIR"
cd "$WORKDIR"

cat > package.json <<EOF
{
  "name": "plotly-partial-bundle-build",
  "private": true,
  "description": "build-only: partial plotly.js bundle",
  "dependencies": {
    "plotly.js": "$PLOTLY_VERSION",
    "esbuild": "$ESBUILD_VERSION",
    "esbuild-plugin-glsl": "$GLSL_PLUGIN_VERSION",
    "esbuild-plugin-inline-css": "$INLINE_CSS_PLUGIN_VERSION",
    "esbuild-plugin-environment": "$ENV_PLUGIN_VERSION",
    "stream-browserify": "$STREAM_BROWSERIFY_VERSION",
    "buffer": "$BUFFER_VERSION"
  },
  "overrides": {
    "regl-line2d": "3.1.3",
    "d3-interpolate": "3.0.1",
    "d3-color": "3.1.0",
    "to-px": "1.0.1"
  }
}
EOF

# --ignore-scripts: no postinstall is needed. esbuild's native binary comes in its
# @esbuild/<platform> optional dependency, which is an ordinary registry package.
NPM_FLAGS=(--ignore-scripts --no-audit --no-fund --loglevel=error)
if [ -f "$LOCKFILE" ]; then
  cp "$LOCKFILE" package-lock.json
  npm ci "${NPM_FLAGS[@]}"
else
  rm -rf package-lock.json node_modules   # a clean tree, so the lock it writes is clean too
  npm install "${NPM_FLAGS[@]}"
  cp package-lock.json "$LOCKFILE"
  echo "saved lockfile: $LOCKFILE"
fi

cat > build-plotly.mjs <<'EOF'
// Driver with the same steps as plotly.js tasks/partial_bundle.mjs + tasks/util/bundle_wrapper.mjs
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { glsl } from 'esbuild-plugin-glsl';
import { environmentPlugin } from 'esbuild-plugin-environment';

const require = createRequire(import.meta.url);
const InlineCSSPlugin = require('esbuild-plugin-inline-css');

const [, , outFile, tracesArg, minifyArg, calendarsArg, wantVersion] = process.argv;
const minify = minifyArg === '1';
const withCalendars = calendarsArg === '1';

const plotlyDir = path.dirname(require.resolve('plotly.js/package.json'));
const pkg = JSON.parse(fs.readFileSync(path.join(plotlyDir, 'package.json'), 'utf8'));
if (pkg.version !== wantVersion) {
  throw new Error(`installed plotly.js is ${pkg.version}, wanted ${wantVersion}`);
}

// ---- 1. partial index: lib/index.js minus the traces not asked for (like partial_bundle.mjs)
const mainIndex = fs.readFileSync(path.join(plotlyDir, 'lib', 'index.js'), 'utf8');
const allTraces = [...mainIndex.matchAll(/require\('\.\/([a-z0-9]+)'\)/g)]
  .map((m) => m[1]).filter((t) => t !== 'core' && t !== 'calendars');
const wanted = tracesArg.split(',').map((s) => s.trim()).filter(Boolean);
for (const t of wanted) {
  if (t !== 'scatter' && !allTraces.includes(t)) {
    throw new Error(`${t} is not a valid trace; valid traces: scatter,${allTraces.join(',')}`);
  }
}
const includes = (withCalendars ? ['calendars'] : []).concat(wanted);
const excludes = ['calendars', ...allTraces].filter((t) => !includes.includes(t));
let partialIndex = mainIndex;
for (const t of excludes) {
  const next = partialIndex.replace(new RegExp(`\\s*require\\('\\./${t}'\\),`, 'g'), '');
  if (next === partialIndex) throw new Error(`Unable to find and drop require for ${t}`);
  partialIndex = next;
}
// The index is written inside plotly.js/lib/, as upstream does (lib/index-<out>.js),
// so that its relative requires resolve.
const indexPath = path.join(plotlyDir, 'lib', 'index-partial-build.js');
fs.writeFileSync(indexPath, partialIndex);

// ---- 2. strip meta attributes (copy of plotly.js tasks/compress_attributes.js)
const WHITESPACE_BEFORE = '\\s*';
const OPTIONAL_COMMA = ',?';
const makeRegex = (s) => new RegExp(WHITESPACE_BEFORE + s + OPTIONAL_COMMA, 'g');
const makeStringRegex = (attr) => makeRegex(attr + ": '.*'");
const makeJoinedArrayRegex = (attr) => makeRegex(attr + ': \\[[\\s\\S]*?\\]' + '\\.join\\([\\s\\S]*?\\)');
const makeArrayRegex = (attr) => makeRegex(attr + ': \\[[\\s\\S]*?\\]');
const allRegexes = [
  makeStringRegex('description'),
  makeJoinedArrayRegex('description'),
  makeArrayRegex('requiredOpts'),
  makeArrayRegex('otherOpts'),
  makeStringRegex('role'),
  makeStringRegex('hrName'),
];
const stripMetaPlugin = {
  name: 'strip-meta-attributes',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (file) => {
      let c = await fs.promises.readFile(file.path, 'utf-8');
      for (const r of allRegexes) c = c.replace(r, '');
      return { contents: c, loader: 'js' };
    });
  },
};

// ---- 3. maplibre-gl.css -> empty module when no map trace is included (see build.sh header)
const mapTraces = ['scattermap', 'choroplethmap', 'densitymap'];
const noMapCssPlugin = {
  name: 'no-maplibre-css',
  setup(b) {
    b.onResolve({ filter: /maplibre-gl\.css$/ }, () => ({ path: 'maplibre-gl.css', namespace: 'empty-css' }));
    b.onLoad({ filter: /.*/, namespace: 'empty-css' }, () => ({ contents: '', loader: 'js' }));
  },
};
const plugins = [];
if (!wanted.some((t) => mapTraces.includes(t))) plugins.push(noMapCssPlugin);
plugins.push(InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false }), stripMetaPlugin);

// ---- 4. esbuild, with the settings of plotly.js esbuild-config.js
const tmpDir = path.join(process.cwd(), 'out');
fs.rmSync(tmpDir, { recursive: true, force: true });
const tmpOut = path.join(tmpDir, 'bundle.js');
try {
  await build({
    entryPoints: [indexPath],
    outfile: tmpOut,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify,
    sourcemap: false,
    plugins,
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    logLevel: 'warning',
  });
} finally {
  fs.rmSync(indexPath, { force: true });
}

// ---- 5. license header + UMD wrapper (same text as bundle_wrapper.mjs / constants.licenseDist)
const name = `custom: ${['scatter', ...wanted.filter((t) => t !== 'scatter')].join(',')}${withCalendars ? ',calendars' : ''}`;
const header = [
  '/**',
  `* plotly.js (${name}${minify ? ' - minified' : ''}) v${pkg.version}`,
  '* Copyright 2012-2026, Plotly, Inc.',
  '* All rights reserved.',
  '* Licensed under the MIT license',
  '*/',
].join('\n') + '\n';
const wrapTop = [
  '(',
  ' function(root, factory) {',
  '  if (typeof module === "object" && module.exports) {',
  '   module.exports = factory();',
  '  } else {',
  '   root.moduleName = factory();',
  '  }',
  '} (typeof self !== "undefined" ? self : this, () => {',
  '',
].join('\n');
const wrapBottom = ['', 'window.Plotly = Plotly;', 'return Plotly;', '}));'].join('\n');
fs.writeFileSync(outFile, header + wrapTop + fs.readFileSync(tmpOut, 'utf8') + wrapBottom);
fs.rmSync(tmpDir, { recursive: true, force: true }); // also drops any stray bundle.css
console.log(`wrote ${outFile} (${fs.statSync(outFile).size} bytes): plotly.js ${pkg.version}, ` +
  `traces ${['scatter', ...wanted.filter((t) => t !== 'scatter')].join(',')}` +
  `${withCalendars ? ' + calendars' : ''}, ${minify ? 'minified' : 'unminified'}`);
EOF

node build-plotly.mjs "$OUT_ABS" "$TRACES" "$MINIFY" "$CALENDARS" "$PLOTLY_VERSION"
if command -v sha256sum >/dev/null; then sha256sum "$OUT_ABS"; fi
