// The hall display board: reads /board/state, then follows the public event stream.
// Reconnects by itself (EventSource retries; when the browser gives up, we start again after a
// backoff with a fresh state). Spoken calls go through one queue: the next utterance starts
// only when the previous one ended, so one call never cuts off another.
// Every text comes from the hall's i18n (board.* keys), injected into the page as JSON by
// GET /board?lang=… (zh-CN by default); {placeholders} are filled in here.
"use strict";
(function () {
  const injected = JSON.parse(document.getElementById("board-texts").textContent);
  const texts = injected.texts;
  function T(name, values) {
    const template = texts[name];
    if (template === undefined) return name;
    return template.replace(/\{(\w+)\}/g, (whole, key) =>
      values && key in values ? String(values[key]) : whole);
  }
  const RECENT = 8;
  const RESYNC_MS = 60000;
  const board = {
    lastId: null,
    names: new Map(),     // category prefix -> name
    waiting: new Map(),   // prefix -> count
    windows: new Map(),   // number -> {number, name, paused, called}
    recent: [],           // [{number, window_no}]
    connected: false,
    source: null,
    backoff: 500,
    calls: 0,
  };
  window.board = board;
  board.lang = injected.lang;
  board.texts = texts;
  // The hall's clock, not this screen's: its zone, and how far this machine's clock is off the
  // hall's (from /board/state's `now`).
  board.zone = injected.zone || undefined;
  board.skew = 0;

  const $ = (id) => document.getElementById(id);

  // ---- speech: a queue, one utterance at a time ------------------------------------------
  const speech = { enabled: false, queue: [], speaking: false, spoken: [], token: 0 };
  board.speech = speech;

  function spoken(number, windowNo) {
    // "A012" read as "A 0 1 2": numbers on a board are read digit by digit
    return T("spoken", { number: String(number).split("").join(" "), window: windowNo });
  }

  function say(text) {
    if (!speech.enabled || !("speechSynthesis" in window)) return;
    speech.queue.push(text);
    if (!speech.speaking) speakNext();
  }

  function speakNext() {
    const text = speech.queue.shift();
    if (text === undefined) { speech.speaking = false; return; }
    speech.speaking = true;
    const token = ++speech.token;
    let finished = false;
    const done = () => {
      if (finished || token !== speech.token) return;
      finished = true;
      speakNext();
    };
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = T("speech_lang");
    utterance.rate = 0.9;
    utterance.onend = done;
    utterance.onerror = done;
    speech.spoken.push(text);
    window.speechSynthesis.speak(utterance);
    // a browser that never reports the end must not stop the queue for ever
    setTimeout(done, Math.max(6000, text.length * 600));
  }

  $("voice").addEventListener("click", () => {
    speech.enabled = !speech.enabled;
    $("voice").setAttribute("aria-pressed", String(speech.enabled));
    $("voice").textContent = T(speech.enabled ? "voice_on" : "voice_off");
    if (speech.enabled) say(T("voice_started"));
  });

  // ---- drawing ----------------------------------------------------------------------------
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function drawNow(number, windowNo) {
    const now = $("now-text");
    now.className = "";
    // The template's words around {number} and {window}, with those two in large type.
    const parts = [];
    const template = texts.now;
    const slot = /\{(number|window)\}/g;
    let at = 0;
    let found;
    while ((found = slot.exec(template)) !== null) {
      if (found.index > at) parts.push(document.createTextNode(template.slice(at, found.index)));
      parts.push(found[1] === "number" ? el("span", "num", number)
        : el("span", "win", String(windowNo)));
      at = slot.lastIndex;
    }
    if (at < template.length) parts.push(document.createTextNode(template.slice(at)));
    now.replaceChildren(...parts);
    void now.offsetWidth; // restart the flash
    now.classList.add("flash");
  }

  function drawWindows(fresh) {
    const box = $("windows");
    const cards = [];
    for (const w of [...board.windows.values()].sort((a, b) => a.number - b.number)) {
      const card = el("div", "window");
      card.dataset.window = w.number;
      card.append(el("span", "no", T("window", { window: w.number })));
      if (w.paused) {
        card.classList.add("paused");
        card.append(el("span", "called", T("paused")));
      } else if (w.called) {
        card.append(el("span", "called", w.called));
      } else {
        card.classList.add("idle");
        card.append(el("span", "called", "—"));
      }
      if (fresh === w.number) card.classList.add("fresh");
      cards.push(card);
    }
    box.replaceChildren(...cards);
  }

  function drawRecent() {
    $("recent").replaceChildren(...board.recent.map((r) => {
      const li = el("li");
      li.append(el("span", "what", r.number),
        el("span", "where", T("window", { window: r.window_no })));
      return li;
    }));
  }

  function drawWaiting() {
    const parts = [];
    for (const [prefix, name] of board.names) {
      const item = el("span", "cat", prefix + " " + name);
      item.dataset.category = prefix;
      item.append(el("b", "", T("waiting", { count: board.waiting.get(prefix) || 0 })));
      parts.push(item);
    }
    $("waiting").replaceChildren(...parts);
  }

  function drawLink() {
    const link = $("link");
    link.className = board.connected ? "up" : "down";
    link.textContent = T(board.connected ? "link_up" : "link_down");
  }

  function hallParts(moment) {
    // the wall clock of the hall's zone (Intl), whatever the zone of the machine showing it
    try {
      const format = new Intl.DateTimeFormat("en-US", {
        timeZone: board.zone, hourCycle: "h23", year: "numeric", month: "numeric",
        day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
      const parts = {};
      for (const p of format.formatToParts(moment)) parts[p.type] = p.value;
      return parts;
    } catch (err) {  // an unknown zone: this machine's own clock rather than none
      const pad = (n) => String(n).padStart(2, "0");
      return { year: moment.getFullYear(), month: moment.getMonth() + 1, day: moment.getDate(),
        hour: pad(moment.getHours()), minute: pad(moment.getMinutes()),
        second: pad(moment.getSeconds()) };
    }
  }

  function tick() {
    const p = hallParts(new Date(Date.now() + board.skew));
    $("clock").textContent = T("clock", {
      year: p.year, month: Number(p.month), day: Number(p.day),
      time: p.hour + ":" + p.minute + ":" + p.second });
  }

  // ---- state ------------------------------------------------------------------------------
  async function loadState() {
    const answer = await fetch("/board/state", { cache: "no-store" });
    if (!answer.ok) throw new Error("state " + answer.status);
    const s = await answer.json();
    $("hall").textContent = s.hall;
    if (s.zone) board.zone = s.zone;
    const hallNow = Date.parse(s.now);
    if (!Number.isNaN(hallNow)) { board.skew = hallNow - Date.now(); tick(); }
    board.names = new Map(s.waiting.map((c) => [c.prefix, c.name]));
    board.waiting = new Map(s.waiting.map((c) => [c.prefix, c.count]));
    board.windows = new Map(s.windows.map((w) => [w.number, {
      number: w.number, name: w.name, paused: w.paused, called: w.called }]));
    if (board.lastId === null || s.recent.length) {
      board.recent = s.recent.slice().reverse().slice(0, RECENT);
    }
    if (board.lastId === null) board.lastId = s.last_event_id;
    drawWindows(null); drawRecent(); drawWaiting();
  }

  function windowOf(number) {
    let w = board.windows.get(number);
    if (!w) { w = { number: number, name: "", paused: false, called: null }; board.windows.set(number, w); }
    return w;
  }

  const handlers = {
    "ticket.called": (d) => call(d, false),
    "ticket.recalled": (d) => call(d, true),
    "ticket.done": (d) => clear(d),
    "ticket.no_show": (d) => clear(d),
    "window.paused": (d) => { windowOf(d.window_no).paused = true; drawWindows(null); },
    "window.resumed": (d) => { windowOf(d.window_no).paused = false; drawWindows(null); },
    "queue.changed": (d) => {
      for (const [prefix, count] of Object.entries(d.waiting || {})) board.waiting.set(prefix, count);
      for (const prefix of board.waiting.keys()) {
        if (!(prefix in (d.waiting || {}))) board.waiting.set(prefix, 0);
      }
      drawWaiting();
    },
  };

  function call(d, again) {
    if (d.window_no == null) return;
    board.calls += 1;
    windowOf(d.window_no).called = d.number;
    board.recent = [{ number: d.number, window_no: d.window_no },
      ...board.recent.filter((r) => !(r.number === d.number && r.window_no === d.window_no))
    ].slice(0, RECENT);
    drawNow(d.number, d.window_no);
    drawWindows(d.window_no);
    drawRecent();
    say(spoken(d.number, d.window_no) + (again ? T("spoken_again") : ""));
  }

  function clear(d) {
    const w = board.windows.get(d.window_no);
    if (w && w.called === d.number) { w.called = null; drawWindows(null); }
  }

  // ---- the stream -------------------------------------------------------------------------
  function connect() {
    const from = board.lastId === null ? "" : "&last_event_id=" + board.lastId;
    const source = new EventSource("/api/v1/events?public=1" + from);
    board.source = source;
    source.onopen = () => { board.connected = true; board.backoff = 500; drawLink(); };
    for (const [type, handle] of Object.entries(handlers)) {
      source.addEventListener(type, (e) => {
        if (e.lastEventId) board.lastId = Number(e.lastEventId);
        try { handle(JSON.parse(e.data)); } catch (err) { console.error(type, err); }
      });
    }
    source.onerror = () => {
      board.connected = false;
      drawLink();
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        const wait = board.backoff;
        board.backoff = Math.min(board.backoff * 2, 10000);
        setTimeout(start, wait);
      }
    };
  }

  async function start() {
    try {
      await loadState();
    } catch (err) {
      board.connected = false;
      drawLink();
      const wait = board.backoff;
      board.backoff = Math.min(board.backoff * 2, 10000);
      setTimeout(start, wait);
      return;
    }
    connect();
  }

  async function resync() {
    // counts and windows from the hall now and then, in case anything was missed
    if (!board.connected) return;
    try { await loadState(); } catch (err) { /* the stream's own retry takes over */ }
  }

  tick();
  setInterval(tick, 1000);
  setInterval(resync, RESYNC_MS);
  drawLink();
  start();
})();
