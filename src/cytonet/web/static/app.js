// cytonet explorer: the page's behaviour. Plain JavaScript and plotly.js, both served by
// the local server; no network access is needed.
"use strict";

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => (
  {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const COLOURS = ["#c0392b", "#1f5fa8", "#27ae60", "#8e44ad", "#e67e22", "#16a085", "#7f8c8d",
  "#d35400", "#2c3e50", "#f1c40f", "#e84393", "#00838f"];
const PLOT_FONT = {size: 13};

let CATALOG = null;
let LAST = null;       // the last simulation answer
let OVERLAID = [];     // series kept from earlier runs
let RUNS = 0;

async function api(path, body) {
  const opts = body === undefined ? {} : {method: "POST", body: JSON.stringify(body),
    headers: {"Content-Type": "application/json"}};
  let res;
  try {
    res = await fetch(path, opts);
  } catch (e) {
    return {ok: false, problems: ["the server did not answer: " + e]};
  }
  try {
    return await res.json();
  } catch (e) {
    return {ok: false, problems: [`HTTP ${res.status}: the answer is not JSON`]};
  }
}

function download(name, text, type) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], {type}));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

function csvCell(v) {
  const s = String(v ?? "");
  return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

// ------------------------------------------------------------------ tabs
document.querySelectorAll("nav .tab").forEach((b) => b.addEventListener("click", () => {
  document.querySelectorAll("nav .tab").forEach((x) => x.classList.toggle("active", x === b));
  document.querySelectorAll(".panel").forEach((p) =>
    p.classList.toggle("active", p.id === "panel-" + b.dataset.tab));
  if (b.dataset.tab === "network") showNetwork();
  if (b.dataset.tab === "scorecard") showScorecard();
  window.dispatchEvent(new Event("resize"));
}));

// ------------------------------------------------------------------ model switch
// The ODE (kinetic) model or the logical model compiled from the same knowledge graph: the
// switch decides which one runs the experiment and which verdict the scorecard filters on.
const formalism = () => $("formalism").value;

function applyFormalism() {
  const logical = formalism() === "logical";
  document.body.dataset.formalism = formalism();
  document.querySelectorAll(".logical-only").forEach((x) => { x.hidden = !logical; });
  document.querySelectorAll(".ode-only").forEach((x) => { x.hidden = logical; });
  $("sc-status-of").textContent = logical ? "(logical)" : "(ODE)";
  if (logical && CARD) loadLogicalVerdicts();
  else if (CARD) filterScorecard();
}
$("formalism").addEventListener("change", applyFormalism);

// ------------------------------------------------------------------ builder
const EXAMPLE = [
  {name: "test", cell: "lung_cancer", stimuli: [["IL11", "20 ng/mL"]],
   conditions: [["glucose", "0.5 mM"]],
   perturbations: [{kind: "knockdown", target: "IL11RA", efficiency: "0.8"}]},
  {name: "control", cell: "lung_cancer", stimuli: [["IL11", "20 ng/mL"]],
   conditions: [["glucose", "0.5 mM"]], perturbations: []},
];
let FORM = [];

function options(values, selected) {
  return values.map((v) => `<option${v === selected ? " selected" : ""}>${esc(v)}</option>`).join("");
}

function renderBuilder() {
  const box = $("experiments");
  box.innerHTML = "";
  FORM.forEach((e, i) => {
    const div = document.createElement("div");
    div.className = "exp";
    div.dataset.index = i;
    const stim = e.stimuli.map((s, j) => `<div class="row">
        <select data-f="stim-name" data-j="${j}">${options(CATALOG.stimuli.map((x) => x.id), s[0])}</select>
        <input data-f="stim-dose" data-j="${j}" value="${esc(s[1])}" size="10" placeholder="20 ng/mL">
        <button data-f="stim-del" data-j="${j}" title="remove">&times;</button></div>`).join("");
    const cond = e.conditions.map((c, j) => `<div class="row">
        <select data-f="cond-name" data-j="${j}">${options(CATALOG.conditions.map((x) => x.id), c[0])}</select>
        <input data-f="cond-value" data-j="${j}" value="${esc(c[1])}" size="10">
        <button data-f="cond-del" data-j="${j}" title="remove">&times;</button></div>`).join("");
    const pert = e.perturbations.map((p, j) => {
      const param = {knockdown: ["efficiency", "0.8"], overexpress: ["fold", "5"],
                     drug: ["dose", "1 uM"], knockout: null}[p.kind];
      const list = p.kind === "drug" ? "drug-list" : "entity-list";
      return `<div class="row">
        <select data-f="pert-kind" data-j="${j}">${options(CATALOG.perturbation_kinds, p.kind)}</select>
        <input data-f="pert-target" data-j="${j}" value="${esc(p.target)}" list="${list}" size="12"
               placeholder="${p.kind === "drug" ? "drug" : "gene"}">
        ${param ? `<label>${param[0]} <input data-f="pert-param" data-j="${j}" data-p="${param[0]}"
               value="${esc(p[param[0]] ?? "")}" size="7" placeholder="${param[1]}"></label>` : ""}
        <button data-f="pert-del" data-j="${j}" title="remove">&times;</button></div>`;
    }).join("");
    div.innerHTML = `<h4>name <input data-f="name" value="${esc(e.name)}" size="12">
        cells <select data-f="cell">${options(CATALOG.contexts.map((x) => x.id), e.cell)}</select>
        <button data-f="del" title="remove this experiment">remove</button></h4>
      <div class="sub">stimuli (at t = 0) <button data-f="stim-add">+</button></div>${stim}
      <div class="sub">conditions <button data-f="cond-add">+</button></div>${cond}
      <div class="sub">perturbations <button data-f="pert-add">+</button></div>${pert}`;
    box.appendChild(div);
  });
}

function builderEvent(ev) {
  const t = ev.target;
  const div = t.closest(".exp");
  if (!div || !t.dataset.f) return;
  const e = FORM[+div.dataset.index];
  const j = +t.dataset.j;
  const f = t.dataset.f;
  let rerender = false;
  if (ev.type === "click") {
    if (t.tagName !== "BUTTON") return;
    if (f === "del") FORM.splice(+div.dataset.index, 1);
    else if (f === "stim-add") e.stimuli.push([CATALOG.stimuli[0].id, "20 ng/mL"]);
    else if (f === "cond-add") e.conditions.push([CATALOG.conditions[0].id,
      CATALOG.conditions[0].default]);
    else if (f === "pert-add") e.perturbations.push({kind: "knockdown", target: "", efficiency: "0.8"});
    else if (f === "stim-del") e.stimuli.splice(j, 1);
    else if (f === "cond-del") e.conditions.splice(j, 1);
    else if (f === "pert-del") e.perturbations.splice(j, 1);
    else return;
    rerender = true;
  } else {
    if (f === "name") e.name = t.value;
    else if (f === "cell") e.cell = t.value;
    else if (f === "stim-name") e.stimuli[j][0] = t.value;
    else if (f === "stim-dose") e.stimuli[j][1] = t.value;
    else if (f === "cond-name") e.conditions[j][0] = t.value;
    else if (f === "cond-value") e.conditions[j][1] = t.value;
    else if (f === "pert-kind") {
      e.perturbations[j] = {kind: t.value, target: e.perturbations[j].target};
      rerender = true;
    } else if (f === "pert-target") e.perturbations[j].target = t.value;
    else if (f === "pert-param") e.perturbations[j][t.dataset.p] = t.value;
    else return;
  }
  if (rerender) renderBuilder();
  formToYaml();
}
$("experiments").addEventListener("click", builderEvent);
$("experiments").addEventListener("change", builderEvent);
$("experiments").addEventListener("input", (ev) => {
  if (ev.target.tagName === "INPUT") builderEvent(ev);
});

let yamlTimer = null;
function formToYaml() {
  clearTimeout(yamlTimer);
  yamlTimer = setTimeout(async () => {
    const ans = await api("/api/yaml", {experiments: FORM});
    if (ans.yaml !== undefined) $("yaml").value = ans.yaml;
    showProblems(ans);
  }, 150);
}

function showProblems(ans, okText) {
  const box = $("problems");
  const probs = ans.problems || [];
  box.classList.toggle("ok", !probs.length);
  if (probs.length) box.textContent = probs.join("\n");
  else if (okText) box.textContent = okText;
  else if (ans.experiments && ans.experiments.length)
    box.textContent = "valid: " + ans.experiments.map((e) => `${e.name} = ${e.as_written}`).join("; ");
  else box.textContent = "";
}

$("add-experiment").addEventListener("click", () => {
  const last = FORM[FORM.length - 1];
  FORM.push(last ? JSON.parse(JSON.stringify({...last, name: `experiment ${FORM.length + 1}`}))
    : {name: "experiment 1", cell: "generic", stimuli: [], conditions: [], perturbations: []});
  renderBuilder();
  formToYaml();
});
$("load-example").addEventListener("click", () => {
  FORM = JSON.parse(JSON.stringify(EXAMPLE));
  renderBuilder();
  formToYaml();
});
$("check").addEventListener("click", async () => showProblems(await api("/api/check",
  {yaml: $("yaml").value})));
$("download-yaml").addEventListener("click", () =>
  download("experiment.yaml", $("yaml").value, "application/x-yaml"));

// ------------------------------------------------------------------ running
$("run").addEventListener("click", runExperiment);

async function runExperiment() {
  const status = $("run-status");
  const logical = formalism() === "logical";
  const members = logical ? 0 : +$("members").value || 0;
  status.textContent = logical ? "simulating on the logical model (MaBoSS, mpbn)..."
    : members ? `simulating with ${members} members...` : "simulating...";
  status.dataset.state = "running";
  $("run").disabled = true;
  const t0 = performance.now();
  const ans = await api("/api/simulate", {
    yaml: $("yaml").value, readouts: $("readouts").value.trim().split(/[\s,]+/).filter(Boolean),
    until: $("until").value, points: +$("points").value, members, jitter: +$("jitter").value,
    formalism: formalism(), trajectories: +$("trajectories").value || 2000});
  $("run").disabled = false;
  showProblems(ans, ans.ok ? "ran: " + (ans.experiments || []).map((e) =>
    `${e.name} = ${e.as_written}`).join("; ") : "");
  if (!ans.series || !ans.series.length) {
    status.textContent = "no result";
    status.dataset.state = "failed";
    return;
  }
  RUNS += 1;
  ans.formalism = ans.formalism || "ode";
  if ($("overlay").checked && LAST && LAST.formalism === ans.formalism) {
    OVERLAID = OVERLAID.concat(LAST.series.map((s) => ({...s, faded: true})));
  } else {
    OVERLAID = [];
  }
  ans.series.forEach((s) => { s.run = RUNS; });
  LAST = ans;
  status.textContent = `${ans.ok ? "done" : "done with problems"} in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
  status.dataset.state = ans.ok ? "done" : "partial";
  $("download-csv").disabled = false;
  drawResults(ans);
}

function label(s, info) {
  const e = info.find((x) => x.name === s.experiment);
  return `${s.experiment}: ${e ? e.as_written : ""}`;
}

function drawResults(ans) {
  const plots = $("plots");
  plots.innerHTML = "";
  const readouts = [...new Set(ans.series.map((s) => s.readout))];
  const names = [...new Set(ans.series.map((s) => s.experiment))];
  readouts.forEach((ro, k) => {
    const div = document.createElement("div");
    div.className = "plot";
    div.id = "plot-" + ro.replace(/[^A-Za-z0-9]+/g, "-");
    div.dataset.readout = ro;
    plots.appendChild(div);
    const traces = [];
    const mine = ans.series.filter((s) => s.readout === ro);
    OVERLAID.filter((s) => s.readout === ro).forEach((s) => traces.push({
      x: s.time_h, y: s.value, mode: "lines", name: `run ${s.run} ${s.experiment}`,
      line: {dash: "dot", width: 1.5, color: "#999"}, hovertemplate: "%{y:.4g} at %{x:.3g} h"}));
    mine.forEach((s) => {
      const c = COLOURS[names.indexOf(s.experiment) % COLOURS.length];
      if (s.q05) {
        traces.push({x: s.time_h, y: s.q95, mode: "lines", line: {width: 0, color: c},
          showlegend: false, hoverinfo: "skip", legendgroup: s.experiment});
        traces.push({x: s.time_h, y: s.q05, mode: "lines", line: {width: 0, color: c},
          fill: "tonexty", fillcolor: c + "33", name: `${s.experiment}: 5-95 % of ${s.n_members} members`,
          hoverinfo: "skip", legendgroup: s.experiment});
      }
      traces.push({x: s.time_h, y: s.value, mode: "lines", name: label(s, ans.experiments),
        line: {color: c, width: 2.2}, legendgroup: s.experiment,
        hovertemplate: `${esc(s.experiment)}<br>%{y:.4g} ${s.unit} at %{x:.3g} h<extra></extra>`});
    });
    const unit = mine.length ? mine[0].unit : "";
    const logical = ans.formalism === "logical";
    const title = logical ? `${ro}: node ${mine.length ? mine[0].node : "?"} (logical model, ${ans.trajectories} trajectories)` : ro;
    Plotly.newPlot(div, traces, {
      title: {text: title, font: {size: 15}}, font: PLOT_FONT, margin: {l: 70, r: 20, t: 40, b: 50},
      xaxis: {title: {text: "time (h)"}},
      yaxis: logical ? {title: {text: `${ro} (${unit})`}, range: [0, 1.02]}
        : {title: {text: `${ro} (${unit})`}, rangemode: "tozero"},
      legend: {orientation: "h", y: -0.22, yanchor: "top"}, hovermode: "closest"},
      {responsive: true, displaylogo: false});
  });
  const ph = ans.phenotypes || {};
  const phNames = Object.keys(ph);
  if (phNames.length) {
    const kinds = Object.keys(ph[phNames[0]]);
    Plotly.newPlot($("phenotypes"), phNames.map((n, i) => ({
      type: "bar", name: label({experiment: n}, ans.experiments), x: kinds, y: kinds.map((k) => ph[n][k]),
      marker: {color: COLOURS[names.indexOf(n) % COLOURS.length] || COLOURS[i]},
      hovertemplate: `${esc(n)}<br>%{x}: %{y:.3g}<extra></extra>`})), {
      barmode: "group", font: PLOT_FONT, margin: {l: 70, r: 20, t: 30, b: 90},
      title: {text: `${ans.formalism === "logical" ? "phenotype scores from P(driver ON)" : "phenotype scores"} at ${ans.phenotype_at_h.toFixed(3).replace(/\.?0+$/, "")} h`, font: {size: 14}},
      yaxis: {title: {text: "score (0-1)"}, range: [0, 1]}, legend: {orientation: "h", y: -0.3, yanchor: "top"}},
      {responsive: true, displaylogo: false});
  }
  drawAttractors(ans);
}

function drawAttractors(ans) {
  const box = $("attractors");
  if (ans.formalism !== "logical" || !ans.attractors) { box.innerHTML = ""; return; }
  const cell = (v) => v === 1 ? "ON" : v === 0 ? "OFF" : v === "*" ? "oscillates" : "?";
  box.innerHTML = "<h2>Attractors (most-permissive, mpbn)</h2>" + Object.entries(ans.attractors).map(
    ([name, atts]) => `<p><b>${esc(name)}</b>: ${atts.length} attractor${atts.length === 1 ? "" : "s"},
      ${atts.filter((a) => a.reachable).length} reachable from the resting cell</p>
      <table class="attractors"><tr><th>#</th><th>reachable</th>${Object.keys((atts[0] || {}).readouts || {}).map(
        (r) => `<th>${esc(r)}</th>`).join("")}</tr>${atts.map((a, i) => `<tr><td>${i + 1}</td>
        <td>${a.reachable ? "yes" : "no"}</td>${Object.values(a.readouts).map((v) => `<td>${cell(v)}</td>`).join("")}</tr>`).join("")}</table>`).join("");
}

$("download-csv").addEventListener("click", () => {
  if (!LAST) return;
  const rows = ["experiment,time_h,readout,value,unit,formalism"];
  LAST.series.forEach((s) => s.time_h.forEach((t, i) => rows.push(
    [s.experiment, t, s.readout, s.value[i], s.unit, LAST.formalism].map(csvCell).join(","))));
  download("cytonet_result.csv", rows.join("\n") + "\n", "text/csv");
});

// ------------------------------------------------------------------ network
let NET = null;
let NET_HIGHLIGHT = new Set();
let NET_FOUND = new Set();
const KIND_COLOURS = {ligand: "#e67e22", receptor: "#8e44ad", kinase: "#2980b9",
  phosphatase: "#16a085", adaptor: "#7f8c8d", "transcription factor": "#c0392b",
  "gene product": "#f1c40f", "stress sensor": "#d35400", condition: "#95a5a6",
  phenotype: "#27ae60", drug: "#34495e"};

async function showNetwork() {
  if (!NET) {
    NET = await api("/api/network");
    if (!NET.nodes) { $("evidence").textContent = (NET.problems || []).join("\n"); NET = null; return; }
    NET.pos = Object.fromEntries(NET.nodes.map((n) => [n.id, n]));
  }
  drawNetwork();
}

function drawNetwork() {
  const pos = NET.pos;
  const groups = {"+": [], "-": [], drug: [], drives: [], hl: []};
  NET.edges.forEach((e) => {
    if (e.source === e.target) return;
    const a = pos[e.source], b = pos[e.target];
    const key = NET_HIGHLIGHT.has(e.id) ? "hl" : e.kind === "drug" ? "drug"
      : e.kind === "phenotype_driver" ? "drives" : e.sign;
    groups[key].push(a.x, b.x, null);
    (groups[key + "y"] = groups[key + "y"] || []).push(a.y, b.y, null);
  });
  const style = {"+": {color: "#2a9d3a", width: 1.2}, "-": {color: "#c0392b", width: 1.2},
    drug: {color: "#7f8c8d", width: 1, dash: "dash"}, drives: {color: "#27ae60", width: 1, dash: "dot"},
    hl: {color: "#e67e22", width: 5}};
  const names = {"+": "activating (+)", "-": "inhibiting (-)", drug: "drug on target",
    drives: "drives phenotype", hl: "highlighted path"};
  const traces = Object.keys(style).filter((k) => groups[k].length).map((k) => ({
    x: groups[k], y: groups[k + "y"], mode: "lines", line: style[k], name: names[k],
    hoverinfo: "skip"}));
  // arrow heads: a small marker near each target, pointing along the edge
  const mids = NET.edges.filter((e) => e.source !== e.target);
  traces.push({x: mids.map((e) => 0.25 * pos[e.source].x + 0.75 * pos[e.target].x),
    y: mids.map((e) => 0.25 * pos[e.source].y + 0.75 * pos[e.target].y), mode: "markers",
    marker: {size: 9, symbol: "arrow",
      angle: mids.map((e) => 90 - 180 / Math.PI * Math.atan2(pos[e.target].y - pos[e.source].y,
        pos[e.target].x - pos[e.source].x)),
      color: mids.map((e) => NET_HIGHLIGHT.has(e.id) ? "#e67e22" : e.sign === "+" ? "#2a9d3a" : "#c0392b")},
    customdata: mids.map((e) => "edge:" + e.id),
    text: mids.map((e) => `${e.source} -(${e.mechanism})${e.sign === "+" ? "->" : "-|"} ${e.target}<br>${e.evidence.length} evidence`),
    hovertemplate: "%{text}<extra></extra>", name: "edges (click for evidence)", showlegend: false});
  const kinds = [...new Set(NET.nodes.map((n) => n.kind))];
  kinds.forEach((k) => {
    const ns = NET.nodes.filter((n) => n.kind === k);
    traces.push({x: ns.map((n) => n.x), y: ns.map((n) => n.y), mode: "markers+text", name: k,
      text: ns.map((n) => n.id), textposition: "top center", textfont: {size: 12},
      customdata: ns.map((n) => "node:" + n.id),
      hovertext: ns.map((n) => `${n.id}: ${n.name} (${n.kind})`), hoverinfo: "text",
      marker: {size: ns.map((n) => NET_FOUND.has(n.id) ? 22 : 13), color: KIND_COLOURS[k] || "#ccc",
        line: {width: ns.map((n) => NET_FOUND.has(n.id) ? 3 : 0.8), color: "#222"}}});
  });
  const div = $("network");
  const keep = div.layout && div.layout.xaxis ? {x: div.layout.xaxis.range, y: div.layout.yaxis.range} : null;
  Plotly.react(div, traces, {
    font: PLOT_FONT, margin: {l: 10, r: 10, t: 10, b: 10}, dragmode: "pan", hovermode: "closest",
    xaxis: {visible: false, range: keep ? keep.x : undefined},
    yaxis: {visible: false, scaleanchor: "x", range: keep ? keep.y : undefined},
    legend: {orientation: "h", y: 1.02}, uirevision: "net"},
    {responsive: true, scrollZoom: true, displaylogo: false});
  if (!div.dataset.bound) {
    div.dataset.bound = "1";
    div.on("plotly_click", (ev) => {
      const cd = ev.points && ev.points[0] && ev.points[0].customdata;
      if (!cd) return;
      if (cd.startsWith("edge:")) showEdge(cd.slice(5));
      else if (cd.startsWith("node:")) showNode(cd.slice(5));
    });
  }
}

function edgeLink(e) {
  return `<span class="edge-link" data-edge="${esc(e.id)}">${esc(e.source)} -(${esc(e.mechanism)})${e.sign === "+" ? "-&gt;" : "-|"} ${esc(e.target)}</span>`;
}

function evidenceHtml(e) {
  return e.evidence.map((ev) => `<div class="ev">${esc(ev.text)}<br>
    ${ev.links.map((l) => `<a href="${esc(l.url)}" target="_blank" rel="noopener">${esc(l.label)}</a>`).join(" ") || esc(ev.ref)}
    ${ev.verified === false ? " <small>(record not verified)</small>" : ""}</div>`).join("") || "<p>no evidence recorded</p>";
}

function showEdge(id) {
  const e = NET.edges.find((x) => x.id === id);
  if (!e) return;
  $("evidence").innerHTML = `<h3 id="evidence-title">${edgeLink(e)}</h3>
    <p class="meta">edge ${esc(e.id)}, ${esc(e.kind)}${e.context && e.context.length ? ", context " + esc(e.context.join(", ")) : ""}</p>
    ${evidenceHtml(e)}`;
}

function showNode(id) {
  const n = NET.pos[id];
  if (!n) return;
  const inc = NET.edges.filter((e) => e.target === id), out = NET.edges.filter((e) => e.source === id);
  $("evidence").innerHTML = `<h3 id="evidence-title">${esc(n.id)}</h3><p>${esc(n.name)} (${esc(n.kind)})
    ${n.aliases.length ? "<br><small>aliases: " + esc(n.aliases.join(", ")) + "</small>" : ""}</p>
    <h4>incoming</h4>${inc.map((e) => "<div>" + edgeLink(e) + "</div>").join("") || "none"}
    <h4>outgoing</h4>${out.map((e) => "<div>" + edgeLink(e) + "</div>").join("") || "none"}`;
}

document.addEventListener("click", (ev) => {
  const t = ev.target.closest(".edge-link");
  if (t && NET) showEdge(t.dataset.edge);
});

$("net-search").addEventListener("input", () => {
  if (!NET) return;
  const q = $("net-search").value.trim().toLowerCase();
  NET_FOUND = new Set(q ? NET.nodes.filter((n) => n.id.toLowerCase().includes(q) ||
    n.name.toLowerCase().includes(q) || n.aliases.some((a) => a.toLowerCase().includes(q))).map((n) => n.id) : []);
  drawNetwork();
  const exact = NET.nodes.filter((n) => n.id.toLowerCase() === q ||
    n.aliases.some((a) => a.toLowerCase() === q));
  if (exact.length === 1) showNode(exact[0].id);
  else if (NET_FOUND.size === 1) showNode([...NET_FOUND][0]);
});

$("explain-run").addEventListener("click", async () => {
  await showNetwork();
  const q = new URLSearchParams({source: $("explain-source").value, target: $("explain-target").value});
  const ans = await api("/api/explain?" + q);
  const box = $("paths");
  if (!ans.ok) { box.innerHTML = `<div class="problems">${esc(ans.problems.join("\n"))}</div>`; return; }
  NET_HIGHLIGHT = new Set(ans.paths.flatMap((p) => p.edges.map((e) => e.id)));
  box.innerHTML = `<h3>${ans.n_paths} signed path${ans.n_paths === 1 ? "" : "s"}</h3>` +
    ans.paths.map((p) => `<div class="path">[${p.sign}] ${p.edges.map((e) => edgeLink(e)).join("<br>")}</div>`).join("");
  drawNetwork();
});
$("explain-clear").addEventListener("click", () => {
  NET_HIGHLIGHT = new Set(); $("paths").innerHTML = ""; if (NET) drawNetwork();
});

// ------------------------------------------------------------------ scorecard
let CARD = null;

async function showScorecard() {
  if (CARD) return;
  $("sc-count").textContent = "validating (the first time takes a few seconds)...";
  CARD = await api("/api/scorecard");
  if (!CARD.rows) { $("sc-count").textContent = (CARD.problems || []).join("; "); CARD = null; return; }
  const present = (key, all) => all.filter((v) => CARD.rows.some((r) => r[key] === v));
  $("sc-system").innerHTML += options(present("system", CARD.systems));
  $("sc-pathway").innerHTML += options(present("pathway", CARD.pathways));
  const body = $("scorecard").tBodies[0];
  // failures first, then errors, then passes (the curated order within each)
  const order = {FAIL: 0, ERROR: 1, PASS: 2};
  CARD.rows.sort((a, b) => order[a.status] - order[b.status]);
  body.innerHTML = CARD.rows.map((r, i) => `<tr class="row" data-i="${i}" data-status="${r.status}">
    <td class="${r.status}">${r.status}</td><td><code>${esc(r.id)}</code></td><td>${esc(r.system)}</td>
    <td>${esc(r.pathway)}</td><td>${esc(r.readout)}</td><td>${esc(r.claim)}</td>
    <td class="logical-only logical-verdict" hidden></td></tr>`).join("");
  if (formalism() === "logical") loadLogicalVerdicts();
  else filterScorecard();
}

let LOGICAL = null;  // the logical verdicts, fetched once

async function loadLogicalVerdicts() {
  if (!LOGICAL) {
    $("sc-logical").textContent = "judging every observation on the logical model (the first time takes about two minutes)...";
    LOGICAL = await api("/api/scorecard/logical");
    if (!LOGICAL.verdicts) { $("sc-logical").textContent = (LOGICAL.problems || []).join("; "); LOGICAL = null; return; }
  }
  $("sc-logical").textContent = `logical model: ${LOGICAL.expressed} expressed; ${LOGICAL.summary}`;
  [...$("scorecard").tBodies[0].rows].forEach((tr) => {
    const v = LOGICAL.verdicts[CARD.rows[+tr.dataset.i].id] || {status: "N/A", detail: "not run"};
    const td = tr.querySelector(".logical-verdict");
    td.className = `logical-only logical-verdict ${v.status === "N/A" ? "NA" : v.status}`;
    td.textContent = v.status;
    td.title = v.detail || "";
    td.hidden = formalism() !== "logical";
    tr.dataset.logical = v.status;
  });
  filterScorecard();
}

function filterScorecard() {
  const q = $("sc-search").value.trim().toLowerCase();
  const sys = $("sc-system").value, pw = $("sc-pathway").value, st = $("sc-status").value;
  let shown = 0;
  [...$("scorecard").tBodies[0].rows].forEach((tr) => {
    const r = CARD.rows[+tr.dataset.i];
    const verdict = formalism() === "logical" && LOGICAL ? tr.dataset.logical : r.status;
    const ok = (!sys || r.system === sys) && (!pw || r.pathway === pw) && (!st || verdict === st) &&
      (!q || [r.id, r.claim, r.readout, r.verdict, r.reason].join(" ").toLowerCase().includes(q));
    tr.hidden = !ok;
    shown += ok;
  });
  const tally = formalism() === "logical" && LOGICAL
    ? (() => {
      const n = (st) => Object.values(LOGICAL.verdicts).filter((v) => v.status === st).length;
      return `logical model: ${n("PASS")} pass, ${n("FAIL")} fail, ${n("N/A")} not applicable`;
    })()
    : `${CARD.passed} pass, ${CARD.failed} fail, ${CARD.errors} could not be run`;
  $("sc-count").textContent = `${shown} of ${CARD.total} shown (${tally})`;
}
["sc-search", "sc-system", "sc-pathway", "sc-status"].forEach((id) =>
  $(id).addEventListener("input", () => CARD && filterScorecard()));

$("scorecard").addEventListener("click", async (ev) => {
  const tr = ev.target.closest("tr.row");
  if (!tr) return;
  [...$("scorecard").tBodies[0].rows].forEach((x) => x.classList.toggle("selected", x === tr));
  const r = CARD.rows[+tr.dataset.i];
  const box = $("sc-detail");
  const lv = LOGICAL && LOGICAL.verdicts[r.id];
  box.innerHTML = `<h3><span class="${r.status}">${r.status}</span> ${esc(r.id)}</h3>
    <p>${esc(r.claim)}</p><p class="meta">${esc(r.verdict)}</p>
    ${lv ? `<p class="meta">logical model: <span class="${lv.status === "N/A" ? "NA" : lv.status}">${esc(lv.status)}</span> ${esc(lv.detail)}</p>` : ""}
    ${r.reason ? `<p class="reason"><b>model-side reason:</b> ${esc(r.reason)}</p>` : ""}
    <p class="meta">${Object.entries(r.experiments).map(([k, v]) => `${esc(k)}: ${esc(v)}`).join("<br>")}</p>
    <p>sources: ${r.links.map((l) => `<a href="${esc(l.url)}" target="_blank" rel="noopener">${esc(l.label)}</a>`).join(", ") || "none"}
    ${r.seeds.length ? "<br><small>seed " + esc(r.seeds.join(", ")) + "</small>" : ""}
    <br><small>written at ${esc(r.where)}</small></p><div id="sc-plot" class="plot"></div>`;
  const tr2 = await api("/api/observation/" + encodeURIComponent(r.id));
  if (!tr2.traces) { $("sc-plot").textContent = (tr2.problems || []).join("\n"); return; }
  const scan = tr2.traces.some((t) => t.role.startsWith("scan["));
  const shown = scan ? tr2.traces.filter((t) => !t.role.startsWith("scan[")) : tr2.traces;
  Plotly.newPlot($("sc-plot"), shown.map((t, i) => ({x: t.time_h, y: t.value, mode: "lines",
    name: `${t.role}: ${t.as_written}`, line: {color: COLOURS[i % COLOURS.length], width: 2}})), {
    font: PLOT_FONT, margin: {l: 70, r: 10, t: 30, b: 50}, title: {text: tr2.readout, font: {size: 14}},
    xaxis: {title: {text: "time (h)"}}, yaxis: {title: {text: `${tr2.readout} (${tr2.unit})`}},
    legend: {orientation: "h", y: -0.25, yanchor: "top"}}, {responsive: true, displaylogo: false});
});

$("sc-download").addEventListener("click", () => {
  if (!CARD) return;
  const cols = ["id", "status", "system", "pathway", "readout", "expect", "verdict", "reason", "where"];
  const lv = (r) => (LOGICAL && LOGICAL.verdicts[r.id]) || {status: "", detail: ""};
  const head = LOGICAL ? cols.concat(["logical_status", "logical_detail"]) : cols;
  const rows = [head.join(",")].concat(CARD.rows.map((r) => cols.map((c) => csvCell(r[c]))
    .concat(LOGICAL ? [csvCell(lv(r).status), csvCell(lv(r).detail)] : []).join(",")));
  download("cytonet_scorecard.csv", rows.join("\n") + "\n", "text/csv");
});

// ------------------------------------------------------------------ start
(async function start() {
  CATALOG = await api("/api/catalog");
  if (!CATALOG.contexts) { showProblems(CATALOG); return; }
  const dl = (id, values) => {
    const d = document.createElement("datalist");
    d.id = id;
    d.innerHTML = values.map((v) => `<option value="${esc(v)}">`).join("");
    document.body.appendChild(d);
  };
  dl("entity-list", CATALOG.entities);
  dl("drug-list", CATALOG.drugs.map((d) => d.id));
  $("readout-list").innerHTML = CATALOG.phenotypes.map((p) => `<option value="phenotype:${esc(p)}">`).join("");
  FORM = JSON.parse(JSON.stringify(EXAMPLE));
  renderBuilder();
  formToYaml();
  applyFormalism();
  $("server-status").textContent = "ready";
  document.body.dataset.ready = "1";
})();
