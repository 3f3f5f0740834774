// The demo page: every number comes from logitkit running in this page.
import { Chart, registerables } from 'chart.js';
import { load } from '../dist/index.mjs';

Chart.register(...registerables);
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
const QUERY = new Float32Array([1.0, 0.1, 0.4, 0.0]); // "What is the capital of France?"

function syntheticLogits(n, seed = 1) {
  let s = seed >>> 0;
  const u = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 3 * Math.sqrt(-2 * Math.log(u() + 1e-300)) * Math.cos(2 * Math.PI * u());
  for (let k = 0; k < 8; k++) x[Math.floor(u() * n)] = 12 + 4 * u();
  return x;
}

let current = { names: [], x: new Float32Array(0) };

function parseLogits(text) {
  const names = [], values = [];
  text.split('\n').map((l) => l.trim()).filter(Boolean).forEach((line, i) => {
    const m = line.match(/^(.*?):\s*(\S+)$/);
    const v = Number(m ? m[2] : line);
    if (!Number.isFinite(v) && v !== -Infinity) throw new RangeError(`line ${i + 1}: '${line}' is not "token: number"`);
    names.push(m ? m[1] : `#${i}`);
    values.push(v);
  });
  return { names, x: Float32Array.from(values) };
}

function applyPreset() {
  const p = PRESETS[$('preset').value];
  $('llm-controls').hidden = p.kind !== 'llm';
  $('logits').readOnly = Boolean(p.synthetic) || p.kind === 'retrieval';
  if (p.synthetic) {
    const x = syntheticLogits(p.synthetic);
    current = { names: Array.from(x, (_, i) => `token ${i}`), x };
    $('logits').value = `${p.synthetic} logits: 3·N(0,1) with 8 spikes (seeded)`;
  } else if (p.kind === 'retrieval') {
    $('logits').value = `query: "What is the capital of France?"\n${DOCS.map(([d]) => `doc: ${d}`).join('\n')}`;
  } else {
    $('logits').value = p.text;
  }
  render();
}

// ---- charts ----------------------------------------------------------------
const probChart = new Chart($('prob-chart'), {
  type: 'bar',
  data: { labels: [], datasets: [] },
  options: { animation: false, responsive: true, plugins: { title: { display: true, text: '' } }, scales: { y: { beginAtZero: true } } },
});
const sampleChart = new Chart($('sample-chart'), {
  type: 'bar',
  data: { labels: [], datasets: [] },
  options: { animation: false, responsive: true, plugins: { title: { display: true, text: 'Draw samples to compare with the exact final probabilities' } } },
});

function controls() {
  const v = (id) => Number($(id).value);
  const c = { temperature: v('temperature'), topK: v('topK'), topP: v('topP'), minP: v('minP'), typicalP: v('typicalP'), order: $('order').value };
  for (const k of ['temperature', 'topK', 'topP', 'minP', 'typicalP']) $(`${k}-out`).textContent = String(c[k]);
  return c;
}

