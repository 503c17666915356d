// "Cancel…": asks the server what cancelling costs now (free, or late and the fee) before
// anything happens; a late one is charged or, for who may, waived with a reason.
import { bookingUrl, hideToast, post, settle, strings, toast } from "./calendar-server.js";
import { keepInView, placeNear } from "./calendar-create.js";

const form = document.getElementById("cancel-booking");
const errorBox = form.querySelector(".error");
const late = form.querySelector("[data-late]");
const waive = form.querySelector("input[name=late_fee][value=waive]");
const waiver = form.querySelector("[data-waiver]");
let bookingId = null;

// The card is replaced by every live update, so it is looked up by id, never kept.
const card = () => (bookingId ? document.getElementById(`booking-${bookingId}`) : null);

function showWaiver() {
  const on = waive.checked;
  waiver.hidden = !on;
  form.elements.waiver_reason.required = on;
}

export function closeCancel() {
  if (form.hidden) return;
  form.hidden = true;
  form.reset();
  errorBox.textContent = "";
  card()?.focus({ preventScroll: true });
}

export async function openCancel(target) {
  bookingId = target.dataset.booking;
  let response, body;
  try {
    response = await fetch(bookingUrl(bookingId, "cancel/"), {
      headers: { Accept: "application/json" }, credentials: "same-origin",
    });
    body = await response.json();
  } catch {
    response = { ok: false };
    body = { message: strings.networkError };
  }
  if (!response.ok) {
    toast(body.message || strings.networkError, { error: true });
    card()?.focus({ preventScroll: true });
    return;
  }
  hideToast(); // an earlier confirmation must not sit over the form's buttons
  form.reset();
  errorBox.textContent = "";
  form.querySelector("[data-when]").textContent = body.when;
  form.querySelector("[data-terms]").textContent = body.summary;
  form.querySelector("[data-charge-label]").textContent = body.charge_label;
  form.querySelector("[data-waive-note]").textContent = body.waiver_note;
  late.hidden = !body.late;
  waive.disabled = !body.may_waive;
  waive.closest("label").hidden = !body.may_waive;
  showWaiver();
  placeNear(form, card() || target);
  form.elements.reason.focus();
}

form.addEventListener("change", showWaiver);
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const submit = form.querySelector("[type=submit]");
  submit.disabled = true;
  errorBox.textContent = "";
  const fields = Object.fromEntries(new FormData(form));
  if (late.hidden) delete fields.late_fee;
  const result = await post(bookingUrl(bookingId, "cancel/"), fields);
  submit.disabled = false;
  if (!result.ok) {
    // Nothing was cancelled: say why beside the choice, keep the form open.
    errorBox.textContent = result.body.message || strings.networkError;
    keepInView(form);
    return;
  }
  form.hidden = true;
  form.reset();
  settle(result);
  card()?.focus({ preventScroll: true });
});
form.querySelector("[data-close]").addEventListener("click", closeCancel);
form.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  event.preventDefault();
  event.stopPropagation();
  closeCancel();
});
