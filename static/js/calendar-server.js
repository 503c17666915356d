// Talking to the server: JSON endpoints, placing booking fragments, resync, the toast.
export const root = document.getElementById("calendar");
export const strings = JSON.parse(document.getElementById("calendar-strings").textContent);

export const calBody = () => root.querySelector(".cal-body");
export const bookingUrl = (id, suffix = "") =>
  root.dataset.bookingUrl.replace(/\/0\/$/, `/${id}/`) + suffix;

function csrfToken() {
  return document.querySelector("[name=csrfmiddlewaretoken]").value;
}

export async function post(url, fields) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      credentials: "same-origin",
    });
  } catch {
    return { ok: false, status: 0, body: { message: strings.networkError } };
  }
  let body = {};
  try { body = await response.json(); } catch { body = { message: strings.networkError }; }
  return { ok: response.ok, status: response.status, body };
}

let refreshTimer = null;

/** Put a booking's fresh fragment where it belongs in the visible grid, or drop it. */
export function placeBooking({ bookingId, roomId, localDay, html }) {
  const body = calBody();
  if (!body) return;
  if (body.dataset.view !== "day") { scheduleResync(); return; }
  const old = document.getElementById(`booking-${bookingId}`);
  const slots = document.querySelector(`#col-${roomId} .slots`);
  // A lane this grid does not show yet (a location's first virtual session made its
  // Online lane): draw the grid again.
  if (html && !slots && localDay === body.dataset.day) { scheduleResync(); return; }
  if (html && slots && localDay === body.dataset.day) {
    const holder = document.createElement("template");
    holder.innerHTML = html.trim();
    const fresh = holder.content.firstElementChild;
    if (old) {
      const hadFocus = document.activeElement === old;
      old.remove();
      slots.append(fresh);
      if (hadFocus) fresh.focus();
    } else {
      slots.append(fresh);
    }
    fresh.classList.add("just-changed");
    setTimeout(() => fresh.classList.remove("just-changed"), 1500);
  } else if (old) {
    old.remove();
  }
}

export function removeBooking(bookingId) {
  document.getElementById(`booking-${bookingId}`)?.remove();
}

export function scheduleResync() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(resync, 120);
}

function busy() {
  // Never pull the grid from under a hand that is dragging or a form being filled in.
  return document.querySelector(".booking.dragging, .cell.sel")
    || !document.getElementById("new-booking").hidden
    || !document.getElementById("booking-menu").hidden
    || !document.getElementById("menu-input").hidden
    || !document.getElementById("record-payment").hidden
    || !document.getElementById("cancel-booking").hidden;
}

/** Re-fetch the visible grid and swap it in, keeping scroll positions (resync). */
export async function resync() {
  const body = calBody();
  if (!body) return;
  const url = body.dataset.url;
  let response;
  try {
    // Background: a resync is not the person's activity (accounts/sessions.py).
    const headers = { "HX-Request": "true", "X-Integra-Background": "1" };
    response = await fetch(url, { headers, credentials: "same-origin" });
  } catch { return; }
  if (!response.ok) return;
  const holder = document.createElement("template");
  holder.innerHTML = await response.text();
  while (busy()) await new Promise((resolve) => setTimeout(resolve, 250));
  const current = calBody();
  if (!current || current.dataset.url !== url) return; // navigated meanwhile
  const selector = ".day-grids, .week-grids";
  const fresh = holder.content.querySelector(selector);
  const stale = current.querySelector(selector);
  if (fresh && stale && !fresh.isEqualNode(stale)) {
    const { scrollTop, scrollLeft } = stale;
    const focusedId = document.activeElement?.id;
    stale.replaceWith(fresh);
    fresh.scrollTop = scrollTop;
    fresh.scrollLeft = scrollLeft;
    if (focusedId) document.getElementById(focusedId)?.focus({ preventScroll: true });
    document.dispatchEvent(new CustomEvent("calendar:rendered"));
  }
  markSynced();
}

/** The grid shows what the server has (after a resync, or when nothing changed since it
 * was drawn); browser tests wait for this. */
export function markSynced() {
  document.body.dataset.synced = String(Number(document.body.dataset.synced || 0) + 1);
}

const toastBox = document.getElementById("toast");
let toastTimer = null;
let toastDelay = 4000;

/** Tell the receptionist what happened; a refusal lists free alternatives to pick. */
export function toast(message, { alternatives = [], onPick = null, error = false } = {}) {
  clearTimeout(toastTimer);
  toastBox.querySelector("[data-message]").textContent = message;
  const list = toastBox.querySelector("[data-alternatives]");
  list.replaceChildren();
  if (alternatives.length && onPick) {
    const label = document.createElement("span");
    label.textContent = strings.tryInstead;
    list.append(label);
    for (const alternative of alternatives) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn alt";
      button.textContent = alternative.label;
      button.addEventListener("click", () => { hideToast(); onPick(alternative); });
      list.append(button);
    }
  }
  toastBox.classList.toggle("is-error", error);
  toastBox.hidden = false;
  keepClearOfPopovers();
  // A refusal stays long enough to read its alternatives, but it goes: it must not sit
  // over the form the receptionist is correcting. Pointing at it keeps it.
  toastDelay = error ? 12000 : 4000;
  toastTimer = setTimeout(hideToast, toastDelay);
}


/** An open form (New booking, payment) sits where the click was; a toast over its buttons
 * would hide Book and Close. Then the toast goes to the top of the screen instead. */
function keepClearOfPopovers() {
  toastBox.classList.remove("at-top");
  const box = toastBox.getBoundingClientRect();
  const covered = [...document.querySelectorAll(".popover:not([hidden]), .menu:not([hidden])")].some((p) => {
    const r = p.getBoundingClientRect();
    return r.width && !(r.right < box.left || r.left > box.right || r.bottom < box.top || r.top > box.bottom);
  });
  toastBox.classList.toggle("at-top", covered);
}

export function hideToast() { clearTimeout(toastTimer); toastBox.hidden = true; }
toastBox.querySelector("[data-close]").addEventListener("click", hideToast);
toastBox.addEventListener("pointerenter", () => clearTimeout(toastTimer));
toastBox.addEventListener("pointerleave", () => {
  if (!toastBox.hidden) toastTimer = setTimeout(hideToast, toastDelay);
});
// Escape dismisses the topmost thing first: the toast, then (next press) the form under it.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || toastBox.hidden) return;
  event.stopPropagation();
  hideToast();
}, true);

/** Show the answer of a write: place the booking, or explain the refusal. */
export function settle(result, { onPick = null } = {}) {
  const { ok, body } = result;
  if (ok) {
    placeBooking({
      bookingId: body.booking.id, roomId: body.booking.room_id,
      localDay: body.booking.local_day, html: body.html,
    });
    if (body.message) toast(body.message);
  } else {
    toast(body.message || strings.networkError, {
      alternatives: body.alternatives || [], onPick, error: true,
    });
  }
  return ok;
}
