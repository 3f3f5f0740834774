// Chart.js as the page uses it: registered once, colours from the CSS theme
// (style.css; light or dark from prefers-color-scheme, followed live), charts
// that fill their CSS-sized box, and each canvas reporting its plot area and
// how many values it shows (data-plot-height, data-points) for the tests.
import { Chart, registerables } from 'chart.js';

Chart.register(...registerables);

/**
 * Resolves after the browser has had a turn (a new task). Creating a chart is
 * the costliest start-up step (tens of ms each); the page yields before each
 * one so that no start-up task blocks the main thread for long.
 */
export const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A colour of the current theme: a CSS custom property of :root, e.g. color('--bar-kept'). */
export const color = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

// On a narrow chart (a phone) titles and legend labels get smaller type, so
// that a long title is not clipped at the canvas edge.
const narrow = (ctx) => ctx.chart.width < 480;
Chart.defaults.plugins.title.font = (ctx) => ({ size: narrow(ctx) ? 10 : 12, weight: 'bold' });
Chart.defaults.plugins.legend.labels.font = (ctx) => ({ size: narrow(ctx) ? 10 : 12 });
Chart.defaults.plugins.legend.labels.boxWidth = 30;

function applyTheme() {
  Chart.defaults.color = color('--chart-ink');
  Chart.defaults.borderColor = color('--chart-grid');
}
applyTheme();

// Datasets name their colours by CSS property (`colors: { backgroundColor: '--bar-kept' }`),
// so that a theme change recolours every chart.
function recolour(chart) {
  for (const d of chart.data.datasets) {
    for (const [key, value] of Object.entries(d.colors ?? {})) d[key] = Array.isArray(value) ? value.map(color) : color(value);
  }
}

Chart.register({
  id: 'lk-report',
  beforeUpdate(chart) { recolour(chart); },
  afterLayout(chart) {
    const { chartArea, canvas } = chart;
    if (chartArea) canvas.dataset.plotHeight = String(Math.round(chartArea.bottom - chartArea.top));
  },
  afterUpdate(chart) {
    chart.canvas.dataset.points = String(chart.data.datasets.reduce((n, d) => n + d.data.filter((v) => v !== null && v !== undefined).length, 0));
  },
});

const charts = new Set();
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
  applyTheme();
  for (const c of charts) c.update();
});

/** A chart filling its CSS-sized box (.chart in style.css), no animation. */
export function makeChart(canvas, config) {
  const chart = new Chart(canvas, {
    type: 'bar',
    ...config,
    options: { animation: false, responsive: true, maintainAspectRatio: false, ...config.options },
  });
  charts.add(chart);
  return chart;
}

/** Empties a chart (labels, datasets) and sets its title: nothing stale stays on screen. */
export function clearChart(chart, title) {
  chart.data.labels = [];
  chart.data.datasets = [];
  chart.options.plugins.title.text = title;
  chart.update();
}
