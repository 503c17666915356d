// The receptionist's calendar: wiring of keyboard, now line, drag and drop, menu, live stream.
import { calBody, hideToast, root, strings } from "./calendar-server.js";
import { closeCreateForm, openCreateForm } from "./calendar-create.js";
import { defaultRange, initDrag, moveTo } from "./calendar-drag.js";
import { connect, subscribe } from "./calendar-live.js";
import { closeMenu, initMenu } from "./calendar-menu.js";

const SLOT_MS = 15 * 60 * 1000;

function typing(target) {
  return target.closest?.("input, textarea, select, [contenteditable]");
}

// ------------------------------------------------------------------ cancelled toggle
function applyCancelledToggle() {
  const on = localStorage.getItem("calendar.showCancelled") === "1";
  document.body.classList.toggle("show-cancelled", on);
  const button = calBody()?.querySelector(".toggle-cancelled");
  if (button) {
    button.setAttribute("aria-pressed", String(on));
    button.textContent = on ? strings.hideCancelled : strings.showCancelled;
  }
}
root.addEventListener("click", (event) => {
  if (!event.target.closest(".toggle-cancelled")) return;
  const on = localStorage.getItem("calendar.showCancelled") === "1";
  localStorage.setItem("calendar.showCancelled", on ? "0" : "1");
  applyCancelledToggle();
});

// ------------------------------------------------------------------ now line
function drawNowLines() {
  const now = Date.now();
  for (const section of root.querySelectorAll(".loc[data-opens-at]")) {
    const line = section.querySelector(".now-line");
    if (!line || !section.dataset.opensAt) continue;
    const opens = Date.parse(section.dataset.opensAt), closes = Date.parse(section.dataset.closesAt);
    line.hidden = !(now >= opens && now <= closes);
    if (!line.hidden) line.style.setProperty("--now", (now - opens) / SLOT_MS);
  }
}
setInterval(drawNowLines, 30000);

// ------------------------------------------------------------------ keyboard
const GRID_KEYS = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };

function moveFocusFrom(cell, [dx, dy]) {
  const grid = cell.closest(".day-grid");
  const columns = [...grid.querySelectorAll(".room-col")];
  const column = cell.closest(".room-col");
  const row = [...column.querySelectorAll(".cell")].indexOf(cell);
  const nextColumn = columns[columns.indexOf(column) + dx];
  if (!nextColumn) return;
  const cells = nextColumn.querySelectorAll(".cell");
  const next = cells[Math.max(0, Math.min(cells.length - 1, row + dy))];
  if (!next) return;
  cell.tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
}

async function nudge(booking, [dx, dy]) {
  // Alt+arrows move a focused booking by a slot or to the neighbouring room.
  const column = booking.closest(".room-col");
  const columns = [...column.closest(".day-grid").querySelectorAll(".room-col")];
  const target = columns[columns.indexOf(column) + dx];
  if (!target) return;
  const startsAt = new Date(Date.parse(booking.dataset.startsAt) + dy * SLOT_MS).toISOString();
  await moveTo(booking.dataset.booking, { room_id: target.dataset.room, starts_at: startsAt });
  document.getElementById(`booking-${booking.dataset.booking}`)?.focus();
}

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") { closeMenu(); closeCreateForm(); hideToast(); return; }
  if (typing(event.target) || event.ctrlKey || event.metaKey) return;
  const cell = event.target.closest?.(".cell");
  const booking = event.target.closest?.(".booking");
  if (cell && GRID_KEYS[event.key] && !event.altKey) { event.preventDefault(); moveFocusFrom(cell, GRID_KEYS[event.key]); return; }
  if (cell && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); openCreateForm(defaultRange(cell)); return; }
  if (booking && event.altKey && GRID_KEYS[event.key] && booking.dataset.status === "booked") {
    event.preventDefault(); nudge(booking, GRID_KEYS[event.key]); return;
  }
  if (event.altKey) return;
  const shortcut = calBody()?.querySelector(`.toolbar [data-key="${CSS.escape(event.key.toLowerCase())}"]`);
  if (shortcut) { event.preventDefault(); shortcut.click(); }
});

// ------------------------------------------------------------------ start
function rendered() {
  applyCancelledToggle();
  drawNowLines();
}
document.addEventListener("calendar:rendered", rendered);
document.body.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target === root) { rendered(); subscribe(); }
});
initDrag(root);
initMenu(root);
rendered();
connect();
// The first screen opens at the current time when today is shown.
root.querySelector(".now-line:not([hidden])")?.scrollIntoView({ block: "center", inline: "nearest" });
