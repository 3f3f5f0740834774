// The demo page: every number comes from logitkit running in this page.
// Every input change redraws the explorer's chart and table and clears the
// draws (they were drawn for other settings); an error clears what it replaces.
import { load } from '../dist/index.mjs';
import { clearChart, color, makeChart, nextTask } from './charts.mjs';

const lk = await load();
const $ = (id) => document.getElementById(id);
$('build').textContent = `${lk.simd ? 'WebAssembly SIMD' : 'baseline WebAssembly'} build (${lk.backend})`;

// ---- presets -------------------------------------------------------------
const PRESETS = {
  france: { kind: 'llm', text: 'Paris: 12.4\nFrance: 8.1\nLyon: 6.2\na: 2.1\nthe: 1.8\ndog: -5.2' },
  classifier: { kind: 'llm', text: 'cat: 4.5\ndog: -1.2\nbird: 0.8' },
  synthetic: { kind: 'llm', synthetic: 32000 },
  multilabel: { kind: 'multilabel', text: 'outdoor: 2.3\nperson: 0.4\ndog: -1.1\nbeach: 1.7\nnight: -3.0\ncar: 0.05' },
  retrieval: { kind: 'retrieval' },
};
const DOCS = [
  ['Paris is the capital of France', [0.9, 0.1, 0.3, 0.0]],
  ['Lyon is a city in France', [0.7, 0.2, 0.5, 0.1]],
  ['Berlin is the capital of Germany', [0.5, 0.8, 0.2, 0.0]],
  ['Dogs are loyal animals', [0.0, 0.1, 0.1, 0.9]],
  ['The Eiffel Tower is in Paris', [0.8, 0.0, 0.6, 0.1]],
  ['Cats sleep a lot', [0.1, 0.0, 0.0, 1.0]],
];
const QUERY = [1.0, 0.1, 0.4, 0.0]; // "What is the capital of France?"

function syntheticLogits(n, seed = 1) {
  let s = seed >>> 0;
  const u = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 3 * Math.sqrt(-2 * Math.log(u() + 1e-300)) * Math.cos(2 * Math.PI * u());
  for (let k = 0; k < 8; k++) x[Math.floor(u() * n)] = 12 + 4 * u();
  return x;
}

let current = { names: [], x: new Float32Array(0), values: [] };

// A value as written in the box: a number, or an infinity in any usual
// spelling (inf, -inf, Infinity, -Infinity, ±∞). NaN goes through to the
// library, whose error names its index.
const SPECIAL = { inf: Infinity, '+inf': Infinity, infinity: Infinity, '+infinity': Infinity, '∞': Infinity, '+∞': Infinity,
  '-inf': -Infinity, '-infinity': -Infinity, '-∞': -Infinity, '−inf': -Infinity, '−∞': -Infinity, nan: NaN };
function parseValue(s) {
  const k = s.toLowerCase();
  if (k in SPECIAL) return SPECIAL[k];
  return s.trim() === '' ? NaN : Number(s);
}

function parseLogits(text) {
  const names = [], values = [];
  text.split('\n').map((l) => l.trim()).filter(Boolean).forEach((line, i) => {
    const m = line.match(/^(.*?):\s*(\S+)$/);
    const raw = m ? m[2] : line;
    const v = parseValue(raw);
    if (Number.isNaN(v) && raw.toLowerCase() !== 'nan') throw new RangeError(`line ${i + 1}: '${line}' is not "token: number" (numbers, inf, -inf or NaN)`);
    names.push(m ? m[1] : `#${i}`);
    values.push(v);
  });
  return { names, x: Float32Array.from(values), values };
}

function applyPreset() {
  const p = PRESETS[$('preset').value];
  $('llm-controls').hidden = p.kind !== 'llm';
  $('logits').readOnly = Boolean(p.synthetic) || p.kind === 'retrieval';
  if (p.synthetic) {
    const x = syntheticLogits(p.synthetic);
    current = { names: Array.from(x, (_, i) => `token ${i}`), x, synthetic: p.synthetic };
    $('logits').value = `${p.synthetic} logits: 3·N(0,1) with 8 spikes (seeded)`;
  } else if (p.kind === 'retrieval') {
    $('logits').value = `query: "What is the capital of France?"\n${DOCS.map(([d]) => `doc: ${d}`).join('\n')}`;
  } else {
    $('logits').value = p.text;
  }
  render();
}

