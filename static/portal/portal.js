// The portal's few behaviours: the chosen slot opens as a bottom sheet, and the live
// stream keeps "find a slot" and "my bookings" true while the page is open. Messages can
// be lost, so every (re)connect re-fetches what the page shows.

const sheet = document.getElementById("sheet");
const PARTIAL = { "HX-Request": "true" };

// ------------------------------------------------------------------ the slot sheet

async function openSheet(url) {
  const forPatient = document.querySelector("[data-for-patient]")?.dataset.forPatient;
  if (forPatient) { const u = new URL(url, window.location.href); u.searchParams.set("patient", forPatient); url = u.toString(); }
  const response = await fetch(url, { headers: PARTIAL, credentials: "same-origin", cache: "no-store" });
  if (!response.ok) { window.location.href = url; return; }
  sheet.innerHTML = await response.text();
  sheet.dataset.url = url;
  if (!sheet.open) sheet.showModal();
  // Focus the Book button without scrolling to it: the sheet opens at its top (who for).
  sheet.querySelector("[data-book]")?.focus({ preventScroll: true });
  sheet.scrollTop = 0;
}

if (sheet) {
  document.addEventListener("click", (event) => {
    const chip = event.target.closest("a.chip");
    if (!chip || event.metaKey || event.ctrlKey) return;
    event.preventDefault();
    openSheet(chip.href);
  });
  sheet.addEventListener("click", (event) => {
    if (event.target === sheet) sheet.close(); // a tap on the backdrop
  });
  sheet.addEventListener("submit", (event) => {
    const button = event.target.querySelector("[data-book]");
    if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
  });
}

// ------------------------------------------------------------------ patients

// Typing in a list's search box narrows the list (its rows fetched as the person types);
// without the script the box is an ordinary search form.
let searchTimer = null;
async function searchList(input) {
  const target = document.querySelector(input.dataset.liveSearch);
  const url = new URL(input.form.action, window.location.href);
  url.searchParams.set("q", input.value);
  url.searchParams.set("part", "rows");
  const response = await fetch(url, { headers: PARTIAL, credentials: "same-origin", cache: "no-store" });
  if (!response.ok || !target) return;
  target.innerHTML = await response.text();
  url.searchParams.delete("part");
  history.replaceState(null, "", url);
}

// The slot sheet's patient search: two letters show my matching patients to tick; a
// ticked one joins the chips above, so a further search keeps it.
async function searchPatients(input) {
  const sheetForm = input.closest("form");
  const found = sheetForm.querySelector("#patient-found");
  const url = new URL(input.dataset.patientSearch, window.location.href);
  url.searchParams.set("q", input.value);
  for (const box of sheetForm.querySelectorAll("#patient-chips input:checked")) url.searchParams.append("chosen", box.value);
  const response = await fetch(url, { headers: PARTIAL, credentials: "same-origin", cache: "no-store" });
  if (response.ok) found.innerHTML = await response.text();
}

document.addEventListener("input", (event) => {
  const input = event.target;
  if (input.matches?.("[data-live-search]")) {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => searchList(input), 250);
  } else if (input.matches?.("[data-patient-search]")) {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => searchPatients(input), 250);
  }
});

document.addEventListener("change", (event) => {
  const box = event.target;
  if (!box.matches?.("#patient-found input[type=checkbox]") || !box.checked) return;
  box.closest("form").querySelector("#patient-chips").append(box.closest("label"));
});

// Enter in the sheet's patient search searches; it does not book.
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches?.("[data-patient-search]")) {
    event.preventDefault();
    searchPatients(event.target);
  }
});

// ------------------------------------------------------------------ copy fields

// A read-only address (the calendar feed's) is selected whole when focused, ready to copy.
// Here rather than in an onfocus attribute: the Content-Security-Policy runs no inline code.
document.addEventListener("focusin", (event) => {
  if (event.target.matches?.("input.copy[readonly]")) event.target.select();
});

// ------------------------------------------------------------------ live updates

const live = document.querySelector("[data-view]");
let socket = null;
let retryDelay = 500;
let refreshTimer = null;

function overlaps(startA, endA, startB, endB) {
  return new Date(startA) < new Date(endB) && new Date(startB) < new Date(endA);
}

