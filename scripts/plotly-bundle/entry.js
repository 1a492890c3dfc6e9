// plotly.js's core (scatter, the cartesian axes, legends, hover, modebar) and the two other trace
// types the app's figures use. A figure may use only these: components/plotly_view.py's
// BUNDLED_TRACES, which tests/test_charts.py checks against every figure the app builds.
var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/heatmap')]);

module.exports = Plotly;
