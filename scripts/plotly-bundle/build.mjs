// Builds static/plotly-<version>-scatter-bar-heatmap.min.js, the plotly.js the app's
// charts load (components/frame/plotly_view.py). Run from this folder: `npm ci && npm run build`.
//
// Why not an official bundle: the smallest one with heatmaps, plotly.js-cartesian-dist-min,
// also carries box, violin, pie, contour, histogram, ternary and world-calendar code, and its
// evaluation held a new tab's main thread for about 0.5 s on two cores; this bundle evaluates
// in about 0.15 s. The options follow plotly.js's own esbuild-config.js, minus what only other
// trace types need (glsl shaders for WebGL, the map traces' stylesheet).
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync('node_modules/plotly.js/package.json', 'utf8'));
const outfile = `../../static/plotly-${version}-scatter-bar-heatmap.min.js`;

await build({
    entryPoints: ['entry.js'],
    outfile,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    legalComments: 'eof',
    loader: { '.css': 'empty' },
    define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
    target: 'es2016',
    banner: {
        js: `/**\n* plotly.js (scatter, bar, heatmap - minified) v${version}\n` +
            '* Copyright 2012-2026, Plotly, Inc.\n* All rights reserved.\n' +
            '* Licensed under the MIT license\n*/',
    },
    logLevel: 'info',
});
