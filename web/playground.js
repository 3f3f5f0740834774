// Panel 4: the generation playground. A small character-level transformer
// (data/model/charlm.onnx, trained by model/train.py) runs in ONNX Runtime Web
// in a Web Worker (web/ort-worker.js), so the page never freezes; logitkit does
// everything after its hidden states on this thread (web/playground-core.mjs),
// and scores the prompt from the first step's own model run. JSON mode:
// XGrammar (imported on demand) compiles the schema, logitkit samples under
// its mask. Nothing stale stays on screen: a control changed during a run stops
// it and clears the outputs; Step and Run are disabled while busy, Stop ends a
// run and keeps what it shows. Beam mode: lk.beamSearch over the same model,
// run at batch = numBeams, the running and finished beams listed as they
// change. The controls live in the page's address (?key=value).
import { load } from '../dist/index.mjs';
import { Chart } from 'chart.js';
import { clearChart, makeChart, nextTask } from './charts.mjs';
import { workerOrt } from './ort-client.mjs';
import { BEAM_ENDS, BeamGeneration, CharModel, DEFAULT_SCHEMA, Generation, JsonSchemaGrammar, topN } from './playground-core.mjs';

const $ = (id) => document.getElementById(id);

const show = (ch) => (ch === '\n' ? '⏎' : ch === ' ' ? '␣' : ch);
const fmt = (p) => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

// Surprise (−log p, nats) in six bins; their colours, light to dark, are
// .surprise.s0 … .s5 in style.css. Thresholds near ln 96 ≈ 4.6 (a uniform guess)
// separate "expected" from "the model did not see it coming".
const SURPRISE_BINS = [0, 0.5, 1, 2, 3, 5];
const surpriseBin = (s) => SURPRISE_BINS.findLastIndex((from) => s >= from);

function renderLegend() {
  const title = document.createElement('span');
  title.className = 'legend-title';
  title.textContent = 'surprise −log p, nats:';
  const swatches = SURPRISE_BINS.map((from, i) => {
    const el = document.createElement('span');
    el.className = `surprise s${i}`;
    const to = SURPRISE_BINS[i + 1];
    el.textContent = to === undefined ? `≥ ${from}` : `${from}–${to}`;
    return el;
  });
  $('pg-legend').replaceChildren(title, ...swatches);
}

// FNV-1a of the text: a short fingerprint to compare runs by eye.
function fingerprint(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

// The value labels follow the sliders as they move (input), before any run starts.
function showValues() {
  for (const k of ['temperature', 'topK', 'topP', 'minP', 'repetition', 'numBeams', 'lengthPenalty']) $(`pg-${k}-out`).textContent = $(`pg-${k}`).value;
}

// The address holds every playground control that differs from the page's
// default, under these keys; other parameters of the address are left alone.
const URL_KEYS = {
  prompt: 'pg-prompt', mode: 'pg-mode', temperature: 'pg-temperature', topK: 'pg-topK', topP: 'pg-topP', minP: 'pg-minP',
  repetition: 'pg-repetition', extra: 'pg-extra', json: 'pg-json', schema: 'pg-schema', seed: 'pg-seed', count: 'pg-count',
  numBeams: 'pg-numBeams', lengthPenalty: 'pg-lengthPenalty', earlyStopping: 'pg-earlyStopping', ends: 'pg-ends', maxNewTokens: 'pg-maxNewTokens',
};
const fieldValue = (el) => (el.type === 'checkbox' ? (el.checked ? '1' : '0') : el.value);
let urlDefaults = null;

// Controls from the address (read once, at load); a value a select does not offer is ignored.
function readUrl() {
  urlDefaults = Object.fromEntries(Object.entries(URL_KEYS).map(([k, id]) => [k, fieldValue($(id))]));
  const q = new URLSearchParams(location.search);
  for (const [k, id] of Object.entries(URL_KEYS)) {
    if (!q.has(k)) continue;
    const el = $(id), v = q.get(k);
    if (el.type === 'checkbox') el.checked = v === '1';
    else if (el.tagName !== 'SELECT' || Array.from(el.options).some((o) => o.value === v)) el.value = v;
  }
}

function writeUrl() {
  const q = new URLSearchParams(location.search);
  for (const [k, id] of Object.entries(URL_KEYS)) {
    const v = fieldValue($(id));
    if (v === urlDefaults[k]) q.delete(k); else q.set(k, v);
  }
  const query = q.toString();
  history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
}

const beamMode = () => $('pg-mode').value === 'beam';

// Beam mode shows its own controls and outputs instead of the sampler's.
function applyMode() {
  const beam = beamMode();
  $('pg-beam-controls').hidden = $('pg-beam-out').hidden = !beam;
  $('pg-sample-controls').hidden = $('pg-sample-more').hidden = $('pg-sample-out').hidden = beam;
}

// lk.beamSearch's options from the beam controls (the search checks their ranges).
function beamControls() {
  const v = (id) => Number($(id).value);
  const early = { true: true, false: false, never: 'never' }[$('pg-earlyStopping').value];
  const maxNewTokens = v('pg-maxNewTokens');
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1 || maxNewTokens > 1000) throw new RangeError('maxNewTokens: must be an integer from 1 to 1000');
  return { numBeams: v('pg-numBeams'), lengthPenalty: v('pg-lengthPenalty'), earlyStopping: early, maxNewTokens, ends: $('pg-ends').value, repetitionPenalty: v('pg-repetition') };
}

