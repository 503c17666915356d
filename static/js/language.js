// The language switch in the top bar: choosing a language applies it at once (the
// "Change" button is there for a browser without scripts).
for (const form of document.querySelectorAll("form.language-switch")) {
  const select = form.querySelector("select");
  form.querySelector(".language-apply")?.setAttribute("hidden", "");
  select.addEventListener("change", () => form.requestSubmit());
}
