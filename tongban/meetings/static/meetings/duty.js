// 作决定 on a row of the problem sheet fills the decision form with that problem (its source, title, link, unit).
document.querySelectorAll(".decide-on").forEach((button) => {
  button.addEventListener("click", () => {
    const form = document.getElementById("decision-form");
    if (!form) return;
    for (const [field, key] of [["problem_source", "source"], ["problem_title", "title"], ["problem_url", "url"]]) {
      form.querySelector(`[name=${field}]`).value = button.dataset[key];
    }
    const unit = form.querySelector("[name=unit]");
    if (unit.tomselect) unit.tomselect.setValue(button.dataset.unit); else unit.value = button.dataset.unit;
    document.getElementById("decision-problem").textContent = `${button.dataset.source}：${button.dataset.title}`;
    form.scrollIntoView({behavior: "smooth"});
    form.querySelector("[name=text]").focus();
  });
});
