// The booking menu: right-click, long-press, or the keyboard (Enter, Shift+F10, Menu key).
import { bookingUrl, post, root, settle, strings } from "./calendar-server.js";
import { book, placeNear } from "./calendar-create.js";
import { openCancel } from "./calendar-cancel.js";
import { openPayment } from "./calendar-payment.js";
import { openSession } from "./calendar-session.js";

const menu = document.getElementById("booking-menu");
const input = document.getElementById("menu-input");
const items = () => [...menu.querySelectorAll("[role=menuitem]")].filter((i) => !i.disabled);
let booking = null;

const started = (el) => Date.parse(el.dataset.startsAt) <= Date.now();
const ALLOWED = {
  executed: (s, el) => s === "booked" && started(el),
  "no-show": (s, el) => s === "booked" && started(el),
  cancel: (s) => s === "booked",
  restore: (s) => s !== "booked" && s !== "requested",
  approve: (s) => s === "requested",
  decline: (s) => s === "requested",
  // Something is charged and not all of it is paid (the card says so; the server checks).
  payment: (s, el) => ["unpaid", "partially_paid"].includes(el.dataset.payment),
  session: (s) => s !== "cancelled",
};

export function openMenu(target, { x = null, y = null } = {}) {
  booking = target;
  const status = target.dataset.status;
  for (const item of menu.querySelectorAll("[role=menuitem]")) {
    const rule = ALLOWED[item.dataset.action];
    item.disabled = rule ? !rule(status, target) : false;
    item.hidden = item.disabled;
  }
  menu.querySelector("[data-title]").textContent = target.getAttribute("aria-label");
  menu.hidden = false;
  if (x !== null) {
    const left = Math.min(x, document.documentElement.clientWidth - menu.offsetWidth - 8);
    const top = Math.min(y, window.innerHeight - menu.offsetHeight - 8);
    menu.style.left = `${left + window.scrollX}px`;
    menu.style.top = `${top + window.scrollY}px`;
  } else {
    placeNear(menu, target);
  }
  items()[0]?.focus();
}

export function closeMenu({ refocus = true } = {}) {
  if (menu.hidden) return;
  menu.hidden = true;
  if (refocus) booking?.focus?.({ preventScroll: true });
}

function ask(label, value, onSubmit) {
  input.querySelector("[data-label]").textContent = label;
  const text = input.querySelector("textarea");
  text.value = value;
  placeNear(input, booking);
  text.focus();
  input.onsubmit = async (event) => {
    event.preventDefault();
    input.hidden = true;
    await onSubmit(text.value);
  };
}

async function run(action) {
  const target = booking;
  const id = target.dataset.booking;
  closeMenu({ refocus: !["cancel", "decline", "notes", "payment", "session"].includes(action) });
  if (action === "professional") {
    window.location.href = root.dataset.professionalUrl.replace(/\/0\/$/, `/${target.dataset.professional}/`);
    return;
  }
  if (action === "payment") {
    openPayment(target);
    return;
  }
  if (action === "session") {
    openSession(target);
    return;
  }
  if (action === "cancel") {
    openCancel(target);
    return;
  }
  if (action === "decline") {
    ask(strings.declineReason, "", async (reason) => settle(await post(bookingUrl(id, "decline/"), { reason })));
    return;
  }
  if (action === "notes") {
    ask(strings.notes, target.dataset.notes || "", async (notes) => settle(await post(bookingUrl(id, "notes/"), { notes })));
    return;
  }
  const result = await post(bookingUrl(id, `${action}/`), {});
  settle(result, {
    onPick: action === "repeat"
      ? async (alt) => settle(await book({ room: alt.room_id, professional: target.dataset.professional,
                                           starts_at: alt.starts_at, ends_at: alt.ends_at, notes: target.dataset.notes || "" }))
      : null,
  });
}

export function initMenu(container) {
  container.addEventListener("contextmenu", (event) => {
    const target = event.target.closest("[data-booking]");
    if (!target) return;
    event.preventDefault();
    openMenu(target, { x: event.clientX, y: event.clientY });
  });
  container.addEventListener("keydown", (event) => {
    const target = event.target.closest?.("[data-booking]");
    if (!target) return;
    if (event.key === "Enter" || event.key === " " || event.key === "ContextMenu" || (event.shiftKey && event.key === "F10")) {
      event.preventDefault();
      openMenu(target);
    }
  });
  let pressTimer = null;
  container.addEventListener("pointerdown", (event) => {
    const target = event.target.closest("[data-booking]");
    if (!target || event.pointerType !== "touch") return;
    pressTimer = setTimeout(() => {
      const box = target.getBoundingClientRect();
      openMenu(target, { x: box.left + 10, y: box.top + 10 });
    }, 500);
  });
  for (const type of ["pointerup", "pointercancel", "pointermove"]) {
    container.addEventListener(type, () => clearTimeout(pressTimer));
  }
  menu.addEventListener("click", (event) => {
    const item = event.target.closest("[role=menuitem]");
    if (item && !item.disabled) run(item.dataset.action);
  });
  menu.addEventListener("keydown", (event) => {
    const list = items();
    const index = list.indexOf(document.activeElement);
    if (event.key === "ArrowDown") { event.preventDefault(); list[(index + 1) % list.length].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); list[(index - 1 + list.length) % list.length].focus(); }
    if (event.key === "Home") { event.preventDefault(); list[0].focus(); }
    if (event.key === "End") { event.preventDefault(); list[list.length - 1].focus(); }
    if (event.key === "Escape" || event.key === "Tab") { event.preventDefault(); closeMenu(); }
  });
  input.querySelector("[data-close]").addEventListener("click", () => { input.hidden = true; booking?.focus(); });
  input.addEventListener("keydown", (e) => { if (e.key === "Escape") { input.hidden = true; booking?.focus(); } });
  document.addEventListener("pointerdown", (event) => {
    if (!menu.hidden && !menu.contains(event.target)) closeMenu({ refocus: false });
  });
}
