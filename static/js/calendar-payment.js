// "Record payment…": a small form beside the booking, prefilled with what it still owes
// (asked of the server when it opens, so a part payment made elsewhere counts).
import { bookingUrl, hideToast, post, settle, strings, toast } from "./calendar-server.js";
import { keepInView, placeNear } from "./calendar-create.js";

const form = document.getElementById("record-payment");
const errorBox = form.querySelector(".error");
const amount = form.elements.amount;
let bookingId = null;

// The card is replaced by every live update, so it is looked up by id, never kept.
const card = () => (bookingId ? document.getElementById(`booking-${bookingId}`) : null);

function clearInvalid() {
  for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
  errorBox.textContent = "";
}

export function closePayment() {
  if (form.hidden) return;
  form.hidden = true;
  form.reset();
  clearInvalid();
  card()?.focus({ preventScroll: true });
}

export async function openPayment(target) {
  bookingId = target.dataset.booking;
  let response, body;
  try {
    response = await fetch(bookingUrl(bookingId, "payment/"), {
      headers: { Accept: "application/json" }, credentials: "same-origin",
    });
    body = await response.json();
  } catch {
    response = { ok: false };
    body = { message: strings.networkError };
  }
  if (!response.ok || Number(body.owed) <= 0) {
    toast(body.message || body.summary || strings.networkError, { error: true });
    card()?.focus({ preventScroll: true });
    return;
  }
  hideToast(); // an earlier confirmation must not sit over the form's buttons
  form.reset();
  clearInvalid();
  form.querySelector("[data-when]").textContent = body.when;
  form.querySelector("[data-owed]").textContent = body.summary;
  form.querySelector("[data-currency]").textContent = body.currency;
  // Only the methods the booking's location accepts (no Pix in Lisbon).
  form.elements.method.replaceChildren(
    ...body.methods.map(({ value, label }) => new Option(label, value)),
  );
  amount.value = body.owed;
  form.elements.received_on.value = body.today;
  form.elements.received_on.max = body.today;
  placeNear(form, card() || target);
  amount.focus();
  amount.select();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const submit = form.querySelector("[type=submit]");
  submit.disabled = true;
  clearInvalid();
  const result = await post(bookingUrl(bookingId, "payment/"), Object.fromEntries(new FormData(form)));
  submit.disabled = false;
  if (!result.ok) {
    errorBox.textContent = result.body.message || strings.networkError;
    keepInView(form);
    const field = form.elements.namedItem(result.body.field || "") || amount;
    field.setAttribute("aria-invalid", "true");
    field.focus();
    return;
  }
  form.hidden = true;
  form.reset();
  settle(result);
  card()?.focus({ preventScroll: true });
});
form.querySelector("[data-close]").addEventListener("click", closePayment);
form.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  // Only this form closes: the page's own Escape would hand focus elsewhere.
  event.preventDefault();
  event.stopPropagation();
  closePayment();
});