// ---- charts ----------------------------------------------------------------
const probTitle = (text) => ({ display: true, text });
await nextTask();
const probChart = makeChart($('prob-chart'), {
  data: { labels: [], datasets: [] },
  options: {
    plugins: { title: probTitle('') },
    scales: { x: { title: { display: true, text: 'token (most likely first)' } }, y: { min: 0, max: 1, title: { display: true, text: 'probability' } } },
  },
});
const DRAW_HINT = 'Draw samples to compare seeded draws with the exact final probabilities';
await nextTask();
const sampleChart = makeChart($('sample-chart'), {
  data: { labels: [], datasets: [] },
  options: {
    plugins: { title: probTitle(DRAW_HINT) },
    scales: { x: { title: { display: true, text: 'token' } }, y: { min: 0, max: 1, title: { display: true, text: 'frequency / probability' } } },
  },
});

// The probability axis: fixed 0–1, or logarithmic (1e-6 to 1) to show the tail.
function probAxis(chart) {
  const log = $('log-scale').checked;
  Object.assign(chart.options.scales.y, log ? { type: 'logarithmic', min: 1e-6, max: 1 } : { type: 'linear', min: 0, max: 1 });
  chart.options.scales.y.title.text = log ? 'probability (log scale)' : chart.options.scales.y.title.text.replace(' (log scale)', '');
}

function controls() {
  const v = (id) => Number($(id).value);
  const c = { temperature: v('temperature'), topK: v('topK'), topP: v('topP'), minP: v('minP'), typicalP: v('typicalP'), order: $('order').value };
  for (const k of ['temperature', 'topK', 'topP', 'minP', 'typicalP']) $(`${k}-out`).textContent = String(c[k]);
  return c;
}

function table(head, rows) {
  $('explorer-table').tHead.innerHTML = head.length ? `<tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr>` : '';
  const body = $('explorer-table').tBodies[0];
  body.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement('tr');
    cells.forEach((c) => {
      const td = document.createElement('td');
      if (typeof c === 'object') { td.textContent = c.text; Object.assign(td.dataset, c.data ?? {}); if (c.cls) td.className = c.cls; } else td.textContent = c;
      tr.append(td);
    });
    return tr;
  }));
}

const fmt = (p) => (p === 0 ? '0' : p < 1e-4 ? p.toExponential(2) : p.toFixed(4));
const num = (v) => (v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : Number.isNaN(v) ? 'NaN' : String(v));

// ---- the snippet: the page's settings as code that runs ---------------------
function llmSnippet(c, seed) {
  const logits = current.synthetic
    ? `${syntheticLogits.toString()}\nconst logits = syntheticLogits(${current.synthetic}); // the page's seeded synthetic row`
    : `// ${current.names.join(', ')}\nconst logits = new Float32Array([${current.values.map(num).join(', ')}]);`;
  const options = `{ temperature: ${c.temperature}, topK: ${c.topK}, topP: ${c.topP}, minP: ${c.minP}, typicalP: ${c.typicalP}, order: '${c.order}', seed: ${seed} }`;
  return `import { load } from 'logitkit';\n\nconst lk = await load();\n${logits}\n` +
    `const sampler = lk.sampler(${options});\n` +
    `const { ids, probs } = sampler.distribution(logits); // the kept set (ascending ids) and its probabilities\n` +
    `const { token, logprob } = sampler.sample(logits);    // one seeded draw\n`;
}
function multiLabelSnippet() {
  return `import { load } from 'logitkit';\n\nconst lk = await load();\n// ${current.names.join(', ')}\n` +
    `const logits = new Float32Array([${current.values.map(num).join(', ')}]);\n` +
    `const { probs, decisions } = lk.multiLabel(logits, { threshold: 0.5 }); // σ(z) per tag, and which are on\n`;
}
function retrievalSnippet() {
  return `import { load } from 'logitkit';\n\nconst lk = await load();\nconst query = new Float32Array([${QUERY.join(', ')}]);\n` +
    `const docs = new Float32Array([${DOCS.map(([, e]) => e.join(', ')).join(',\n  ')}]);\n` +
    `const { indices, scores, probs } = lk.retrieve(query, docs, { dim: 4, metric: 'cosine', scale: 20, k: ${DOCS.length} });\n`;
}