function table(head, rows) {
  $('explorer-table').tHead.innerHTML = `<tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>`;
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

function renderLLM() {
  if (!PRESETS[$('preset').value].synthetic) current = parseLogits($('logits').value);
  const { names, x } = current;
  const c = controls();
  const pT = lk.softmax(x, { temperature: c.temperature });
  const logp = lk.logSoftmax(x, { temperature: c.temperature });
  const [hT] = lk.entropy(x, { temperature: c.temperature });
  const s = lk.sampler({ ...c, seed: 0, entropy: true });
  const { ids, probs } = s.distribution(x);
  const final = new Map(Array.from(ids, (id, i) => [id, probs[i]]));
  const hFinal = lk.sampler({ ...c, seed: 0, entropy: true }).sample(x).entropy;
  s.dispose();
  // Show at most 30 tokens, by logit.
  const shown = Array.from(x.keys()).sort((a, b) => x[b] - x[a] || a - b).slice(0, 30);
  probChart.data.labels = shown.map((i) => names[i]);
  probChart.data.datasets = [
    { label: `softmax(z / T), T = ${c.temperature}`, data: shown.map((i) => pT[i]), backgroundColor: '#bac8ff' },
    { label: 'final distribution after the filters', data: shown.map((i) => final.get(i) ?? 0), backgroundColor: '#2f9e44' },
  ];
  probChart.options.plugins.title.text = `Kept ${ids.length} of ${x.length} tokens`;
  probChart.update();
  $('explorer-summary').textContent = `Entropy of softmax(z/T): ${hT.toFixed(4)} nats · of the final distribution: ${hFinal.toFixed(4)} nats · kept set: ${ids.length} tokens`;
  $('explorer-summary').dataset.kept = String(ids.length);
  table(['token', 'logit', 'p at T', 'log p at T', 'kept', 'final p', 'draws'], shown.map((i) => [
    names[i], x[i].toFixed(2), { text: fmt(pT[i]), data: { p: String(pT[i]) } }, logp[i].toFixed(4),
    { text: final.has(i) ? '✓' : '', cls: final.has(i) ? 'kept' : '' },
    { text: fmt(final.get(i) ?? 0), data: { token: String(i), final: String(final.get(i) ?? 0) } },
    { text: '', data: { drawsFor: String(i) } },
  ]));
}

function drawSamples() {
  const { names, x } = current;
  const c = controls();
  const seed = Number($('seed').value), n = Math.min(100000, Math.max(1, Number($('draws').value)));
  const s = lk.sampler({ ...c, seed });
  const { ids, probs } = lk.sampler({ ...c, seed }).distribution(x);
  const counts = new Map();
  for (let i = 0; i < n; i++) {
    const t = s.sample(x).token;
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  s.dispose();
  const order = Array.from(ids.keys()).sort((a, b) => probs[b] - probs[a]).slice(0, 30);
  sampleChart.data.labels = order.map((k) => names[ids[k]]);
  sampleChart.data.datasets = [
    { label: `empirical frequency of ${n} seeded draws (seed ${seed})`, data: order.map((k) => (counts.get(ids[k]) ?? 0) / n), backgroundColor: '#4c6ef5' },
    { label: 'exact final probability', data: order.map((k) => probs[k]), backgroundColor: '#ced4da' },
  ];
  sampleChart.options.plugins.title.text = `Seeded draws: the same seed gives the same counts on every build`;
  sampleChart.update();
  document.querySelectorAll('[data-draws-for]').forEach((td) => { td.textContent = String(counts.get(Number(td.dataset.drawsFor)) ?? 0); });
}

function renderMultiLabel() {
  const { names, x } = parseLogits($('logits').value);
  const { probs, decisions } = lk.multiLabel(x, { threshold: 0.5 });
  probChart.data.labels = names;
  probChart.data.datasets = [{ label: 'σ(z) per tag (independent; threshold 0.5)', data: Array.from(probs), backgroundColor: names.map((_, i) => (decisions[i] ? '#2f9e44' : '#bac8ff')) }];
  probChart.options.plugins.title.text = 'Multi-label: each tag is its own yes/no';
  probChart.update();
  $('explorer-summary').textContent = `Tags on: ${names.filter((_, i) => decisions[i]).join(', ') || 'none'}`;
  table(['tag', 'logit', 'σ(z)', 'on'], names.map((n, i) => [n, x[i].toFixed(2), { text: probs[i].toFixed(4), data: { p: String(probs[i]) } }, decisions[i] ? '✓' : '']));
}

function renderRetrieval() {
  const docs = Float32Array.from(DOCS.flatMap(([, e]) => e));
  const { indices, scores, probs } = lk.retrieve(QUERY, docs, { dim: 4, metric: 'cosine', scale: 20, k: DOCS.length });
  probChart.data.labels = Array.from(indices, (i) => DOCS[i][0]);
  probChart.data.datasets = [{ label: 'softmax over similarity logits (cosine × 20)', data: Array.from(probs), backgroundColor: '#4c6ef5' }];
  probChart.options.plugins.title.text = 'Retrieval: documents ranked for the query';
  probChart.update();
  $('explorer-summary').textContent = 'Similarity logits = 20 · cos(query, document), like CLIP\'s logit_scale; ranked by softmax.';
  table(['document', 'logit', 'p'], Array.from(indices, (d, r) => [DOCS[d][0], scores[r].toFixed(3), { text: probs[r].toFixed(4), data: { p: String(probs[r]) } }]));
}

function render() {
  $('explorer-error').textContent = '';
  try {
    const kind = PRESETS[$('preset').value].kind;
    if (kind === 'llm') renderLLM();
    else if (kind === 'multilabel') renderMultiLabel();
    else renderRetrieval();
  } catch (err) {
    $('explorer-error').textContent = err.message; // the library's own message, e.g. a NaN or a range rule
  }
}

$('preset').addEventListener('change', applyPreset);
$('logits').addEventListener('input', render);
for (const id of ['temperature', 'topK', 'topP', 'minP', 'typicalP', 'order']) $(id).addEventListener('input', render);
$('draw').addEventListener('click', () => { try { drawSamples(); } catch (err) { $('explorer-error').textContent = err.message; } });
applyPreset();

// ---- calibration -----------------------------------------------------------
async function calibration() {
  const get = async (name, Type) => new Type(await (await fetch(`./calibration/${name}`)).arrayBuffer());
  const [valX, valY, testX, testY] = await Promise.all([
    get('val-logits.f32', Float32Array), get('val-labels.i32', Int32Array), get('test-logits.f32', Float32Array), get('test-labels.i32', Int32Array),
  ]);
  const fit = lk.fitTemperature(valX, valY);
  const before = lk.calibrationMetrics(testX, testY);
  const after = lk.calibrationMetrics(testX, testY, { temperature: fit.temperature });
  $('fitted-t').textContent = `T = ${fit.temperature.toFixed(4)}`;
  $('fitted-t').dataset.t = String(fit.temperature);
  const pct = (v) => `${(100 * v).toFixed(2)} %`;
  $('calibration-table').tBodies[0].innerHTML = [['before', before], [`after (T = ${fit.temperature.toFixed(3)})`, after]]
    .map(([n, m]) => `<tr><td>${n}</td><td>${pct(m.accuracy)}</td><td>${m.nll.toFixed(4)}</td><td>${m.brier.toFixed(4)}</td><td>${pct(m.ece)}</td><td>${pct(m.mce)}</td></tr>`).join('');
  const centers = before.reliability.map((b) => ((b.lower + b.upper) / 2).toFixed(2));
  new Chart($('reliability-chart'), {
    data: {
      labels: centers,
      datasets: [
        { type: 'bar', label: 'accuracy per bin, before', data: before.reliability.map((b) => (b.count ? b.accuracy : null)), backgroundColor: '#ffa8a8' },
        { type: 'bar', label: 'accuracy per bin, after temperature scaling', data: after.reliability.map((b) => (b.count ? b.accuracy : null)), backgroundColor: '#69db7c' },
        { type: 'line', label: 'perfect calibration (accuracy = confidence)', data: centers.map(Number), borderColor: '#868e96', pointRadius: 0 },
      ],
    },
    options: { animation: false, aspectRatio: 2.6, plugins: { title: { display: true, text: 'Reliability diagram (test split, 15 bins of confidence)' } }, scales: { y: { min: 0, max: 1 }, x: { title: { display: true, text: 'confidence' } } } },
  });
}
calibration().catch((err) => { $('fitted-t').textContent = `could not load the data: ${err.message}`; });

// ---- speed -----------------------------------------------------------------
$('run-speed').addEventListener('click', () => {
  const worker = new Worker(new URL('./speed-worker.js', import.meta.url), { type: 'module' });
  const body = $('speed-table').tBodies[0];
  body.replaceChildren();
  $('speed-status').textContent = 'running… (the page stays responsive)';
  worker.onmessage = ({ data }) => {
    if (data.done) {
      $('speed-status').textContent = `done · ${data.simd ? 'WebAssembly SIMD' : 'baseline WebAssembly'} build (${data.backend})`;
      $('speed-status').dataset.done = 'true';
      worker.terminate();
      return;
    }
    const tr = body.insertRow();
    [data.name, data.ours.toFixed(1), data.theirs.toFixed(1), `${(data.theirs / data.ours).toFixed(1)}×`].forEach((t) => { tr.insertCell().textContent = t; });
  };
  worker.onerror = (e) => { $('speed-status').textContent = `worker failed: ${e.message}`; };
  worker.postMessage('run');
});
