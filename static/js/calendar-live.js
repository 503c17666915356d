// The live stream: subscribe to what the page shows, apply pushed changes, resync on
// every (re)connect when anything changed since the grid was drawn (messages can be lost).
import { calBody, markSynced, placeBooking, removeBooking, resync, root, strings } from "./calendar-server.js";

let socket = null;
let retryDelay = 500;

function setState(state) {
  document.body.dataset.live = state;
  const badge = calBody()?.querySelector(".live");
  if (badge) {
    badge.dataset.liveState = state;
    badge.textContent = { live: strings.live, paused: strings.paused }[state] ?? strings.offline;
  }
}

export function subscribe() {
  const body = calBody();
  if (!socket || socket.readyState !== WebSocket.OPEN || !body) return;
  setState("connecting");
  socket.send(JSON.stringify({
    type: "subscribe",
    locations: body.dataset.locations.split(",").filter(Boolean).map(Number),
    first_day: body.dataset.firstDay,
    last_day: body.dataset.lastDay,
    since: body.dataset.renderedAt,
  }));
}

function onMessage(event) {
  const message = JSON.parse(event.data);
  if (message.type === "subscribed") {
    // Paused: the server cannot reach its channel layer just now; the page still works and
    // is told to resync when live updates are back.
    setState(message.paused ? "paused" : "live");
    // A grid drawn a moment ago, with nothing changed since, is not fetched and drawn again.
    if (message.changed === false) markSynced();
    else resync();
  } else if (message.type === "live.paused") {
    setState("paused");
  } else if (message.type === "resync") {
    setState("live");
    resync();
  } else if (message.type === "booking") {
    placeBooking({
      bookingId: message.booking_id, roomId: message.room_id,
      localDay: message.local_day, html: message.html,
    });
  } else if (message.type === "booking.gone") {
    removeBooking(message.booking_id);
  }
}

export function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}${root.dataset.wsPath}`);
  socket.addEventListener("open", () => { retryDelay = 500; subscribe(); });
  socket.addEventListener("message", onMessage);
  socket.addEventListener("close", (event) => {
    setState("offline");
    if (event.code === 4401) { window.location.reload(); return; } // signed out elsewhere
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 10000);
  });
}
