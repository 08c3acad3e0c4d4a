// Searchable pickers (Tom Select) for every <select data-picker>: type a name, its pinyin initials (wgz) or
// full pinyin (wangguzhang), or a unit; people are shown with their unit. The <select> stays the form field.
(function () {
  function init(root) {
    root.querySelectorAll("select[data-picker]:not(.tomselected)").forEach(function (select) {
      const multiple = select.multiple;
      new TomSelect(select, {
        plugins: multiple ? ["remove_button"] : [],
        dataAttr: "data",  // the option's data-data JSON (its dataset key): pinyin, initials, hint (core.widgets)
        searchField: ["text", "pinyin", "initials", "hint"],
        maxOptions: 300,
        allowEmptyOption: !select.required,
        placeholder: select.dataset.placeholder,
        // after a pick, clear what was typed so the next name can be typed at once
        onItemAdd: function () { this.setTextboxValue(""); this.refreshOptions(false); },
        render: {
          option: function (data, escape) {
            const hint = data.hint ? '<div class="small text-muted">' + escape(data.hint) + "</div>" : "";
            return "<div>" + escape(data.text) + hint + "</div>";
          },
          item: function (data, escape) { return "<div>" + escape(data.text) + "</div>"; },
          no_results: function () { return '<div class="no-results">没有找到，换个写法试试（姓名、拼音首字母或单位）</div>'; },
        },
      });
    });
    document.body.dataset.pickersReady = "1";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(document); });
  else init(document);
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