async function refresh() {
  const view = document.querySelector("[data-view]");
  if (!view) return;
  const target = view.id === "my-bookings" ? view : view.parentElement;
  const url = new URL(window.location.href);
  if (target.id === "results") url.searchParams.set("part", "results");
  // Background: a live refresh is not the person's activity (accounts/sessions.py).
  const headers = { ...PARTIAL, "X-Integra-Background": "1" };
  const response = await fetch(url, { headers, credentials: "same-origin", cache: "no-store" });
  if (!response.ok) return;
  const html = await response.text();
  target.innerHTML = html;
  document.body.dataset.synced = String(Date.now());
}

function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 300);
}

function takeAway(message) {
  // What someone else just booked disappears at once; the re-fetch that follows shows
  // whatever else changed (freed time, a room free again).
  if (!message.active) return;
  for (const chip of document.querySelectorAll("a.chip[data-rooms]")) {
    if (Number(chip.dataset.location) !== message.location_id) continue;
    if (!overlaps(chip.dataset.startsAt, chip.dataset.endsAt, message.starts_at, message.ends_at)) continue;
    const rooms = chip.dataset.rooms.split(" ").filter((id) => Number(id) !== message.room_id);
    chip.dataset.rooms = rooms.join(" ");
    if (!rooms.length) { chip.classList.add("is-gone"); chip.setAttribute("aria-disabled", "true"); }
    else chip.querySelector(".rooms-free").textContent = chip.querySelector(".rooms-free").textContent.replace(/^\d+/, rooms.length);
  }
  const open = sheet?.open && sheet.querySelector(".sheet");
  if (open && overlaps(open.dataset.startsAt, open.dataset.endsAt, message.starts_at, message.ends_at)) {
    const option = open.querySelector(`.room-option[data-room="${message.room_id}"]`);
    if (option) {
      option.classList.add("is-gone");
      const radio = option.querySelector("input");
      const wasChosen = radio.checked;
      radio.disabled = true; radio.checked = false;
      // Another room, never the Online lane: that would change the session's type unasked.
      const next = open.querySelector(".room-option:not(.is-gone):not(.online) input");
      if (next && wasChosen) next.checked = true;
      const online = open.querySelector(".room-option.online input:checked");
      if (!next && !online) open.querySelector("[data-book]").disabled = true;
      open.querySelector(".taken-note").hidden = false;
    }
  }
}

function subscribe() {
  const view = document.querySelector("[data-view]");
  if (!socket || socket.readyState !== WebSocket.OPEN || !view) return;
  const today = new Date().toISOString().slice(0, 10);
  socket.send(JSON.stringify({
    type: "subscribe",
    locations: (view.dataset.locations || "").split(",").filter(Boolean).map(Number),
    first_day: view.dataset.firstDay || today,
    last_day: view.dataset.lastDay || today,
  }));
}

function setLive(state) {
  document.body.dataset.live = state;
  const note = document.querySelector(".live-paused");
  if (note) note.hidden = state !== "paused";
}

function onMessage(event) {
  const message = JSON.parse(event.data);
  const kind = document.querySelector("[data-view]")?.dataset.view;
  if (message.type === "subscribed") {
    // Paused: the server cannot reach its channel layer; it says "resync" when it can.
    setLive(message.paused ? "paused" : "live");
    refresh();
  } else if (message.type === "live.paused") {
    setLive("paused");
  } else if (message.type === "resync") {
    setLive("live");
    refresh();
  } else if (message.type === "busy" && kind === "slots") {
    takeAway(message);
    refreshSoon();
  } else if (message.type === "mine") {
    refreshSoon();
  }
}

function connect() {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${window.location.host}/ws/portal/`);
  socket.addEventListener("open", () => { retryDelay = 500; subscribe(); });
  socket.addEventListener("message", onMessage);
  socket.addEventListener("close", (event) => {
    setLive("offline");
    // Signed out, or the session ended: the reload shows the login page and why.
    if (event.code === 4401) { window.location.reload(); return; }
    if (event.code === 4403) return; // not allowed here
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 10000);
  });
}

if (live) connect();
