// addrcheck console: the pages' behaviour, calling the same /v1 API that integrators call.
// No framework and no build: the page works as plain forms first, and this script makes it richer.
"use strict";
(() => {
  const T = JSON.parse(document.getElementById("strings").textContent);
  const page = document.body.dataset.page;
  const MAX_BATCH = Number(document.body.dataset.maxBatch);
  const MAX_BODY = Number(document.body.dataset.maxBody);
  let csrf = document.querySelector('meta[name="csrf-token"]').content;
  let switchingLanguage = false; // set by the language switch, which keeps what was typed (below)

  const $ = (id) => document.getElementById(id);
  const fmt = (text, args = {}) => text.replace(/\{(\w+)\}/g, (whole, key) => (key in args ? args[key] : whole));
  const esc = (value) =>
    String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const show = (node, text) => {
    node.textContent = text;
    node.hidden = !text;
  };
  // Invisible characters (the library's own set, addrcheck.normalized.INVISIBLE, sent with the page:
  // zero-width spaces, direction controls, the BOM) are drawn as their code point: raw, one is nothing
  // between two quotes, and a direction control reorders the text after it.
  const INVISIBLE = new RegExp(document.body.dataset.invisible, "g");
  const codePoint = (c) => `U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  const plain = (text) => String(text ?? "").replace(INVISIBLE, codePoint);
  const marked = (text) => esc(text).replace(INVISIBLE, (c) => `<span class="invisible-char">${codePoint(c)}</span>`);
  const bytes = (n) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);

  // On a phone a table of five columns does not fit: each cell is given its column's heading, and the
  // stylesheet stacks the cells of a row under one another with those headings (390 px and up).
  const labelCells = () => {
    for (const table of document.querySelectorAll("main .scroll > table")) {
      const headings = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
      for (const row of table.tBodies[0]?.rows ?? []) {
        Array.from(row.cells).forEach((cell, i) => cell.setAttribute("data-label", headings[i] ?? ""));
      }
      table.dataset.labelled = "";
    }
  };

  class ApiFailure extends Error {
    constructor(status, code, message, detail) {
      super(message);
      this.status = status;
      this.code = code;
      this.detail = detail;
    }
  }

  // A sentence for the clerk: ours where we have one for the code, else the API's own message.
  const chinese = document.documentElement.lang.startsWith("zh");
  const withDetail = (sentence, detail) => (chinese ? `${sentence}（${detail}）` : `${sentence} (${detail})`);
  const explain = (failure) => {
    if (failure.code === "SESSION_ENDED") return failure.message; // our own sentence: nothing to add
    const ours = T[`err_${failure.code}`];
    if (!ours) return fmt(T.error_generic, { message: failure.message });
    return failure.code === "NETWORK" ? ours : withDetail(ours, failure.message);
  };

  // ---- session: a request that finds the session gone asks for the key again, then is sent again ----
  let relogging = null;
  function relogin() {
    if (relogging) return relogging;
    const dialog = $("relogin");
    const form = $("relogin-form");
    const error = $("relogin-error");
    relogging = new Promise((resolve) => {
      const finish = (ok) => {
        form.removeEventListener("submit", submit);
        $("relogin-cancel").removeEventListener("click", cancel);
        dialog.removeEventListener("close", closed);
        dialog.close();
        relogging = null;
        resolve(ok);
      };
      const submit = async (event) => {
        event.preventDefault();
        const data = new FormData();
        data.append("key", $("relogin-key").value);
        const resp = await fetch("/console/login", {
          method: "POST",
          body: data,
          headers: { "X-Console-Relogin": "1", Accept: "application/json" },
          credentials: "same-origin",
        }).catch(() => null);
        if (resp && resp.ok) {
          csrf = (await resp.json()).csrf_token;
          $("relogin-key").value = "";
          finish(true);
        } else {
          show(error, T.sign_in_failed);
        }
      };
      const cancel = () => finish(false);
      // Escape closes a modal dialog without a click on Cancel: the same answer, or the request that
      // asked would wait for ever (its button disabled, "checking…" shown)
      const closed = () => finish(false);
      form.addEventListener("submit", submit);
      $("relogin-cancel").addEventListener("click", cancel);
      dialog.addEventListener("close", closed);
      show(error, "");
      dialog.showModal();
      $("relogin-key").focus();
    });
    return relogging;
  }

  async function api(method, url, { json, form } = {}) {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const headers = { Accept: "application/json" };
      if (method !== "GET") headers["X-CSRF-Token"] = csrf;
      let body;
      if (json !== undefined) {
        headers["Content-Type"] = "application/json";
        body = JSON.stringify(json);
      } else if (form) {
        body = form;
      }
      let resp;
      try {
        resp = await fetch(url, { method, headers, body, credentials: "same-origin" });
      } catch (exc) {
        throw new ApiFailure(0, "NETWORK", T.network_error);
      }
      const data = await resp.json().catch(() => null);
      const error = data && data.error ? data.error : null;
      if (resp.status === 401 || (resp.status === 403 && error && error.code === "CSRF_FAILED")) {
        if (await relogin()) continue;
        throw new ApiFailure(resp.status, "SESSION_ENDED", T.sign_in_expired);
      }
      if (!resp.ok) {
        throw new ApiFailure(resp.status, error ? error.code : `HTTP_${resp.status}`, error ? error.message : resp.statusText, error ? error.detail : null);
      }
      return data;
    }
    throw new ApiFailure(401, "SESSION_ENDED", T.sign_in_expired);
  }

  async function copyText(text, button) {
    try {
      await navigator.clipboard.writeText(text);
    } catch (exc) {
      const area = document.createElement("textarea");
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    const before = button.textContent;
    button.textContent = T.copied;
    setTimeout(() => {
      button.textContent = before;
    }, 1500);
  }

  // ---- check and fix ------------------------------------------------------------------------------
  const COMPONENT_CLASS = {
    province: "province", city: "city", district: "district", town: "town", community: "town",
    road: "road", second_road: "road", road_number: "road_number", poi: "poi", building: "building",
    unit: "unit", floor: "unit", room: "unit",
  };
  const ADMIN = ["province", "city", "district", "town"];
  const STATUS_ORDER = ["ok", "vague", "ambiguous", "inconsistent", "invalid"];

  function segments(result) {
    const parts = [];
    for (const [name, comp] of Object.entries(result.components)) {
      if (comp.span) parts.push({ start: comp.span[0], end: comp.span[1], cls: COMPONENT_CLASS[name] || "other", label: name });
    }
    for (const item of result.unresolved) parts.push({ start: item.span[0], end: item.span[1], cls: "unresolved", label: "unresolved" });
    parts.sort((a, b) => a.start - b.start || b.end - a.end);
    return parts;
  }

  function highlight(result) {
    const text = Array.from(result.input); // spans count code points
    let html = "";
    let at = 0;
    for (const part of segments(result)) {
      if (part.start < at) continue; // overlapping spans: the first (outer) one is drawn
      html += marked(text.slice(at, part.start).join(""));
      const label = T[`comp_${part.cls}`] || part.label;
      html += `<span class="seg c-${part.cls}" title="${esc(label)}">${marked(text.slice(part.start, part.end).join(""))}</span>`;
      at = part.end;
    }
    return html + marked(text.slice(at).join(""));
  }

  let lineNumbers = [];
  function resultHtml(result, index) {
    const lineNo = lineNumbers[index] ?? index + 1;
    const reasons = result.reasons.length
      ? `<ul class="reasons">${result.reasons.map((r) => `<li data-code="${esc(r.code)}">${esc(plain(chinese ? r.message : r.message_en))}${T[`fix_${r.code}`] ? ` <span class="how">${esc(T.how_to_fix + T[`fix_${r.code}`])}</span>` : ""}</li>`).join("")}</ul>`
      : `<p class="reasons-none muted">${esc(T.no_problems)}</p>`;
    const normalized = result.normalized
      ? `<div class="normalized"><span class="muted">${esc(T.normalized)}</span> <output>${esc(result.normalized)}</output> <button type="button" class="secondary copy">${esc(T.copy_button)}</button></div>`
      : "";
    const fix = result.status === "ok" ? "" : ` <button type="button" class="secondary fix" aria-expanded="false">${esc(T.fix)}</button>`;
    return `<article class="result status-${result.status}" data-index="${index}" aria-label="${esc(fmt(T.line, { n: lineNo }))}">
<div class="result-head"><span class="n">${esc(fmt(T.line, { n: lineNo }))}</span><span class="badge b-${result.status}">${esc(T[`status_${result.status}`])}</span><span class="address-text">${highlight(result)}</span></div>
${reasons}${normalized}${fix}</article>`;
  }

  function initCheck() {
    const form = $("check-form");
    const error = $("check-error");
    const summary = $("check-summary");
    const results = $("results");
    const button = $("check-button");
    let shown = [];

    // "6 addresses in 62 ms: ok 4 · vague 2", counted again whenever a fixed address replaces its card
    function summarize() {
      const counts = STATUS_ORDER.map((s) => [s, shown.filter((r) => r.status === s).length]).filter(([, n]) => n);
      const ms = summary.dataset.ms;
      summary.textContent = `${fmt(T.summary, { count: shown.length, ms })} ${counts.map(([s, n]) => `${T[`status_${s}`]} ${n}`).join(" · ")}`;
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      show(error, "");
      // the paste's own line numbers, blank lines skipped, so "line 7" is line 7 of the box
      const numbered = $("addresses").value.split(/\r?\n/).map((line, i) => [i + 1, line.trim()]).filter(([, line]) => line);
      const lines = numbered.map(([, line]) => line);
      if (!lines.length) return show(error, T.empty_paste);
      if (lines.length > MAX_BATCH) return show(error, fmt(T.too_many_lines, { max: MAX_BATCH, count: lines.length }));
      const policy = $("policy").value;
      const size = new TextEncoder().encode(JSON.stringify({ addresses: lines, policy })).length;
      if (size > MAX_BODY) return show(error, fmt(T.too_large_paste, { size: bytes(size), max: bytes(MAX_BODY) }));
      button.disabled = true;
      show(summary, T.checking);
      const started = performance.now();
      try {
        const data = await api("POST", "/v1/addresses/validate-batch", { json: { addresses: lines, policy } });
        summary.dataset.apiMs = String(Math.round(performance.now() - started));
        shown = data.results;
        lineNumbers = numbered.map(([n]) => n);
        results.innerHTML = `<div class="results">${shown.map(resultHtml).join("")}</div>`;
        // measured once the browser has laid the results out and is about to paint them
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
        const ms = Math.round(performance.now() - started);
        summary.dataset.ms = String(ms);
        summarize();
      } catch (failure) {
        show(summary, "");
        show(error, explain(failure));
      } finally {
        button.disabled = false;
      }
    });

    results.addEventListener("click", (event) => {
      const target = event.target;
      const article = target.closest("article.result");
      if (!article) return;
      const index = Number(article.dataset.index);
      if (target.classList.contains("copy")) copyText(shown[index].normalized, target);
      if (target.classList.contains("fix")) {
        const open = article.querySelector(".picker");
        if (open) {
          open.remove();
          target.setAttribute("aria-expanded", "false");
        } else {
          target.setAttribute("aria-expanded", "true");
          openPicker(article, shown[index], whenFixed(article, index));
        }
      }
    });

    // A re-checked address replaces its card; until it is ok the picker stays open on the new result.
    function whenFixed(article, index, original = shown[index].input) {
      return (fixed) => {
        shown[index] = fixed;
        summarize();
        const wrapper = document.createElement("div");
        wrapper.innerHTML = resultHtml(fixed, index);
        const replacement = wrapper.firstElementChild;
        article.replaceWith(replacement);
        if (fixed.status === "ok") {
          const note = document.createElement("p");
          note.className = "notice fixed";
          note.setAttribute("role", "status");
          note.textContent = T.fixed_ok;
          const was = document.createElement("span");
          was.className = "muted was";
          was.textContent = ` ${fmt(T.fixed_from, { input: plain(original) })}`;
          note.append(was);
          replacement.append(note);
          replacement.querySelector(".copy")?.focus();
        } else {
          replacement.querySelector(".fix").setAttribute("aria-expanded", "true");
          openPicker(replacement, fixed, whenFixed(replacement, index, original));
        }
      };
    }
  }

  const divisionCache = new Map();
  async function children(parent) {
    const key = parent || "";
    if (!divisionCache.has(key)) {
      const url = parent ? `/v1/divisions?parent=${encodeURIComponent(parent)}` : "/v1/divisions";
      divisionCache.set(key, api("GET", url).then((data) => data.children));
    }
    return divisionCache.get(key);
  }

  function streetPart(result) {
    // The input without the divisions the parser found in it: what is left is the street address.
    const text = Array.from(result.input);
    const drop = new Set();
    for (const name of ADMIN) {
      const span = result.components[name] && result.components[name].span;
      if (span) for (let i = span[0]; i < span[1]; i += 1) drop.add(i);
    }
    return text.filter((_, i) => !drop.has(i)).join("").trim();
  }

  function codesOf(result) {
    return ADMIN.map((name) => result.components[name] && result.components[name].code).filter(Boolean);
  }

  function codesOfCandidate(code) {
    // the code carries the hierarchy: province code[:2], city code[:4], county code[:6], township code
    const chain = [code.slice(0, 2), code.slice(0, 4), code.slice(0, 6)];
    if (code.length > 6) chain.push(code);
    return chain;
  }

  let pickerCount = 0;
  function openPicker(article, result, onFixed) {
    pickerCount += 1;
    const id = `picker-${pickerCount}`;
    const policy = $("policy").value;
    const box = document.createElement("div");
    box.className = "picker";
    const candidates = result.candidates.length
      ? `<div class="cands"><span>${esc(T.candidates)}</span>${result.candidates.map((c, i) => `<button type="button" class="cand" data-i="${i}">${esc(c.normalized)}</button>`).join("")}</div>`
      : "";
    box.innerHTML = `<fieldset><legend class="muted">${esc(T.fix_title)}</legend>${candidates}<div class="levels"></div>
<label for="${id}-street">${esc(T.street)}</label><input id="${id}-street" class="street" autocomplete="off">
<div class="row"><button type="button" class="recheck">${esc(T.recheck)}</button></div><p class="error" role="alert" hidden></p></fieldset>`;
    article.append(box);
    const levels = box.querySelector(".levels");
    const street = box.querySelector(".street");
    const error = box.querySelector(".error");
    street.value = streetPart(result);
    // the picker is not a form of its own: Enter in the street field re-checks, as Enter submits a form
    // elsewhere; not while an input method is still composing (Enter then only commits the pinyin)
    street.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;
      event.preventDefault();
      box.querySelector(".recheck").click();
    });

    async function addLevel(parent, depth, wanted) {
      let options;
      try {
        options = await children(parent);
      } catch (failure) {
        return show(error, explain(failure));
      }
      while (levels.children.length > depth) levels.lastElementChild.remove();
      const wrap = document.createElement("span");
      const selectId = `${id}-l${depth}`;
      const level = options.length ? options[0].level : "village";
      wrap.innerHTML = `<label for="${selectId}">${esc(T[`level_${level}`] || level)}</label><select id="${selectId}" data-depth="${depth}"></select>`;
      const select = wrap.querySelector("select");
      if (!options.length) {
        select.innerHTML = `<option value="">${esc(T.no_village_data)}</option>`;
        select.disabled = true;
        levels.append(wrap);
        return;
      }
      select.innerHTML = `<option value="">${esc(T.choose)}</option>${options.map((o) => `<option value="${esc(o.code)}">${esc(o.name)}</option>`).join("")}`;
      levels.append(wrap);
      const next = wanted[0] && options.find((o) => o.code === wanted[0]) ? wanted[0] : options.length === 1 ? options[0].code : "";
      if (next) {
        select.value = next;
        await addLevel(next, depth + 1, wanted.slice(1));
      }
    }

    levels.addEventListener("change", (event) => {
      const select = event.target;
      const depth = Number(select.dataset.depth);
      while (levels.children.length > depth + 1) levels.lastElementChild.remove();
      if (select.value) addLevel(select.value, depth + 1, []);
    });
    box.querySelectorAll(".cand").forEach((button) =>
      button.addEventListener("click", async () => {
        const candidate = result.candidates[Number(button.dataset.i)];
        while (levels.children.length) levels.lastElementChild.remove();
        await addLevel(null, 0, codesOfCandidate(candidate.code));
        levels.querySelector("select:not([disabled])")?.focus();
      }),
    );
    box.querySelector(".recheck").addEventListener("click", async () => {
      show(error, "");
      const names = [];
      for (const select of levels.querySelectorAll("select")) {
        if (!select.value) break;
        const name = select.selectedOptions[0].textContent;
        if (names[names.length - 1] !== name) names.push(name); // 北京市 is the province and the city
      }
      const address = names.join("") + street.value.trim();
      if (!address) return show(error, T.empty_paste);
      try {
        onFixed(await api("POST", "/v1/addresses/validate", { json: { address, policy } }));
      } catch (failure) {
        show(error, explain(failure));
      }
    });
    const wanted = result.candidates.length === 1 ? codesOfCandidate(result.candidates[0].code) : codesOf(result);
    // the focus goes where the clerk has something to do: the candidates when there are several, else
    // the first level still to choose (not the province the address already named)
    addLevel(null, 0, wanted).then(() => {
      const open = Array.from(levels.querySelectorAll("select:not([disabled])")).find((select) => !select.value);
      (result.candidates.length > 1 ? box.querySelector(".cand") : open || levels.querySelector("select"))?.focus();
    });
  }

  // ---- audits -------------------------------------------------------------------------------------
  const AUDIT_TYPES = [".csv", ".tsv", ".tab", ".txt", ".xlsx", ".jsonl", ".ndjson", ".parquet", ".pq"];
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function initAudits() {
    const form = $("audit-form");
    const error = $("audit-error");
    const button = $("audit-upload");

    async function list() {
      let data;
      try {
        data = await api("GET", "/v1/audits");
      } catch (failure) {
        if (failure.status === 404 || failure.status === 405) {
          show(error, T.audits_unavailable);
          button.disabled = true;
          return;
        }
        return show(error, explain(failure));
      }
      const rows = data.audits.map((job) => {
        const links = job.status === "done"
          ? `<a href="/v1/audits/${esc(job.id)}/result" download>${esc(T.download)}</a> · <a href="/v1/audits/${esc(job.id)}/report" target="_blank" rel="noopener">${esc(T.report)}</a>`
          : job.status === "failed" ? esc(jobError(job)) : "";
        return `<tr data-id="${esc(job.id)}"><td>${esc(job.filename)}</td><td>${esc(T[`audit_status_${job.status}`] || job.status)}</td><td>${esc(job.rows_done)}${job.rows_total != null ? ` / ${esc(job.rows_total)}` : ""}</td><td>${esc((job.created_at || "").slice(0, 19).replace("T", " "))}</td><td>${links}</td></tr>`;
      });
      $("audit-list").tBodies[0].innerHTML = rows.join("");
      labelCells();
      $("audit-empty").hidden = rows.length > 0;
    }

    function jobError(job) {
      if (!job.error) return "";
      const ours = T[`err_${job.error.code}`];
      return ours ? withDetail(ours, job.error.message) : job.error.message;
    }

    function progress(job) {
      const bar = $("audit-bar");
      if (job.rows_total) {
        bar.max = job.rows_total;
        bar.value = job.rows_done;
      } else if (job.status === "done") {
        bar.max = 1; // a file with no data rows is done too: a full bar, not one still moving
        bar.value = 1;
      } else {
        bar.removeAttribute("value"); // indeterminate until the total is known
      }
      const eta = job.eta_seconds != null ? fmt(T.seconds, { n: Math.ceil(job.eta_seconds) }) : "—";
      const rate = job.rate != null ? Math.round(job.rate) : "—";
      let text = fmt(T.progress, { done: job.rows_done ?? 0, total: job.rows_total ?? "?", rate, eta });
      if (job.status === "done") text = `${T.audit_done} ${fmt(T.progress_done, { done: job.rows_done, total: job.rows_total ?? job.rows_done, rate })}`;
      if (job.status === "failed") text = fmt(T.audit_failed, { error: jobError(job) });
      if (job.format) {
        const column = job.column ? ` · ${fmt(T.audit_column, { column: job.column })}` : "";
        $("audit-name").textContent = `${job.filename} (${job.format.toUpperCase()}, ${job.encoding || "—"}${column})`;
      }
      $("audit-status").textContent = text;
      $("audit-status").dataset.status = job.status;
    }

    // The column field offers the file's own column names (CSV/TSV header, JSONL keys); left empty,
    // the server detects the address column as the CLI does.
    async function offerColumns() {
      const list = $("audit-columns");
      list.innerHTML = "";
      const file = $("audit-file").files[0];
      if (!file || !/\.(csv|tsv|tab|txt|jsonl|ndjson)$/i.test(file.name)) return;
      const head = new Uint8Array(await file.slice(0, 65536).arrayBuffer());
      let text;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, head.lastIndexOf(10) + 1 || head.length));
      } catch (exc) {
        text = new TextDecoder("gbk").decode(head);
      }
      const first = text.replace(/^\uFEFF/, "").split(/\r?\n/)[0] || "";
      let names = [];
      if (/\.(jsonl|ndjson)$/i.test(file.name)) {
        try {
          names = Object.keys(JSON.parse(first));
        } catch (exc) {
          names = [];
        }
      } else {
        const tab = /\.(tsv|tab)$/i.test(file.name) || (first.includes("\t") && !first.includes(","));
        names = first.split(tab ? "\t" : ",").map((name) => name.trim().replace(/^"|"$/g, ""));
      }
      list.innerHTML = names.filter(Boolean).map((name) => `<option value="${esc(name)}"></option>`).join("");
    }
    $("audit-file").addEventListener("change", () => offerColumns().catch(() => {}));

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      show(error, "");
      const file = $("audit-file").files[0];
      if (!file) return show(error, T.no_file);
      const name = file.name.toLowerCase();
      if (!AUDIT_TYPES.some((ext) => name.endsWith(ext))) return show(error, fmt(T.wrong_type, { name: file.name }));
      const data = new FormData();
      data.append("file", file, file.name);
      if ($("audit-column").value.trim()) data.append("column", $("audit-column").value.trim());
      data.append("policy", $("audit-policy").value);
      button.disabled = true;
      $("audit-progress").hidden = false;
      $("audit-links").hidden = true;
      $("audit-name").textContent = file.name;
      $("audit-status").textContent = T.uploading;
      $("audit-status").dataset.status = "uploading";
      $("audit-bar").removeAttribute("value");
      try {
        let job = await api("POST", "/v1/audits", { form: data });
        progress(job);
        while (job.status === "queued" || job.status === "running") {
          await sleep(400);
          job = await api("GET", `/v1/audits/${encodeURIComponent(job.id)}`);
          progress(job);
        }
        if (job.status === "done") {
          $("audit-download").href = `/v1/audits/${encodeURIComponent(job.id)}/result`;
          $("audit-report").href = `/v1/audits/${encodeURIComponent(job.id)}/report`;
          $("audit-links").hidden = false;
        }
      } catch (failure) {
        $("audit-progress").hidden = true;
        show(error, explain(failure)); // the file and the choices stay in the form: upload again
      } finally {
        button.disabled = false;
        list();
      }
    });
    list();
  }

  // ---- warehouses -----------------------------------------------------------------------------------
  function initWarehouses() {
    const text = $("config-text");
    const gutter = $("config-gutter");
    const problemsBox = $("config-problems");
    let badLines = new Set(Array.from(problemsBox.querySelectorAll("li[data-line]")).map((li) => Number(li.dataset.line)).filter(Boolean));

    function drawGutter() {
      const count = text.value.split("\n").length;
      let html = "";
      for (let n = 1; n <= count; n += 1) html += `<span${badLines.has(n) ? ' class="bad"' : ""}>${n}</span>`;
      gutter.innerHTML = html;
      gutter.scrollTop = text.scrollTop;
    }
    function scrollToLine(line) {
      const height = parseFloat(getComputedStyle(text).lineHeight) || 20;
      text.scrollTop = Math.max(0, (line - 4) * height);
      gutter.scrollTop = text.scrollTop;
    }
    function gotoLine(line) {
      const lines = text.value.split("\n");
      const start = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
      text.focus();
      text.setSelectionRange(start, start + (lines[line - 1] || "").length);
      scrollToLine(line);
    }
    text.addEventListener("input", drawGutter);
    text.addEventListener("scroll", () => {
      gutter.scrollTop = text.scrollTop;
    });
    problemsBox.addEventListener("click", (event) => {
      if (event.target.classList.contains("goto")) gotoLine(Number(event.target.dataset.line));
    });
    drawGutter();
    if (badLines.size) scrollToLine(Math.min(...badLines));

    // An edited, unsaved file is lost to a click on the navigation: the browser asks first. Not after
    // a save, nor on the language switch, which carries the text over.
    let saved = false;
    window.addEventListener("beforeunload", (event) => {
      if (saved || switchingLanguage || text.value === text.defaultValue) return;
      event.preventDefault();
      event.returnValue = "";
    });

    $("config-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = $("config-save");
      button.disabled = true;
      $("config-status").textContent = T.saving;
      try {
        await api("PUT", "/v1/warehouses", { json: { format: $("config-format").value, content: text.value } });
        saved = true;
        window.location.assign("/console/warehouses?saved=1");
      } catch (failure) {
        $("config-status").textContent = "";
        const problems = failure.code === "CONFIG_INVALID" && Array.isArray(failure.detail)
          ? failure.detail.map((p) => (typeof p === "string" ? { message: p, line: null } : p))
          : [{ message: explain(failure), line: null }];
        badLines = new Set(problems.map((p) => p.line).filter(Boolean));
        problemsBox.innerHTML = `<p class="error">${esc(fmt(T.config_problems, { count: problems.length }))}</p><ul class="problems">${problems
          .map((p) => `<li data-line="${p.line || ""}">${p.line ? `<button type="button" class="link goto" data-line="${p.line}">${esc(fmt(T.at_line, { line: p.line }))}</button> ` : ""}${esc(p.message)}</li>`)
          .join("")}</ul>`;
        problemsBox.hidden = false;
        drawGutter();
        if (badLines.size) scrollToLine(Math.min(...badLines));
        problemsBox.querySelector(".goto")?.focus();
      } finally {
        button.disabled = false;
      }
    });

    const routeError = $("route-error");
    function order() {
      const items = [];
      const lines = $("route-items").value.split(/\r?\n/);
      for (let i = 0; i < lines.length; i += 1) {
        if (!lines[i].trim()) continue;
        const [sku, qty, category] = lines[i].split(/[,，\t]/).map((part) => part.trim());
        const count = qty ? Number(qty) : 1;
        if (!sku || !Number.isInteger(count) || count < 1) throw new Error(fmt(T.bad_item_line, { n: i + 1 }));
        items.push(category ? { sku, qty: count, category } : { sku, qty: count });
      }
      if (!items.length) throw new Error(T.no_items);
      const body = { shop: $("route-shop").value.trim(), items };
      const buyer = $("route-buyer").value.trim();
      if (buyer) body.buyer_address = buyer;
      return body;
    }
    function drawPlan(plan, note) {
      const items = plan.items.map((i) => `<tr><td><code>${esc(i.sku)}</code></td><td>${esc(i.qty)}</td><td>${esc(i.category || "")}</td><td>${esc(i.warehouse_id)}</td><td><code>${esc(i.rule_id)}</code></td><td>${esc(i.explanation)}</td></tr>`);
      const shipments = plan.shipments.map((s) => `<tr><td>${s.index + 1}</td><td>${esc(s.warehouse_name)} <code>${esc(s.warehouse_id)}</code></td><td>${esc(s.return_address)}</td><td>${esc(s.contact_name)}</td><td>${esc(s.phone)}</td></tr>`);
      $("route-result").innerHTML = `${note}<div class="scroll"><table id="route-items-table"><thead><tr><th>${esc(T.col_sku)}</th><th>${esc(T.col_qty)}</th><th>${esc(T.col_category)}</th><th>${esc(T.col_warehouse)}</th><th>${esc(T.col_rule)}</th><th>${esc(T.col_why)}</th></tr></thead><tbody>${items.join("")}</tbody></table></div>
<h3>${esc(T.shipments)}</h3><div class="scroll"><table><thead><tr><th>${esc(T.col_shipment)}</th><th>${esc(T.col_warehouse)}</th><th>${esc(T.col_address)}</th><th>${esc(T.col_contact)}</th><th>${esc(T.col_phone)}</th></tr></thead><tbody>${shipments.join("")}</tbody></table></div>`;
      labelCells();
    }
    async function route(record) {
      show(routeError, "");
      $("route-result").innerHTML = ""; // an earlier plan under a new error would pass for this order's
      // the record button is not the form's submit button: ask the form's own checks (shop) here too
      if (!$("route-form").reportValidity()) return;
      let body;
      try {
        body = order();
      } catch (exc) {
        return show(routeError, exc.message);
      }
      try {
        if (record) {
          const field = $("route-order-id");
          const orderId = field.value.trim();
          // the API's own rule for an order id (ORDER_ID_PATTERN), said in words before sending
          const fits = new RegExp(`^(?:${field.dataset.pattern})$`).test(orderId) && orderId.length <= field.maxLength;
          const problem = !orderId ? T.order_id_needed : fits ? "" : fmt(T.order_id_invalid, { max: field.maxLength });
          if (problem) {
            field.focus();
            return show(routeError, problem);
          }
          const outcome = await api("POST", "/v1/orders/return-address", { json: { ...body, order_id: orderId } });
          const link = `/console/orders?order_id=${encodeURIComponent(orderId)}`;
          drawPlan(outcome.decision, `<p class="notice" role="status">${esc(fmt(T.recorded, { id: orderId }))} <a id="proof-link" href="${link}">${esc(T.open_proof)}</a></p>`);
        } else {
          drawPlan(await api("POST", "/v1/warehouses/route-test", { json: body }), `<p class="muted" role="status">${esc(T.not_recorded)}</p>`);
        }
      } catch (failure) {
        show(routeError, explain(failure));
      }
    }
    $("route-form").addEventListener("submit", (event) => {
      event.preventDefault();
      route(false);
    });
    $("route-record").addEventListener("click", () => route(true));
  }

  // ---- the language switch reloads the page: what the clerk typed comes along ----------------------
  // Kept in this tab's sessionStorage for the one reload and removed as soon as it is put back; never
  // a password (the API key) or a file.
  const KEEP = `addrcheck-keep:${page}`;
  const keptFields = () =>
    Array.from(document.querySelectorAll("main textarea[id], main select[id], main input[id]")).filter(
      (field) => !["password", "hidden", "file", "checkbox", "radio", "submit", "button"].includes(field.type),
    );
  $("lang-switch")?.addEventListener("click", () => {
    switchingLanguage = true;
    const values = Object.fromEntries(keptFields().map((field) => [field.id, field.value]));
    try {
      sessionStorage.setItem(KEEP, JSON.stringify({ at: Date.now(), values }));
    } catch (exc) {
      // storage refused (private mode, quota): the switch still works, the fields start as served
    }
  });
  try {
    const kept = JSON.parse(sessionStorage.getItem(KEEP) || "null");
    sessionStorage.removeItem(KEEP);
    if (kept && Date.now() - kept.at < 10 * 60 * 1000) {
      for (const field of keptFields()) if (field.id in kept.values) field.value = kept.values[field.id];
    }
  } catch (exc) {
    // nothing kept, or storage unavailable
  }

  labelCells();
  if (page === "check") initCheck();
  if (page === "audits") initAudits();
  if (page === "warehouses") initWarehouses();
})();
