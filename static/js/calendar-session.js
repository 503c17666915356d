// "Patients and price…" on a booking's menu: change its patients, price, currency, link.
import { bookingUrl, post, settle, strings } from "./calendar-server.js";
import { keepInView, placeNear } from "./calendar-create.js";
import { fillCurrencies, makePicker } from "./calendar-patients.js";

const form = document.getElementById("edit-session");
const errorBox = form.querySelector(".error");
let target = null;
const picker = makePicker(form.querySelector("[data-patient-picker]"), () => target?.dataset.professional);

export async function openSession(booking) {
  target = booking;
  errorBox.textContent = "";
  form.querySelector("[data-when]").textContent = booking.getAttribute("aria-label");
  const response = await fetch(bookingUrl(booking.dataset.booking, "session-details/"), { credentials: "same-origin" });
  if (!response.ok) { errorBox.textContent = strings.networkError; return; }
  const details = await response.json();
  form.querySelector("[name=session_price]").value = details.session_price;
  fillCurrencies(form.querySelector("[name=session_currency]"), details.currencies, details.session_currency);
  const video = form.querySelector("[data-video]");
  video.hidden = details.session_type !== "virtual";
  form.querySelector("[name=video_link]").value = details.video_link;
  picker.set(details.patients);
  placeNear(form, booking);
  form.querySelector("[name=patient_query]").focus();
}

function close() {
  form.hidden = true;
  picker.reset();
  target?.focus?.({ preventScroll: true });
}

form.querySelector("[data-close]").addEventListener("click", close);
form.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.stopPropagation(); close(); } });
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const fields = { patients: picker.ids().join(" "),
                   session_price: form.querySelector("[name=session_price]").value,
                   session_currency: form.querySelector("[name=session_currency]").value };
  if (!form.querySelector("[data-video]").hidden) fields.video_link = form.querySelector("[name=video_link]").value;
  const result = await post(bookingUrl(target.dataset.booking, "session/"), fields);
  if (result.ok) { form.hidden = true; picker.reset(); settle(result); }
  else { errorBox.textContent = result.body.message || strings.networkError; keepInView(form); }
});
