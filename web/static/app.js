// Peyk agent UI: keyboard shortcuts, live updates over Server-Sent Events,
// and small helpers for the forms. Plain JavaScript, no build step; the
// Content-Security-Policy allows only this file, so nothing is inline.
"use strict";

(function () {
  const body = document.body;
  const page = body.dataset.page;
  const conversation = body.dataset.conversation || "";
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // --- selection in lists (inbox rows, contact rows) -------------------
  function rows() {
    return Array.from(document.querySelectorAll(".rows .row"));
  }
  function selected() {
    return document.querySelector(".rows .row.selected");
  }
  function select(row) {
    const old = selected();
    if (old) old.classList.remove("selected");
    if (!row) return;
    row.classList.add("selected");
    row.scrollIntoView({ block: "nearest" });
  }
  function move(step) {
    const all = rows();
    if (all.length === 0) return;
    const i = all.indexOf(selected());
    select(all[Math.max(0, Math.min(all.length - 1, i < 0 ? 0 : i + step))]);
  }

  // The inbox remembers its order so j/k on a conversation go to the
  // neighbour in the list the agent came from.
  function rememberOrder() {
    const ids = rows().map((r) => r.dataset.conversation).filter(Boolean);
    if (ids.length) sessionStorage.setItem("peyk.order", JSON.stringify(ids));
  }
  function neighbour(step) {
    let ids = [];
    try { ids = JSON.parse(sessionStorage.getItem("peyk.order") || "[]"); } catch (e) { ids = []; }
    const i = ids.indexOf(conversation);
    if (i < 0) return;
    const next = ids[i + step];
    if (next) location.href = "/conversations/" + encodeURIComponent(next);
  }

  // --- keyboard shortcuts ----------------------------------------------
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  // focus moves to a text box after the key that asked for it is done,
  // so the key itself is not typed into the box.
  function focus(id) {
    const el = document.getElementById(id);
    if (!el) return;
    setTimeout(function () { el.focus(); el.scrollIntoView({ block: "center" }); }, 0);
  }
  function help() {
    const d = document.getElementById("help");
    if (d && !d.open) d.showModal();
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (typing(ev.target)) {
      if (ev.key === "Escape") ev.target.blur();
      return;
    }
    const onConversation = page === "conversation";
    switch (ev.key) {
      case "j": onConversation ? neighbour(1) : move(1); break;
      case "k": onConversation ? neighbour(-1) : move(-1); break;
      case "o": case "Enter": {
        const row = selected();
        const a = row && row.querySelector("a");
        if (!a) return;
        location.href = a.href;
        break;
      }
      case "r": focus("reply-text"); break;
      case "n": focus("note-text"); break;
      case "e": {
        const b = document.getElementById("resolve");
        if (!b) return;
        b.click();
        break;
      }
      case "/": focus("search"); break;
      case "?": help(); break;
      default: return;
    }
    ev.preventDefault();
  });

  // --- buttons that need script ----------------------------------------
  document.addEventListener("click", function (ev) {
    const el = ev.target.closest("[data-action]");
    if (!el) return;
    if (el.dataset.action === "help") help();
    if (el.dataset.action === "insert-canned") { ev.preventDefault(); insertCanned(); }
  });
  // Without script the canned response's button reloads the page with
  // ?canned=ID, which fills the reply box; with it the text goes in at the
  // cursor and what was typed stays.
  function insertCanned() {
    const pick = document.getElementById("canned");
    const box = document.getElementById("reply-text");
    const opt = pick && pick.selectedOptions[0];
    if (!box || !opt || !opt.value) return;
    const text = opt.dataset.text || "";
    const at = box.selectionStart || 0, end = box.selectionEnd || 0;
    box.value = box.value.slice(0, at) + text + box.value.slice(end);
    box.focus();
    box.selectionStart = box.selectionEnd = at + text.length;
  }

  // --- template editor: the preview follows what is typed ---------------
  const tplForm = document.getElementById("template-form");
  if (tplForm && tplForm.dataset.preview) {
    let timer = 0, asked = 0;
    tplForm.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        const mine = ++asked; // only the latest answer is drawn
        fetch(tplForm.dataset.preview, { method: "POST", credentials: "same-origin",
          headers: { "X-CSRF-Token": csrf }, body: new URLSearchParams(new FormData(tplForm)) })
          .then(function (res) {
            if (res.status === 401 || res.redirected) { location.reload(); return null; } // signed out
            return res.ok ? res.text() : null;
          })
          .then(function (html) {
            const box = document.getElementById("template-preview");
            if (html !== null && box && mine === asked) { box.innerHTML = html; box.dataset.updated = String(Date.now()); }
          })
          .catch(function () {});
      }, 250);
    });
  }

  // --- live updates -----------------------------------------------------
  // A fragment box (data-fragment="url") is refreshed from its URL, which
  // answers with the box's inner HTML rendered by the server.
  const pending = new Map();
  function refresh(box) {
    if (!box || pending.has(box)) return;
    // Coalesce bursts of events into one fetch.
    pending.set(box, setTimeout(function () {
      pending.delete(box);
      const before = new Set(Array.from(box.querySelectorAll("[data-message]")).map((e) => e.dataset.message));
      const keep = selected() && selected().dataset.conversation;
      fetch(box.dataset.fragment, { credentials: "same-origin", headers: { "X-CSRF-Token": csrf, Accept: "text/html" } })
        .then(function (res) {
          if (res.status === 401 || res.redirected) { location.reload(); return null; }
          return res.ok ? res.text() : null;
        })
        .then(function (html) {
          if (html === null) return;
          box.innerHTML = html;
          box.querySelectorAll("[data-message]").forEach(function (e) {
            if (before.size && !before.has(e.dataset.message)) e.classList.add("fresh");
          });
          if (keep) select(document.querySelector('.rows .row[data-conversation="' + CSS.escape(keep) + '"]'));
          if (page === "inbox") rememberOrder();
          announce();
        })
        .catch(function () {});
    }, 150));
  }
  function announce() {
    const live = document.getElementById("live");
    if (!live) return;
    live.hidden = false;
    clearTimeout(announce.t);
    announce.t = setTimeout(function () { live.hidden = true; }, 2500);
  }
  function listen() {
    if (!window.EventSource) return;
    const timeline = document.querySelector("#timeline-box[data-fragment]");
    const list = document.getElementById("inbox-list");
    if (!timeline && !list) return;
    const es = new EventSource("/events");
    es.onmessage = function (e) {
      let ev;
      try { ev = JSON.parse(e.data); } catch (err) { return; }
      if (ev.type === "resync") { refresh(timeline); refresh(list); return; }
      if (timeline && String(ev.conversation_id) === conversation && /^message\./.test(ev.type)) refresh(timeline);
      if (list) refresh(list);
    };
    // EventSource reconnects by itself; after a reconnect events may have
    // been missed, so reload what is shown.
    es.onopen = function () {
      if (listen.opened) { refresh(timeline); refresh(list); }
      listen.opened = true;
      body.dataset.live = "on";
    };
    es.onerror = function () { body.dataset.live = "off"; };
  }

  // --- copy buttons (a channel's webhook URL) --------------------------
  document.addEventListener("click", function (e) {
    const b = e.target.closest("[data-copy]");
    if (!b || !navigator.clipboard) return;
    navigator.clipboard.writeText(b.dataset.copy).then(function () { b.dataset.copied = "1"; });
  });

  if (page === "inbox") rememberOrder();
  listen();
  body.dataset.ready = "1";
})();
