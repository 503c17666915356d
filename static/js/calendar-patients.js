// The patient picker of the session popovers: the professional's recent patients without
// typing (one click each), any patient after two letters (the professional's own first).
import { root, strings } from "./calendar-server.js";

const MIN_TYPED = 2;

export function makePicker(fieldset, professionalId) {
  const query = fieldset.querySelector("[name=patient_query]");
  const list = fieldset.querySelector("[data-choices]");
  const title = fieldset.querySelector("[data-choices-title]");
  const chosenBox = fieldset.querySelector("[data-chosen]");
  let chosen = [];
  let timer = null;
  let asked = 0;

  function drawChosen() {
    chosenBox.replaceChildren(...chosen.map((p) => {
      const chip = document.createElement("button");
      chip.type = "button";
      chip.className = "patient-chip is-chosen";
      chip.textContent = `${p.name} ×`;
      chip.setAttribute("aria-label", `${strings.removePatient}: ${p.name}`);
      chip.addEventListener("click", () => { chosen = chosen.filter((c) => c.id !== p.id); drawChosen(); refresh(); });
      return chip;
    }));
  }

  function drawChoices(results, recent) {
    const shown = results.filter((p) => !chosen.some((c) => c.id === p.id));
    title.textContent = recent
      ? (results.length ? strings.recentPatients : (professionalId() ? strings.noRecent : ""))
      : (results.length ? strings.searchResults : strings.noPatients);
    list.replaceChildren(...shown.map((p) => {
      const option = document.createElement("button");
      option.type = "button";
      option.className = "patient-chip";
      option.setAttribute("role", "option");
      option.dataset.patient = p.id;
      option.textContent = p.name;
      if (p.own && !recent) option.title = strings.ownPatient;
      option.addEventListener("click", () => {
        chosen.push(p);
        query.value = "";
        drawChosen();
        refresh();
      });
      return option;
    }));
  }

  async function refresh() {
    const text = query.value.trim();
    const typed = text.length >= MIN_TYPED;
    const pro = professionalId();
    if (!typed && !pro) { drawChoices([], true); return; }
    const ticket = ++asked;
    const params = new URLSearchParams({ q: typed ? text : "", professional: pro || "" });
    const response = await fetch(`${root.dataset.patientsUrl}?${params}`, { credentials: "same-origin" });
    if (!response.ok || ticket !== asked) return;
    const body = await response.json();
    drawChoices(body.results, body.recent);
  }

  query.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, 150); });
  query.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      const first = list.querySelector(".patient-chip");
      event.preventDefault();
      first?.click();
    }
  });

  return {
    ids: () => chosen.map((p) => p.id),
    set(patients) { chosen = [...patients]; query.value = ""; drawChosen(); refresh(); },
    reset() { chosen = []; query.value = ""; drawChosen(); list.replaceChildren(); title.textContent = ""; },
    refresh,
  };
}

/** Fill a currency <select> with a location's session currencies. */
export function fillCurrencies(select, currencies, current) {
  select.replaceChildren(...currencies.map((code) => {
    const option = document.createElement("option");
    option.value = code;
    option.textContent = code;
    option.selected = code === current;
    return option;
  }));
}