function controls() {
  const v = (id) => Number($(id).value);
  const c = { temperature: v('pg-temperature'), topK: v('pg-topK'), topP: v('pg-topP'), minP: v('pg-minP'), repetitionPenalty: v('pg-repetition') };
  showValues();
  const extra = $('pg-extra').value.trim();
  let more = {};
  if (extra) {
    try { more = JSON.parse(extra); } catch (e) { throw new TypeError(`More controls: not JSON (${e.message})`); }
    if (typeof more !== 'object' || more === null || Array.isArray(more)) throw new TypeError('More controls: must be a JSON object of sampler options');
  }
  return { ...c, ...more, seed: $('pg-seed').value.trim() || '0' };
}

const STEP_HINT = 'Step or run to generate';
await nextTask();
const probChart = makeChart($('pg-chart'), {
  data: { labels: [], datasets: [] },
  options: {
    plugins: { title: { display: true, text: STEP_HINT } },
    scales: { x: { title: { display: true, text: "the model's 15 most likely characters" } }, y: { min: 0, max: 1, title: { display: true, text: 'probability' } } },
  },
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
// Bumped by every reset: a run or a start that began before it stops and drops its generation.
let epoch = 0;
// JSON mode: the XGrammar module (loaded on first use) and the last compiled schema.
let xgrammar = null, jsonGrammar = null;
// The coloured prompt of the current generation, built once so that re-rendering
// the generated text does not take focus away from a character being read.
let promptView = null;

function describeScore(c) {
  const alternatives = c.top.map((a) => `${show(a.char)} ${a.p.toFixed(3)}`).join(' · ');
  return `${JSON.stringify(c.char)}, prompt character ${c.position + 1}: −log p = ${c.surprise.toFixed(3)} nats (p = ${c.p.toFixed(3)}), ` +
    `rank ${c.rank} of ${model.vocab.length}; top ${c.top.length}: ${alternatives}`;
}

function scoredNote(scores) {
  if (scores.count === 0) return 'A one-character prompt has nothing to score: no character comes before it.';
  const which = `characters ${scores.scoredFrom + 1}–${scores.promptLength} of the prompt are scored`;
  return scores.windowStart === 0
    ? `${which} (the first has no prediction).`
    : `${which}: the model sees only the last ${model.context}, and the first of those has no prediction.`;
}

// The prompt, each scored character coloured by its surprise. Arrow keys move
// between characters (one tab stop); hover, tap or focus shows its scores in
// #pg-char-info, and its title holds the same for a mouse tooltip.
function scoredPrompt(g) {
  const scores = g.promptScores;
  const text = g.model.decode(g.ids.slice(0, g.promptLength));
  const root = document.createElement('span');
  root.className = 'prompt scored';
  root.setAttribute('role', 'group');
  root.setAttribute('aria-label', 'The prompt coloured by surprise; arrow keys move between characters, details below');
  const unscored = (from, to, why) => {
    if (from >= to) return;
    const el = document.createElement('span');
    el.className = 'unscored';
    el.textContent = text.slice(from, to);
    el.title = why;
    root.append(el);
  };
  unscored(0, scores.windowStart, `not scored: outside the model's ${model.context}-character context`);
  unscored(scores.windowStart, scores.scoredFrom, scores.windowStart === 0
    ? 'not scored: no character comes before it to predict it from'
    : `not scored: the first of the ${model.context} characters the model sees, so none before it predicts it`);
  const spans = scores.chars.map((c, i) => {
    const el = document.createElement('span');
    el.className = `surprise s${surpriseBin(c.surprise)}`;
    el.textContent = c.char === '\n' ? '⏎' : c.char;
    el.title = describeScore(c);
    el.tabIndex = i === 0 ? 0 : -1;
    el.dataset.index = String(i);
    root.append(el);
    if (c.char === '\n') root.append('\n');
    return el;
  });
  const select = (el) => { if (el.title) $('pg-char-info').textContent = el.title; };
  const focus = (i) => {
    for (const el of spans) el.tabIndex = -1;
    spans[i].tabIndex = 0;
    spans[i].focus();
  };
  root.addEventListener('focusin', (e) => select(e.target));
  root.addEventListener('mouseover', (e) => select(e.target));
  root.addEventListener('keydown', (e) => {
    const i = Number(e.target.dataset.index);
    if (!spans.length || !Number.isInteger(i)) return;
    const to = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: spans.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    focus(Math.max(0, Math.min(spans.length - 1, to)));
  });
  return root;
}

function renderPrompt() {
  const scores = generation?.promptScores;
  $('pg-score-key').hidden = !scores;
  if (!scores) {
    promptView = null;
    const plain = document.createElement('span');
    plain.className = 'prompt';
    plain.textContent = generation ? generation.model.decode(generation.ids.slice(0, generation.promptLength)) : $('pg-prompt').value;
    return plain;
  }
  if (promptView?.generation !== generation) {
    promptView = { generation, element: scoredPrompt(generation) };
    $('pg-score-note').textContent = scoredNote(scores);
    $('pg-char-info').textContent = scores.count ? 'Hover, tap or focus a prompt character (arrow keys move) for its −log p, rank and top 5 alternatives.' : '';
  }
  return promptView.element;
}

function renderText() {
  const pre = $('pg-text');
  const prompt = renderPrompt();
  const out = pre.querySelector('.generated') ?? Object.assign(document.createElement('span'), { className: 'generated' });
  out.textContent = generation ? generation.generated : '';
  if (pre.firstChild !== prompt || pre.lastChild !== out) pre.replaceChildren(prompt, out);
  const n = generation ? generation.ids.length - generation.promptLength : 0;
  const text = generation ? generation.generated : '';
  const scores = generation?.promptScores;
  const promptPart = scores?.count ? ` · prompt perplexity ${scores.perplexity.toFixed(3)} (${scores.count} characters scored)` : '';
  $('pg-summary').textContent = n
    ? `${n} characters · perplexity under the model ${generation.perplexity.toFixed(3)}${promptPart} · seed ${generation.controls.seed} · fingerprint ${fingerprint(text)} — the same prompt, seed and controls give this same text, here or in Node.`
    : 'Nothing generated yet.';
  $('pg-summary').dataset.generated = text;
  $('pg-summary').dataset.fingerprint = fingerprint(text);
}

function renderGrammar(s) {
  const el = $('pg-grammar');
  el.hidden = !generation?.grammar;
  if (el.hidden) return;
  const V = model.vocab.length;
  el.dataset.done = generation.done ? '1' : '0';
  delete el.dataset.valid;
  if (generation.done) {
    let valid = false;
    try { JSON.parse(generation.generated); valid = true; } catch { /* the grammar guarantees it; shown if not */ }
    el.dataset.valid = valid ? '1' : '0';
    el.textContent = valid ? 'JSON complete: valid JSON, matching the schema by construction.' : 'JSON complete, but it does not parse (a bug: please report).';
  } else if (s) {
    el.dataset.allowed = String(s.allowed);
    el.textContent = `JSON mode: the grammar allowed ${s.allowed} of ${V} characters at this step (chose ${JSON.stringify(s.char)}).`;
  } else {
    el.textContent = 'JSON mode: the text will match the schema.';
  }
}

// Everything shown for a step comes from the generating sampler: `s.kept` is
// its own distribution for this step (playground-core.mjs), so the kept set,
// the chart and every "log p after controls" are the ones it drew from.
function renderStep(s) {
  const V = s.logits.length;
  const raw = lk.softmax(s.logits);
  const finalP = new Map(Array.from(s.kept.ids, (id, i) => [id, s.kept.probs[i]]));
  const shown = topN(s.logits, 15);
  probChart.data.labels = shown.map((i) => show(model.vocab[i]));
  probChart.data.datasets = [
    { label: 'model: softmax(logits)', data: shown.map((i) => raw[i]), colors: { backgroundColor: '--bar-soft' } },
    { label: "after the controls: the sampler's distribution", data: shown.map((i) => finalP.get(i) ?? 0), colors: { backgroundColor: '--bar-kept' } },
  ];
  const grammar = generation.grammar ? `, grammar allowed ${s.allowed}` : '';
  probChart.options.plugins.title.text = `Step ${generation.ids.length - generation.promptLength}: kept ${s.kept.ids.length} of ${V} characters${grammar}, chose ${JSON.stringify(s.char)}`;
  probChart.update();
  $('pg-step').dataset.kept = String(s.kept.ids.length);
  const afterControls = (i) => (finalP.has(i) ? Math.log(finalP.get(i)).toFixed(4) : 'removed');
  const rows = [
    ['chosen', show(s.char), s.logits[s.token].toFixed(3), afterControls(s.token), s.modelLogprob.toFixed(4)],
    // In JSON mode the model's favourites may be outside the grammar: "removed" then.
    ...topN(s.logits, 5).map((i, r) => [`model's #${r + 1}`, show(model.vocab[i]), s.logits[i].toFixed(3), afterControls(i), s.logprobs[i].toFixed(4)]),
  ];
  cells($('pg-step-table').tBodies[0], rows);
  // The token of each row, for the tests.
  Array.from($('pg-step-table').tBodies[0].rows).forEach((tr, r) => { tr.dataset.token = String(r === 0 ? s.token : topN(s.logits, 5)[r - 1]); });
  const keptByP = Array.from(s.kept.ids.keys()).sort((a, b) => s.kept.probs[b] - s.kept.probs[a] || s.kept.ids[a] - s.kept.ids[b]);
  $('pg-kept').textContent = `Kept set (${s.kept.ids.length}), most probable first: ${keptByP.map((j) => show(model.vocab[s.kept.ids[j]])).join(' ')}`;
  cells($('pg-lens').tBodies[0], s.lens.map((z, l) => {
    const p = lk.softmax(z);
    return [l === 0 ? 'embedding' : `layer ${l}`, ...topN(p, 5).map((i) => `${show(model.vocab[i])} ${fmt(p[i])}`)];
  }));
}

// The schema compiled by XGrammar for the model's characters; recompiled only when its text changes.
async function grammarFor(text) {
  if (jsonGrammar?.text === text) return jsonGrammar.grammar;
  if (!xgrammar) {
    const mod = await import('@mlc-ai/web-xgrammar');
    xgrammar = mod.GrammarCompiler ? mod : mod.default;
  }
  jsonGrammar?.grammar.dispose();
  jsonGrammar = null;
  jsonGrammar = { text, grammar: await JsonSchemaGrammar.create(xgrammar, model, text) };
  return jsonGrammar.grammar;
}

// A new generation for the current controls (compiling the schema first in JSON mode).
async function newGeneration() {
  if (beamMode()) return new BeamGeneration(model, $('pg-prompt').value, beamControls());
  const c = controls();
  const matcher = $('pg-json').checked ? await (await grammarFor($('pg-schema').value)).matcher() : null;
  try {
    return new Generation(model, $('pg-prompt').value, c, { matcher });
  } catch (e) {
    matcher?.dispose();
    throw e;
  }
}

function setBusy(on) {
  busy = on;
  $('pg-step').disabled = $('pg-run').disabled = on || !model;
  $('pg-stop').disabled = !on;
  $('playground').setAttribute('aria-busy', String(on));
}

function progress(done, total) {
  const bar = $('pg-progress');
  bar.hidden = total <= 1;
  bar.max = total;
  bar.value = done;
  $('pg-status').textContent = `generating… ${done} / ${total}`;
}

// Beam mode: the finished hypotheses (best first) and, while the search goes
// on, the running beams, one row each; every row carries its text and its
// unrounded score and log-probability (data-*) for the tests.
function renderBeams(g) {
  const rows = g.view();
  const ends = new Set(BEAM_ENDS[g.options.ends]);
  const finished = rows.filter((r) => r.state === 'finished').length;
  $('pg-beams-title').textContent = g.done
    ? `Final hypotheses, best first (${finished} after ${g.steps} steps)`
    : `Beams after step ${g.steps}: ${finished} finished, ${rows.length - finished} running`;
  const table = $('pg-beams');
  table.dataset.done = g.done ? '1' : '0';
  table.dataset.steps = String(g.steps);
  table.tBodies[0].replaceChildren(...rows.map((r, i) => {
    const tr = document.createElement('tr');
    tr.className = r.state;
    tr.setAttribute('role', 'row');
    Object.assign(tr.dataset, { state: r.state, text: r.text, score: String(r.score), logprob: String(r.logprob) });
    const last = r.text.at(-1);
    const state = r.state === 'running' ? 'running' : ends.has(last) ? `finished: ${show(last)}` : 'finished: length';
    const text = r.text.replaceAll('\n', '⏎');
    // data-label names the number on a phone, where the header row is hidden (style.css).
    for (const [c, cls, label] of [[String(i + 1), 'beam-rank'], [state, 'beam-state'], [text, 'beam-text'], [r.score.toFixed(4), 'beam-num', 'score'],
      [r.logprob.toFixed(4), 'beam-num', 'log p'], [String(r.tokens.length), 'beam-num', 'length']]) {
      const td = document.createElement('td');
      td.textContent = c;
      td.className = cls;
      td.setAttribute('role', 'cell');
      if (label) td.dataset.label = label;
      tr.append(td);
    }
    return tr;
  }));
  const lp = g.options.lengthPenalty;
  $('pg-beam-note').textContent = `score = log p / length^${lp} (a running beam's at its present length); log p = the sum of its characters' log-probabilities ` +
    `(after the repetition penalty). A beam finishes at an end character (⏎ is a line end) or at maxNewTokens ("length"). ` +
    `${g.options.numBeams} beams, the model run at batch ${g.options.numBeams}.`;
}

function renderBeamText(g) {
  const pre = $('pg-text');
  const prompt = Object.assign(document.createElement('span'), { className: 'prompt', textContent: g.model.decode(g.prompt) });
  const best = g.best;
  const out = Object.assign(document.createElement('span'), { className: 'generated', textContent: best ? best.text : '' });
  pre.replaceChildren(prompt, out);
  $('pg-score-key').hidden = true;
  const text = best ? best.text : '';
  $('pg-summary').textContent = g.done && best
    ? `The best hypothesis (${text.length} characters, score ${best.score.toFixed(4)}) after ${g.steps} steps — the same prompt and options give it here or in Node (fingerprint ${fingerprint(text)}).`
    : `The best running beam after ${g.steps} steps.`;
  $('pg-summary').dataset.generated = text;
  $('pg-summary').dataset.fingerprint = fingerprint(text);
}

// Stop: the run ends after its current step and keeps what it shows.
let stopRequested = false;

async function advance(n) {
  if (busy || !model) return;
  setBusy(true);
  stopRequested = false;
  const mine = epoch;
  let g = null;
  $('pg-error').textContent = '';
  try {
    if (!generation) {
      $('pg-status').textContent = 'starting…';
      g = await newGeneration();
      if (epoch !== mine) return; // reset while starting: g is dropped in finally
      generation = g;
    }
    g = generation;
    const beam = g instanceof BeamGeneration;
    // A beam run goes on until the search is done: at most maxNewTokens steps.
    if (beam && n === Infinity) n = g.options.maxNewTokens - g.steps;
    if (beam && g.done) throw new RangeError('the beam search is done: Reset or change a control to search again');
    progress(0, n);
    for (let i = 0; i < n; i++) {
      const s = await g.step();
      if (epoch !== mine) return; // a control changed or Reset during the step
      // Stop (clicked during the step) ends the run here, with this step shown.
      const stopping = stopRequested;
      if (beam) {
        renderBeams(g);
        renderBeamText(g);
      } else if (i === n - 1 || i % 8 === 7 || g.done || stopping) {
        renderStep(s);
        renderText();
        renderGrammar(s);
      }
      progress(i + 1, n);
      // Let the page paint and take input between steps (a task boundary:
      // unlike requestAnimationFrame, it never waits for a frame that may not come).
      await new Promise((r) => setTimeout(r, 0));
      if (epoch !== mine) return;
      // JSON mode stops at the grammar's end, beam search when it is done.
      if (g.done) break;
      if (stopping) {
        $('pg-status').textContent = 'stopped';
        return;
      }
    }
    $('pg-status').textContent = 'done';
  } catch (e) {
    if (epoch === mine) {
      $('pg-error').textContent = e.message;
      $('pg-status').textContent = '';
    }
  } finally {
    if (g && g !== generation) g.dispose();
    $('pg-progress').hidden = true;
    setBusy(false);
  }
}

// Back to no generation: every output cleared, the controls checked. A run in
// progress stops after its current step (and disposes its generation).
function reset() {
  epoch++;
  const g = generation;
  generation = null;
  if (g && !busy) g.dispose();
  $('pg-error').textContent = '';
  $('pg-status').textContent = '';
  $('pg-progress').hidden = true;
  clearChart(probChart, STEP_HINT);
  delete $('pg-step').dataset.kept;
  $('pg-kept').textContent = '';
  $('pg-step-table').tBodies[0].replaceChildren();
  $('pg-lens').tBodies[0].replaceChildren();
  $('pg-grammar').hidden = true;
  $('pg-beams').tBodies[0].replaceChildren();
  delete $('pg-beams').dataset.done;
  delete $('pg-beams').dataset.steps;
  $('pg-beams-title').textContent = 'Beams';
  $('pg-beam-note').textContent = 'Step or run to search.';
  applyMode();
  if (model) renderText();
  try {
    if (beamMode()) beamControls(); else controls();
  } catch (e) {
    $('pg-error').textContent = e.message;
  }
}

async function init() {
  const fetchBytes = async (f) => new Uint8Array(await (await fetch(`/model/${f}`)).arrayBuffer());
  const meta = await (await fetch('/model/charlm.json')).json();
  lk = await load();
  const ort = workerOrt(new Worker(new URL('./ort-worker.js', import.meta.url), { type: 'module' }));
  model = await CharModel.create(ort, lk, { modelBytes: await fetchBytes('charlm.onnx'), meta, lmHead: await fetchBytes('lm-head.bin') });
  $('pg-model').textContent = `${meta.config.layers} layers, d = ${meta.config.d_model}, ${meta.params.toLocaleString('en')} parameters, ` +
    `${meta.vocab.length} characters, context ${meta.config.context}; validation loss ${meta.valid_loss.toFixed(4)} nats/char ` +
    `(perplexity ${meta.valid_perplexity.toFixed(3)}) after ${meta.train.steps} steps`;
  // Drawn when first opened: nothing to lay out while the page loads.
  const details = $('pg-loss-chart').closest('details');
  const drawCurve = () => { if (details.open && !Chart.getChart($('pg-loss-chart'))) lossChart(meta); };
  details.addEventListener('toggle', drawCurve);
  drawCurve();
  renderLegend();
  reset();
  setBusy(false);
  $('pg-status').textContent = 'model loaded';
}

function lossChart(meta) {
  makeChart($('pg-loss-chart'), {
    type: 'line',
    data: {
      labels: meta.curve.map((p) => p.step),
      datasets: [
        { label: 'validation loss (nats/char)', data: meta.curve.map((p) => p.valid_loss), colors: { borderColor: '--bar-draw', backgroundColor: '--bar-draw' } },
        { label: 'training loss (smoothed)', data: meta.curve.map((p) => p.train_loss), colors: { borderColor: '--bar-exact', backgroundColor: '--bar-exact' } },
      ],
    },
    options: {
      plugins: { title: { display: true, text: 'Training curve (model/train.py)' } },
      scales: { x: { title: { display: true, text: 'training step' } }, y: { title: { display: true, text: 'loss (nats per character)' } } },
    },
  });
}

$('pg-schema').value = DEFAULT_SCHEMA;
readUrl();
showValues();
applyMode();
for (const id of ['pg-temperature', 'pg-topK', 'pg-topP', 'pg-minP', 'pg-repetition', 'pg-numBeams', 'pg-lengthPenalty']) $(id).addEventListener('input', showValues);
for (const id of ['pg-temperature', 'pg-topK', 'pg-topP', 'pg-minP', 'pg-repetition', 'pg-seed', 'pg-extra', 'pg-prompt', 'pg-json', 'pg-schema',
  'pg-mode', 'pg-numBeams', 'pg-lengthPenalty', 'pg-earlyStopping', 'pg-ends', 'pg-maxNewTokens']) $(id).addEventListener('change', reset);
for (const id of Object.values(URL_KEYS)) $(id).addEventListener('change', writeUrl);
$('pg-stop').addEventListener('click', () => { stopRequested = true; });
$('pg-step').addEventListener('click', () => advance(1));
$('pg-run').addEventListener('click', () => advance(beamMode() ? Infinity : Math.max(1, Math.min(1000, Number($('pg-count').value) || 64))));
$('pg-reset').addEventListener('click', reset);
init().catch((e) => { $('pg-error').textContent = `playground: ${e.message}`; });
