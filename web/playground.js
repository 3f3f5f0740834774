// Panel 4: the generation playground. A small character-level transformer
// (data/model/charlm.onnx, trained by model/train.py) runs in ONNX Runtime Web;
// logitkit does everything after its hidden states (web/playground-core.mjs).
import { Chart, registerables } from 'chart.js';
import * as ort from 'onnxruntime-web/wasm';
import { load } from '../dist/index.mjs';
import { CharModel, Generation, topN } from './playground-core.mjs';

Chart.register(...registerables);
const $ = (id) => document.getElementById(id);
// ONNX Runtime's wasm from this server (see vite.config.js), one thread: no CDN,
// no cross-origin isolation needed, and the same arithmetic as the Node test.
ort.env.wasm.wasmPaths = new URL('/ort/', location.href).href;
ort.env.wasm.numThreads = 1;

const show = (ch) => (ch === '\n' ? '⏎' : ch === ' ' ? '␣' : ch);
const fmt = (p) => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

// FNV-1a of the text: a short fingerprint to compare runs by eye.
function fingerprint(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

function controls() {
  const v = (id) => Number($(id).value);
  const c = { temperature: v('pg-temperature'), topK: v('pg-topK'), topP: v('pg-topP'), minP: v('pg-minP'), repetitionPenalty: v('pg-repetition') };
  for (const k of ['temperature', 'topK', 'topP', 'minP']) $(`pg-${k}-out`).textContent = String(c[k]);
  $('pg-repetition-out').textContent = String(c.repetitionPenalty);
  const extra = $('pg-extra').value.trim();
  let more = {};
  if (extra) {
    try { more = JSON.parse(extra); } catch (e) { throw new TypeError(`More controls: not JSON (${e.message})`); }
    if (typeof more !== 'object' || more === null || Array.isArray(more)) throw new TypeError('More controls: must be a JSON object of sampler options');
  }
  return { ...c, ...more, seed: $('pg-seed').value.trim() || '0' };
}

const probChart = new Chart($('pg-chart'), {
  type: 'bar',
  data: { labels: [], datasets: [] },
  options: { animation: false, responsive: true, plugins: { title: { display: true, text: 'Step or run to generate' } }, scales: { y: { beginAtZero: true } } },
});

function cells(tbody, rows) {
  tbody.replaceChildren(...rows.map((r) => {
    const tr = document.createElement('tr');
    for (const c of r) {
      const td = document.createElement('td');
      td.textContent = c;
      tr.append(td);
    }
    return tr;
  }));
}

let lk, model, generation = null, busy = false;

function renderText() {
  const pre = $('pg-text');
  const prompt = document.createElement('span');
  prompt.className = 'prompt';
  prompt.textContent = generation ? generation.model.decode(generation.ids.slice(0, generation.promptLength)) : $('pg-prompt').value;
  const out = document.createElement('span');
  out.className = 'generated';
  out.textContent = generation ? generation.generated : '';
  pre.replaceChildren(prompt, out);
  const n = generation ? generation.ids.length - generation.promptLength : 0;
  const text = generation ? generation.generated : '';
  $('pg-summary').textContent = n
    ? `${n} characters · perplexity under the model ${generation.perplexity.toFixed(3)} · seed ${generation.controls.seed} · fingerprint ${fingerprint(text)} — the same prompt, seed and controls give this same text, here or in Node.`
    : 'Nothing generated yet.';
  $('pg-summary').dataset.generated = text;
  $('pg-summary').dataset.fingerprint = fingerprint(text);
}

function renderStep(s) {
  const V = s.logits.length;
  const raw = lk.softmax(s.logits);
  const finalP = new Map(Array.from(s.kept.ids, (id, i) => [id, s.kept.probs[i]]));
  const shown = topN(s.logits, 15);
  probChart.data.labels = shown.map((i) => show(model.vocab[i]));
  probChart.data.datasets = [
    { label: 'model: softmax(logits)', data: shown.map((i) => raw[i]), backgroundColor: '#bac8ff' },
    { label: 'after the controls (kept set, renormalised)', data: shown.map((i) => finalP.get(i) ?? 0), backgroundColor: '#2f9e44' },
  ];
  probChart.options.plugins.title.text = `Step ${generation.ids.length - generation.promptLength}: kept ${s.kept.ids.length} of ${V} characters, chose ${JSON.stringify(s.char)}`;
  probChart.update();
  $('pg-step').dataset.kept = String(s.kept.ids.length);
  const afterControls = (i) => (finalP.has(i) ? Math.log(finalP.get(i)).toFixed(4) : 'removed');
  cells($('pg-step-table').tBodies[0], [
    ['chosen', show(s.char), s.logits[s.token].toFixed(3), s.logprob.toFixed(4), s.modelLogprob.toFixed(4)],
    ...topN(s.logits, 5).map((i, r) => [`model's #${r + 1}`, show(model.vocab[i]), s.logits[i].toFixed(3), afterControls(i), s.logprobs[i].toFixed(4)]),
  ]);
  const keptByP = Array.from(s.kept.ids.keys()).sort((a, b) => s.kept.probs[b] - s.kept.probs[a] || s.kept.ids[a] - s.kept.ids[b]);
  $('pg-kept').textContent = `Kept set (${s.kept.ids.length}), most probable first: ${keptByP.map((j) => show(model.vocab[s.kept.ids[j]])).join(' ')}`;
  cells($('pg-lens').tBodies[0], s.lens.map((z, l) => {
    const p = lk.softmax(z);
    return [l === 0 ? 'embedding' : `layer ${l}`, ...topN(p, 5).map((i) => `${show(model.vocab[i])} ${fmt(p[i])}`)];
  }));
}

function startGeneration() {
  generation?.dispose();
  generation = null;
  generation = new Generation(model, $('pg-prompt').value, controls());
}

async function advance(n) {
  if (busy) return;
  busy = true;
  $('pg-error').textContent = '';
  try {
    if (!generation) startGeneration();
    for (let i = 0; i < n; i++) {
      const s = await generation.step();
      if (i === n - 1 || i % 8 === 7) {
        renderStep(s);
        renderText();
        await new Promise(requestAnimationFrame);
      }
    }
    $('pg-status').textContent = 'done';
  } catch (e) {
    $('pg-error').textContent = e.message;
  } finally {
    busy = false;
  }
}

function reset() {
  if (busy) return;
  $('pg-error').textContent = '';
  try {
    controls();
    generation?.dispose();
    generation = null;
    $('pg-status').textContent = '';
    renderText();
  } catch (e) {
    $('pg-error').textContent = e.message;
  }
}

async function init() {
  const fetchBytes = async (f) => new Uint8Array(await (await fetch(`/model/${f}`)).arrayBuffer());
  const meta = await (await fetch('/model/charlm.json')).json();
  lk = await load();
  model = await CharModel.create(ort, lk, { modelBytes: await fetchBytes('charlm.onnx'), meta, lmHead: await fetchBytes('lm-head.bin') });
  $('pg-model').textContent = `${meta.config.layers} layers, d = ${meta.config.d_model}, ${meta.params.toLocaleString('en')} parameters, ` +
    `${meta.vocab.length} characters, context ${meta.config.context}; validation loss ${meta.valid_loss.toFixed(4)} nats/char ` +
    `(perplexity ${meta.valid_perplexity.toFixed(3)}) after ${meta.train.steps} steps`;
  new Chart($('pg-loss-chart'), {
    type: 'line',
    data: {
      labels: meta.curve.map((p) => p.step),
      datasets: [
        { label: 'validation loss (nats/char)', data: meta.curve.map((p) => p.valid_loss), borderColor: '#4c6ef5' },
        { label: 'training loss (smoothed)', data: meta.curve.map((p) => p.train_loss), borderColor: '#adb5bd' },
      ],
    },
    options: { animation: false, responsive: true, plugins: { title: { display: true, text: 'Training curve (model/train.py)' } } },
  });
  for (const id of ['pg-temperature', 'pg-topK', 'pg-topP', 'pg-minP', 'pg-repetition', 'pg-seed', 'pg-extra', 'pg-prompt']) $(id).addEventListener('change', reset);
  $('pg-step').addEventListener('click', () => advance(1));
  $('pg-run').addEventListener('click', () => advance(Math.max(1, Math.min(1000, Number($('pg-count').value) || 64))));
  $('pg-reset').addEventListener('click', reset);
  reset();
  $('pg-step').disabled = $('pg-run').disabled = false;
  $('pg-status').textContent = 'model loaded';
}

init().catch((e) => { $('pg-error').textContent = `playground: ${e.message}`; });
