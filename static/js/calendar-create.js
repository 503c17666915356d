// The small inline form that turns a selected range of free cells into a booking.
import { post, root, settle, strings } from "./calendar-server.js";
import { fillCurrencies, makePicker } from "./calendar-patients.js";

const form = document.getElementById("new-booking");
const nameInput = form.querySelector("[name=professional_name]");
const options = document.getElementById("professional-options");
const errorBox = form.querySelector(".error");
let range = null;
let lastFocus = null;
let searchTimer = null;
let chosenProfessional = null;
const priceInput = form.querySelector("[name=session_price]");
const currencySelect = form.querySelector("[name=session_currency]");
const videoLabel = form.querySelector("[data-video]");

function professionalMatch() {
  const typed = nameInput.value.trim().toLowerCase();
  if (!typed) return null;
  return [...options.options].find((o) => o.value.toLowerCase() === typed)
    || (options.options.length === 1 ? options.options[0] : null);
}
const picker = makePicker(form.querySelector("[data-patient-picker]"), () => professionalMatch()?.dataset.id);

function professionalChanged() {
  const match = professionalMatch();
  const id = match?.dataset.id || null;
  if (id === chosenProfessional) return;
  chosenProfessional = id;
  if (match && !priceInput.dataset.touched) priceInput.value = match.dataset.price || "";
  picker.refresh();
}
priceInput.addEventListener("input", () => { priceInput.dataset.touched = "1"; });
form.addEventListener("change", (event) => {
  if (event.target.name === "session_type") videoLabel.hidden = event.target.value !== "virtual";
});

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
  const section = selected.anchor.closest(".loc");
  const currencies = (section?.dataset.currencies || "").split(" ").filter(Boolean);
  fillCurrencies(currencySelect, currencies, currencies[0]);
  currencySelect.closest("label").hidden = currencies.length < 2;
  const virtualLane = selected.anchor.closest(".room-col")?.hasAttribute("data-virtual");
  form.querySelector(`[name=session_type][value=${virtualLane ? "virtual" : "on_site"}]`).checked = true;
  videoLabel.hidden = !virtualLane;
  chosenProfessional = null;
  delete priceInput.dataset.touched;
  picker.reset();
  placeNear(form, selected.anchor);
  nameInput.focus();
}

export function closeCreateForm() {
  form.hidden = true;
  form.reset();
  picker.reset();
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
    option.dataset.price = p.session_price;
    return option;
  }));
  professionalChanged();
}

export async function book(fields) {
  return post(root.dataset.createUrl, fields);
}

nameInput.addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(search, 150); });
nameInput.addEventListener("focus", search);
nameInput.addEventListener("change", professionalChanged);
form.querySelector("[data-close]").addEventListener("click", closeCreateForm);
form.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.stopPropagation(); closeCreateForm(); } });
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!options.options.length || ![...options.options].some((o) => o.value === nameInput.value)) await search();
  const match = [...options.options].find((o) => o.value.toLowerCase() === nameInput.value.trim().toLowerCase())
    || (options.options.length === 1 ? options.options[0] : null);
  if (!match) { errorBox.textContent = strings.pickProfessional; return; }
  const fields = { room: range.room, professional: match.dataset.id, starts_at: range.startsAt,
                   ends_at: range.endsAt, notes: form.querySelector("[name=notes]").value,
                   session_type: form.querySelector("[name=session_type]:checked").value,
                   patients: picker.ids().join(" "), session_price: priceInput.value,
                   session_currency: currencySelect.value,
                   video_link: form.querySelector("[name=video_link]").value };
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
