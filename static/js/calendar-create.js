// The small inline form that turns a selected range of free cells into a booking.
import { post, root, settle, strings } from "./calendar-server.js";

const form = document.getElementById("new-booking");
const nameInput = form.querySelector("[name=professional_name]");
const options = document.getElementById("professional-options");
const errorBox = form.querySelector(".error");
let range = null;
let lastFocus = null;
let searchTimer = null;

export function placeNear(popover, anchor) {
  const box = anchor.getBoundingClientRect();
  popover.hidden = false;
  const width = popover.offsetWidth, height = popover.offsetHeight;
  let left = box.right + 8 + window.scrollX;
  if (left + width > window.scrollX + document.documentElement.clientWidth) left = Math.max(8, box.left - width - 8 + window.scrollX);
  let top = Math.min(box.top + window.scrollY, window.scrollY + window.innerHeight - height - 8);
  popover.style.left = `${left}px`;
  popover.style.top = `${Math.max(window.scrollY + 8, top)}px`;
}

/** A popover that grew (a refusal written into it) is moved up, so its buttons stay on
 * the screen; never above the top of the window. */
export function keepInView(popover) {
  const box = popover.getBoundingClientRect();
  const overflow = box.bottom - (window.innerHeight - 8);
  if (overflow > 0) {
    const top = Math.max(window.scrollY + 8, box.top + window.scrollY - overflow);
    popover.style.top = `${top}px`;
  }
}

export function openCreateForm(selected) {
  range = selected;
  lastFocus = document.activeElement;
  errorBox.textContent = "";
  const room = selected.anchor.closest(".room-col").getAttribute("aria-label");
  form.querySelector("[data-when]").textContent = `${room} · ${selected.label}`;
  placeNear(form, selected.anchor);
  nameInput.focus();
}

export function closeCreateForm() {
  form.hidden = true;
  form.reset();
  document.querySelectorAll(".cell.sel").forEach((c) => c.classList.remove("sel"));
  lastFocus?.focus?.({ preventScroll: true });
}

async function search() {
  const url = `${root.dataset.searchUrl}?q=${encodeURIComponent(nameInput.value)}`;
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) return;
  const { results } = await response.json();
  options.replaceChildren(...results.map((p) => {
    const option = document.createElement("option");
    option.value = p.name;
    option.dataset.id = p.id;
    option.label = p.profession;
    return option;
  }));
}

export async function book(fields) {
  return post(root.dataset.createUrl, fields);
}

nameInput.addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(search, 150); });
nameInput.addEventListener("focus", search);
form.querySelector("[data-close]").addEventListener("click", closeCreateForm);
form.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.stopPropagation(); closeCreateForm(); } });
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!options.options.length || ![...options.options].some((o) => o.value === nameInput.value)) await search();
  const match = [...options.options].find((o) => o.value.toLowerCase() === nameInput.value.trim().toLowerCase())
    || (options.options.length === 1 ? options.options[0] : null);
  if (!match) { errorBox.textContent = strings.pickProfessional; return; }
  const fields = { room: range.room, professional: match.dataset.id, starts_at: range.startsAt,
                   ends_at: range.endsAt, notes: form.querySelector("[name=notes]").value };
  const result = await book(fields);
  if (result.ok) {
    closeCreateForm();
    settle(result);
  } else {
    errorBox.textContent = result.body.message || strings.networkError;
    keepInView(form);
    settle(result, { onPick: async (alt) => settle(await book({ ...fields, room: alt.room_id, starts_at: alt.starts_at, ends_at: alt.ends_at })) });
  }
});