// ---- rendering -----------------------------------------------------------------
function renderLLM() {
  if (!PRESETS[$('preset').value].synthetic) current = parseLogits($('logits').value);
  const { names, x } = current;
  const c = controls();
  const pT = lk.softmax(x, { temperature: c.temperature });
  const logp = lk.logSoftmax(x, { temperature: c.temperature });
  const [hT] = lk.entropy(x, { temperature: c.temperature });
  const s = lk.sampler({ ...c, seed: 0, entropy: true });
  const { ids, probs } = s.distribution(x);
  s.reset();
  const hFinal = s.sample(x).entropy;
  s.dispose();
  const final = new Map(Array.from(ids, (id, i) => [id, probs[i]]));
  // What the filters see: softmax(z) in llama.cpp's order (temperature after
  // them), softmax(z / T) in Hugging Face's (temperature first).
  const filterT = c.order === 'hf' ? c.temperature : 1;
  const seen = filterT === c.temperature ? pT : lk.softmax(x, { temperature: filterT });
  // Show at most 30 tokens, by logit.
  const shown = Array.from(x.keys()).sort((a, b) => x[b] - x[a] || a - b).slice(0, 30);
  let cum = 0;
  const cumulative = shown.map((i) => (cum += seen[i]));
  const filterDist = c.order === 'hf' ? `softmax(z / T), T = ${c.temperature}` : 'softmax(z) at T = 1';
  probChart.data.labels = shown.map((i) => names[i]);
  probChart.data.datasets = [
    { type: 'bar', label: `softmax(z / T), T = ${c.temperature}`, data: shown.map((i) => pT[i]), colors: { backgroundColor: '--bar-soft' }, order: 2 },
    { type: 'bar', label: 'final: kept set, renormalised', data: shown.map((i) => final.get(i) ?? 0), colors: { backgroundColor: '--bar-kept' }, order: 1 },
    { type: 'line', label: `cumulative p the filters see (${filterDist})`, data: cumulative, colors: { borderColor: '--line-cum', backgroundColor: '--line-cum' }, pointRadius: 2, borderWidth: 2, order: 0 },
  ];
  if (c.topP < 1) {
    probChart.data.datasets.push({ type: 'line', label: `top-p threshold ${c.topP}`, data: shown.map(() => c.topP), colors: { borderColor: '--line-ref', backgroundColor: '--line-ref' }, borderDash: [6, 4], pointRadius: 0, borderWidth: 2, order: 0 });
  }
  probChart.options.plugins.title.text = `Kept ${ids.length} of ${x.length} tokens`;
  probAxis(probChart);
  probChart.update();
  $('filter-note').textContent = c.order === 'hf'
    ? `Hugging Face order: the temperature comes first, so top-k, top-p, min-p and typical-p see softmax(z / T) — the light bars and the orange line.`
    : `llama.cpp order: top-k, top-p, min-p and typical-p see softmax(z) at T = 1 (the orange line adds those up); the temperature ${c.temperature} is applied to the tokens they keep. ` +
      'So at T ≠ 1 top-p can keep fewer or more tokens than the light bars (at T) suggest: compare the "p filters see" column.';
  $('explorer-summary').textContent = `Entropy of softmax(z/T): ${hT.toFixed(4)} nats · of the final distribution: ${hFinal.toFixed(4)} nats · kept set: ${ids.length} tokens`;
  $('explorer-summary').dataset.kept = String(ids.length);
  table(['token', 'logit', 'p at T', 'log p at T', 'p filters see', 'cumulative', 'kept', 'final p', 'draws'], shown.map((i, r) => [
    names[i], x[i].toFixed(2), { text: fmt(pT[i]), data: { p: String(pT[i]) } }, logp[i].toFixed(4),
    { text: fmt(seen[i]), data: { seen: String(seen[i]) } }, cumulative[r].toFixed(4),
    { text: final.has(i) ? '✓' : '', cls: final.has(i) ? 'kept' : '' },
    { text: fmt(final.get(i) ?? 0), data: { token: String(i), final: String(final.get(i) ?? 0) } },
    { text: '', data: { drawsFor: String(i) } },
  ]));
  $('snippet').textContent = llmSnippet(c, Number($('seed').value) || 0);
}

