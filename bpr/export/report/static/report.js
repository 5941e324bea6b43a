// bpr report: sorts and filters the ranked table of index.html. No library, no network, no inline code.
// Each row's sort keys are read once; a sort reorders an array and re-appends the rows in one
// DocumentFragment, and a filter only sets `hidden`, so 10,000 rows stay quick.
(function () {
  "use strict";
  var table = document.getElementById("procedures");
  var form = document.getElementById("filters");
  if (!table || !table.tBodies.length || !table.tHead) {
    return;
  }
  var body = table.tBodies[0];
  var TEXT_KEYS = { name: true, section: true };
  var collator = new Intl.Collator("ja", { numeric: true, sensitivity: "base" });
  var headers = Array.prototype.slice.call(table.tHead.querySelectorAll("th[aria-sort]"));
  var columns = {};
  headers.forEach(function (th) {
    var button = th.querySelector("button[data-sort-key]");
    if (button) {
      columns[button.getAttribute("data-sort-key")] = th.cellIndex;
    }
  });
  var keys = Object.keys(columns);
  var records = Array.prototype.map.call(body.rows, function (tr, index) {
    var values = {};
    keys.forEach(function (key) {
      var cell = tr.cells[columns[key]];
      var value = cell ? cell.getAttribute("data-value") || "" : "";
      values[key] = TEXT_KEYS[key] ? value : parseFloat(value) || 0;
    });
    return {
      tr: tr,
      index: index,
      values: values,
      section: tr.getAttribute("data-section") || "",
      measure: tr.getAttribute("data-measure") || "",
      priority: tr.getAttribute("data-priority") === "true",
      text: tr.getAttribute("data-text") || "",
      shown: true
    };
  });
  // Text columns are ranked once with the Japanese collator; every later sort compares numbers.
  var textOrder = {};
  function orderOf(key) {
    if (!textOrder[key]) {
      var sorted = records.slice().sort(function (a, b) {
        return collator.compare(a.values[key], b.values[key]);
      });
      var order = new Array(records.length);
      var position = 0;
      sorted.forEach(function (record, i) {
        if (i > 0 && collator.compare(sorted[i - 1].values[key], record.values[key]) !== 0) {
          position = i;
        }
        order[record.index] = position;
      });
      textOrder[key] = order;
    }
    return textOrder[key];
  }
  var LARGEST_FIRST = { volume: true, hours: true, online: true, rpa: true, ai_ocr: true };
  var current = { key: "rank", ascending: true };

  function sortBy(key, ascending) {
    var order = TEXT_KEYS[key] ? orderOf(key) : null;
    var sign = ascending ? 1 : -1;
    var sorted = records.slice().sort(function (a, b) {
      var x = order ? order[a.index] : a.values[key];
      var y = order ? order[b.index] : b.values[key];
      return (x - y) * sign || a.index - b.index;
    });
    var fragment = document.createDocumentFragment();
    sorted.forEach(function (record) {
      fragment.appendChild(record.tr);
    });
    body.appendChild(fragment);
    current = { key: key, ascending: ascending };
    // The caption says the order the rows are in now, as the headers' aria-sort does.
    var caption = table.caption;
    if (caption) {
      var label = "";
      headers.forEach(function (th) {
        var button = th.querySelector("button[data-sort-key]");
        if (button && button.getAttribute("data-sort-key") === key) {
          label = button.textContent.trim();
        }
      });
      var order = key === "rank" && ascending ? "優先順位の順" : label + (ascending ? "の小さい順" : "の大きい順");
      caption.textContent = order + "の手続 (全" + caption.getAttribute("data-total") + "件)";
    }
    headers.forEach(function (th) {
      var button = th.querySelector("button[data-sort-key]");
      var state = "none";
      if (button && button.getAttribute("data-sort-key") === key) {
        state = ascending ? "ascending" : "descending";
      }
      th.setAttribute("aria-sort", state);
    });
  }

  table.tHead.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-sort-key]") : null;
    if (!button) {
      return;
    }
    var key = button.getAttribute("data-sort-key");
    // A first click ranks 年間件数, 期待削減 and the scores largest first, as a chief reads them; names,
    // sections and the rank itself in their natural order. A second click turns the order round.
    sortBy(key, key === current.key ? !current.ascending : !LARGEST_FIRST[key]);
  });

  if (!form) {
    return;
  }
  var text = document.getElementById("filter-text");
  var section = document.getElementById("filter-section");
  var measure = document.getElementById("filter-measure");
  var priority = document.getElementById("filter-priority");
  var count = document.getElementById("shown-count");

  function normalise(value) {
    return (value.normalize ? value.normalize("NFKC") : value).toLowerCase();
  }

  function applyFilters() {
    var words = normalise(text ? text.value : "").split(/\s+/).filter(Boolean);
    var wantedSection = section ? section.value : "";
    var wantedMeasure = measure ? measure.value : "";
    var onlyPriority = priority ? priority.checked : false;
    var shown = 0;
    records.forEach(function (record) {
      var visible =
        (!wantedSection || record.section === wantedSection) &&
        (!wantedMeasure || record.measure === wantedMeasure) &&
        (!onlyPriority || record.priority) &&
        words.every(function (word) {
          return record.text.indexOf(word) !== -1;
        });
      if (visible !== record.shown) {
        record.tr.hidden = !visible;
        record.shown = visible;
      }
      if (visible) {
        shown += 1;
      }
    });
    if (count) {
      count.textContent = shown + "件を表示（全" + records.length + "件）";
    }
  }

  form.addEventListener("input", applyFilters);
  form.addEventListener("change", applyFilters);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    applyFilters();
  });
  form.addEventListener("reset", function () {
    window.setTimeout(applyFilters, 0);
  });
  form.hidden = false;
  applyFilters();
})();
