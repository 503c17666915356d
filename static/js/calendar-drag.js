// Mouse, pen and touch on the day grid: click or drag across free cells to book, drag a
// booking to move it (time and/or room), drag its bottom edge to resize it.
import { bookingUrl, post, settle } from "./calendar-server.js";
import { openCreateForm } from "./calendar-create.js";

const SLOT_MS = 15 * 60 * 1000;
const plusSlot = (iso) => new Date(Date.parse(iso) + SLOT_MS).toISOString();
const minuteOf = (cell) => {
  const [h, m] = cell.dataset.label.split(":").map(Number);
  return h * 60 + m;
};
const cellsOf = (column) => [...column.querySelectorAll(".cell")];
const clock = (minutes) => {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
};
/** Where a booking is drawn: its at-/len- classes (calendar-grid.css), or what a drag set. */
const placed = (booking, name) => Number(getComputedStyle(booking).getPropertyValue(name));
/** The card says where it is while it is dragged, not where it was. */
const showSpan = (booking) => {
  const label = booking.querySelector(".b-time");
  const start = placed(booking, "--start");
  const len = placed(booking, "--len");
  if (label) label.textContent = `${clock(start)}–${clock(start + len)}`;
};

function cellAt(x, y) {
  const hit = document.elementFromPoint(x, y);
  return hit?.closest?.(".cell") || null;
}

function clearSelection() {
  document.querySelectorAll(".cell.sel").forEach((c) => c.classList.remove("sel"));
}

export function selectRange(column, from, to) {
  clearSelection();
  const cells = cellsOf(column);
  const [a, b] = [Math.min(from, to), Math.max(from, to)];
  cells.slice(a, b + 1).forEach((c) => c.classList.add("sel"));
  return { room: column.dataset.room, startsAt: cells[a].dataset.at, endsAt: plusSlot(cells[b].dataset.at),
           anchor: cells[a], label: `${cells[a].dataset.label}–${cells[b + 1]?.dataset.label || ""}` };
}

/** A click books an hour (less if the day closes sooner); a drag books what it covers. */
export function defaultRange(cell) {
  const column = cell.closest(".room-col");
  const cells = cellsOf(column);
  const index = cells.indexOf(cell);
  return selectRange(column, index, Math.min(index + 3, cells.length - 1));
}

function startCreate(event, cell) {
  const column = cell.closest(".room-col");
  const cells = cellsOf(column);
  const first = cells.indexOf(cell);
  let last = first;
  let moved = false;
  selectRange(column, first, last);
  const onMove = (e) => {
    const over = cellAt(e.clientX, e.clientY);
    if (!over || over.closest(".room-col") !== column) return;
    const index = cells.indexOf(over);
    if (index !== last) { last = index; moved = true; selectRange(column, first, last); }
  };
  const onUp = () => {
    window.removeEventListener("pointermove", onMove);
    window.removeEventListener("pointerup", onUp);
    const range = moved ? selectRange(column, first, last) : defaultRange(cell);
    openCreateForm(range);
  };
  window.addEventListener("pointermove", onMove);
  window.addEventListener("pointerup", onUp);
}

function startBookingDrag(event, booking, resizing) {
  const home = booking.parentElement;
  const original = { len: placed(booking, "--len"), label: booking.querySelector(".b-time")?.textContent };
  const slotHeight = booking.offsetHeight / (original.len / 15);
  const grabSlots = Math.floor((event.clientY - booking.getBoundingClientRect().top) / slotHeight);
  const startX = event.clientX, startY = event.clientY;
  let dragging = false;
  let target = null; // {column, index}
  const onMove = (e) => {
    if (!dragging && Math.hypot(e.clientX - startX, e.clientY - startY) < 5) return;
    dragging = true;
    booking.classList.add("dragging");
    const over = cellAt(e.clientX, e.clientY);
    if (!over) return;
    const column = over.closest(".room-col");
    const cells = cellsOf(column);
    if (resizing) {
      if (column.querySelector(".slots") !== home) return;
      const startIndex = cells.findIndex((c) => c.dataset.at === booking.dataset.startsAt);
      const index = Math.max(cells.indexOf(over), startIndex);
      booking.style.setProperty("--len", (index - startIndex + 1) * 15);
      showSpan(booking);
      target = { column, index };
    } else {
      const index = Math.max(0, cells.indexOf(over) - grabSlots);
      booking.style.setProperty("--start", minuteOf(cells[index]));
      column.querySelector(".slots").append(booking);
      showSpan(booking);
      target = { column, index };
    }
  };
  const putBack = () => {
    home.append(booking);
    booking.style.removeProperty("--start"); // back to its classes
    booking.style.removeProperty("--len");
    const label = booking.querySelector(".b-time");
    if (label && original.label !== undefined) label.textContent = original.label;
  };
  const onUp = async () => {
    window.removeEventListener("pointermove", onMove);
    window.removeEventListener("pointerup", onUp);
    booking.classList.remove("dragging");
    if (!dragging || !target) return;
    const cells = cellsOf(target.column);
    const fields = resizing
      ? { ends_at: plusSlot(cells[target.index].dataset.at) }
      : { room: target.column.dataset.room, starts_at: cells[target.index].dataset.at };
    if (!resizing && fields.starts_at === booking.dataset.startsAt
        && target.column.querySelector(".slots") === home) { putBack(); return; }
    booking.classList.add("saving");
    const result = await post(bookingUrl(booking.dataset.booking, "move/"), fields);
    booking.classList.remove("saving");
    if (!result.ok) putBack();
    settle(result, { onPick: (alt) => moveTo(booking.dataset.booking, alt) });
  };
  window.addEventListener("pointermove", onMove);
  window.addEventListener("pointerup", onUp);
}

export async function moveTo(bookingId, { room_id, starts_at, ends_at }) {
  const fields = { room: room_id, starts_at };
  if (ends_at) fields.ends_at = ends_at;
  const result = await post(bookingUrl(bookingId, "move/"), fields);
  settle(result, { onPick: (alt) => moveTo(bookingId, alt) });
}

export function initDrag(container) {
  container.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    const booking = event.target.closest(".booking");
    if (booking) {
      if (booking.dataset.status !== "booked") return;
      if (event.pointerType === "touch" && !event.target.closest(".resize")) return; // long-press menu; drag by handle
      event.preventDefault();
      startBookingDrag(event, booking, Boolean(event.target.closest(".resize")));
      return;
    }
    const cell = event.target.closest(".cell");
    if (!cell) return;
    if (event.pointerType === "touch") return; // a tap is a click (handled below); touch drags scroll
    event.preventDefault();
    cell.focus({ preventScroll: true });
    startCreate(event, cell);
  });
  container.addEventListener("click", (event) => {
    const cell = event.target.closest(".cell");
    if (cell && event.detail > 0 && event.pointerType === "touch") openCreateForm(defaultRange(cell));
  });
}