function clearDraws() {
  clearChart(sampleChart, PRESETS[$('preset').value].kind === 'llm' ? DRAW_HINT : 'Draws: for the next-token presets');
  document.querySelectorAll('[data-draws-for]').forEach((td) => { td.textContent = ''; });
}

function drawSamples() {
  $('explorer-error').textContent = '';
  clearDraws();
  const { names, x } = current;
  const c = controls();
  const seed = Number($('seed').value), n = Math.min(100000, Math.max(1, Math.floor(Number($('draws').value)) || 1));
  const s = lk.sampler({ ...c, seed });
  const { ids, probs } = s.distribution(x);
  s.reset(); // back to draw 0: the draws below are the seed's first n
  const counts = new Map();
  for (let i = 0; i < n; i++) {
    const t = s.sample(x).token;
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  s.dispose();
  const order = Array.from(ids.keys()).sort((a, b) => probs[b] - probs[a]).slice(0, 30);
  sampleChart.data.labels = order.map((k) => names[ids[k]]);
  sampleChart.data.datasets = [
    { label: `empirical frequency of ${n} seeded draws (seed ${seed})`, data: order.map((k) => (counts.get(ids[k]) ?? 0) / n), colors: { backgroundColor: '--bar-draw' } },
    { label: 'exact final probability', data: order.map((k) => probs[k]), colors: { backgroundColor: '--bar-exact' } },
  ];
  sampleChart.options.plugins.title.text = 'Seeded draws: the same seed gives the same counts on every build';
  probAxis(sampleChart);
  sampleChart.update();
  document.querySelectorAll('[data-draws-for]').forEach((td) => { td.textContent = String(counts.get(Number(td.dataset.drawsFor)) ?? 0); });
}

function renderMultiLabel() {
  current = parseLogits($('logits').value);
  const { names, x } = current;
  const { probs, decisions } = lk.multiLabel(x, { threshold: 0.5 });
  probChart.data.labels = names;
  probChart.data.datasets = [
    { type: 'bar', label: 'σ(z) per tag: on (≥ 0.5)', data: Array.from(probs, (p, i) => (decisions[i] ? p : null)), colors: { backgroundColor: '--bar-kept' }, grouped: false },
    { type: 'bar', label: 'σ(z) per tag: off', data: Array.from(probs, (p, i) => (decisions[i] ? null : p)), colors: { backgroundColor: '--bar-soft' }, grouped: false },
    { type: 'line', label: 'threshold 0.5', data: names.map(() => 0.5), colors: { borderColor: '--line-ref', backgroundColor: '--line-ref' }, borderDash: [6, 4], pointRadius: 0, borderWidth: 2 },
  ];
  probChart.options.plugins.title.text = 'Multi-label: each tag is its own yes/no';
  probAxis(probChart);
  probChart.update();
  $('filter-note').textContent = 'Multi-label: each tag gets its own sigmoid σ(z) = 1 / (1 + e^−z), independent of the others, so the probabilities do not add up to 1. A tag is on when σ(z) ≥ 0.5, i.e. z ≥ 0.';
  $('explorer-summary').textContent = `Tags on: ${names.filter((_, i) => decisions[i]).join(', ') || 'none'}`;
  delete $('explorer-summary').dataset.kept;
  table(['tag', 'logit', 'σ(z)', 'on'], names.map((n, i) => [n, x[i].toFixed(2), { text: probs[i].toFixed(4), data: { p: String(probs[i]) } }, decisions[i] ? '✓' : '']));
  $('snippet').textContent = multiLabelSnippet();
}

function renderRetrieval() {
  const docs = Float32Array.from(DOCS.flatMap(([, e]) => e));
  const { indices, scores, probs } = lk.retrieve(Float32Array.from(QUERY), docs, { dim: 4, metric: 'cosine', scale: 20, k: DOCS.length });
  probChart.data.labels = Array.from(indices, (i) => DOCS[i][0]);
  probChart.data.datasets = [{ type: 'bar', label: 'softmax over similarity logits (cosine × 20)', data: Array.from(probs), colors: { backgroundColor: '--bar-draw' } }];
  probChart.options.plugins.title.text = 'Retrieval: documents ranked for the query';
  probAxis(probChart);
  probChart.update();
  $('filter-note').textContent = 'Retrieval: the similarity of the query to each document, scaled by 20, is a logit; softmax over the documents ranks them (like CLIP\'s logit_scale).';
  $('explorer-summary').textContent = 'Similarity logits = 20 · cos(query, document), like CLIP\'s logit_scale; ranked by softmax.';
  delete $('explorer-summary').dataset.kept;
  table(['document', 'logit', 'p'], Array.from(indices, (d, r) => [DOCS[d][0], scores[r].toFixed(3), { text: probs[r].toFixed(4), data: { p: String(probs[r]) } }]));
  $('snippet').textContent = retrievalSnippet();
}

// Nothing from the previous input stays: the draws are cleared, and on an
// error the chart, table and snippet too.
function render() {
  $('explorer-error').textContent = '';
  clearDraws();
  try {
    const kind = PRESETS[$('preset').value].kind;
    if (kind === 'llm') renderLLM();
    else if (kind === 'multilabel') renderMultiLabel();
    else renderRetrieval();
  } catch (err) {
    $('explorer-error').textContent = err.message; // the library's own message, e.g. a NaN or a range rule
    clearChart(probChart, 'No chart: fix the input above');
    table([], []);
    $('explorer-summary').textContent = '';
    delete $('explorer-summary').dataset.kept;
    $('filter-note').textContent = '';
    $('snippet').textContent = '';
  }
}

$('preset').addEventListener('change', applyPreset);
$('logits').addEventListener('input', render);
for (const id of ['temperature', 'topK', 'topP', 'minP', 'typicalP', 'order', 'log-scale']) $(id).addEventListener('input', render);
$('log-scale').addEventListener('change', render);
// A new seed or count makes the draws on screen out of date (and the snippet's seed).
for (const id of ['seed', 'draws']) $(id).addEventListener('input', render);
$('draw').addEventListener('click', () => {
  try { drawSamples(); } catch (err) { clearDraws(); $('explorer-error').textContent = err.message; }
});
$('copy-snippet').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText($('snippet').textContent);
    $('copy-status').textContent = 'copied';
  } catch {
    getSelection().selectAllChildren($('snippet'));
    $('copy-status').textContent = 'selected: press Ctrl+C (or ⌘C) to copy';
  }
});
await nextTask();
applyPreset();

// ---- calibration -----------------------------------------------------------
async function calibration() {
  const get = async (name, Type) => new Type(await (await fetch(`./calibration/${name}`)).arrayBuffer());
  const [valX, valY, testX, testY] = await Promise.all([
    get('val-logits.f32', Float32Array), get('val-labels.i32', Int32Array), get('test-logits.f32', Float32Array), get('test-labels.i32', Int32Array),
  ]);
  await nextTask();
  const fit = lk.fitTemperature(valX, valY);
  await nextTask();
  const before = lk.calibrationMetrics(testX, testY);
  const after = lk.calibrationMetrics(testX, testY, { temperature: fit.temperature });
  $('fitted-t').textContent = `T = ${fit.temperature.toFixed(4)}`;
  $('fitted-t').dataset.t = String(fit.temperature);
  const pct = (v) => `${(100 * v).toFixed(2)} %`;
  const row = (name, m, t) => `<tr data-t="${t}"><td>${name}</td><td>${pct(m.accuracy)}</td><td>${m.nll.toFixed(4)}</td><td>${m.brier.toFixed(4)}</td><td>${pct(m.ece)}</td><td>${pct(m.mce)}</td></tr>`;
  const centers = before.reliability.map((b) => ((b.lower + b.upper) / 2).toFixed(2));
  await nextTask();
  const chart = makeChart($('reliability-chart'), {
    data: { labels: centers, datasets: [] },
    options: {
      plugins: {
        title: { display: true, text: 'Reliability diagram (test split, 15 bins of confidence)' },
        tooltip: { callbacks: { afterLabel: (item) => (item.dataset.counts ? `${item.dataset.counts[item.dataIndex]} images in this bin` : '') } },
      },
      scales: {
        y: { min: 0, max: 1, title: { display: true, text: 'accuracy (fraction right)' } },
        x: { title: { display: true, text: 'confidence: the model\'s top probability (bin centre)' } },
      },
    },
  });
  function update() {
    const t = Number($('cal-temperature').value);
    $('cal-temperature-out').textContent = `T = ${t.toFixed(2)}`;
    const at = lk.calibrationMetrics(testX, testY, { temperature: t });
    $('calibration-table').tBodies[0].innerHTML = [
      row('before (T = 1)', before, 1), row(`at T = ${t.toFixed(2)} (slider)`, at, t), row(`fitted (T = ${fit.temperature.toFixed(3)})`, after, fit.temperature),
    ].join('');
    chart.data.datasets = [
      { type: 'bar', label: 'accuracy per bin, before (T = 1)', data: before.reliability.map((b) => (b.count ? b.accuracy : null)), counts: before.reliability.map((b) => b.count), colors: { backgroundColor: '--bar-before' } },
      { type: 'bar', label: `accuracy per bin at T = ${t.toFixed(2)}`, data: at.reliability.map((b) => (b.count ? b.accuracy : null)), counts: at.reliability.map((b) => b.count), colors: { backgroundColor: '--bar-after' } },
      { type: 'line', label: 'perfect calibration (accuracy = confidence)', data: centers.map(Number), colors: { borderColor: '--line-ref', backgroundColor: '--line-ref' }, pointRadius: 0, borderDash: [6, 4] },
    ];
    chart.update();
    $('bins-table').tBodies[0].innerHTML = at.reliability.map((b) => `<tr><td>${b.lower.toFixed(2)}–${b.upper.toFixed(2)}</td><td>${b.count}</td><td>${b.count ? b.accuracy.toFixed(3) : '–'}</td><td>${b.count ? b.confidence.toFixed(3) : '–'}</td></tr>`).join('');
  }
  $('cal-temperature').addEventListener('input', update);
  $('cal-fitted').addEventListener('click', () => { $('cal-temperature').value = fit.temperature.toFixed(2); update(); });
  $('cal-temperature').value = fit.temperature.toFixed(2);
  update();
}
calibration().catch((err) => { $('fitted-t').textContent = `could not load the data: ${err.message}`; });

// ---- speed -----------------------------------------------------------------
// One run at a time: the button is disabled until the worker is done.
$('run-speed').addEventListener('click', () => {
  if ($('run-speed').disabled) return;
  $('run-speed').disabled = true;
  const worker = new Worker(new URL('./speed-worker.js', import.meta.url), { type: 'module' });
  const body = $('speed-table').tBodies[0];
  body.replaceChildren();
  delete $('speed-status').dataset.done;
  $('speed-status').textContent = 'running… (the page stays responsive)';
  const finish = (text) => {
    $('speed-status').textContent = text;
    worker.terminate();
    $('run-speed').disabled = false;
  };
  worker.onmessage = ({ data }) => {
    if (data.done) {
      finish(`done · ${data.simd ? 'WebAssembly SIMD' : 'baseline WebAssembly'} build (${data.backend})`);
      $('speed-status').dataset.done = 'true';
      return;
    }
    const tr = body.insertRow();
    [data.name, data.ours.toFixed(1), data.theirs.toFixed(1), `${(data.theirs / data.ours).toFixed(1)}×`].forEach((t) => { tr.insertCell().textContent = t; });
  };
  worker.onerror = (e) => finish(`worker failed: ${e.message}`);
  worker.postMessage('run');
});
