/* The project's widgets (units/widgets.py), enhanced on top of plain HTML that works
   without this file:
   - select[data-unit-picker]: a searchable unit picker (combobox with a listbox), the
     search blind to diacritics and case ("dong ngan" finds "Đông Ngàn"), the units grouped
     under their top-level parent; the <select> stays in the form and carries the value.
   - input[data-date-input]: dd/mm/yyyy typed in a text field; a small calendar button.
   No library, no CDN, no inline style (the page's CSP allows none). */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d").toLowerCase().replace(/[^0-9a-z]+/g, " ").trim();
  }

  // The option's label without the indentation some forms put in front of it.
  function bare(label) {
    return label.replace(/^[\s\u2003—–-]+/, "");
  }

  var pickers = 0;

  function UnitPicker(select) {
    this.select = select;
    this.id = "unit-picker-" + (++pickers);
    this.items = this.readItems();
    this.build();
  }

  UnitPicker.prototype.readItems = function () {
    var items = [], stack = [], top = null, base = null;
    Array.prototype.forEach.call(this.select.options, function (option, index) {
      var depth = parseInt(option.getAttribute("data-depth"), 10);
      var name = bare(option.textContent);
      var item = { index: index, value: option.value, name: name, key: fold(name),
                   depth: isNaN(depth) ? null : depth, group: null, parent: null };
      if (option.value === "" || item.depth === null) {
        items.push(item);
        return;
      }
      if (base === null || depth < base) base = depth;
      stack.length = Math.max(depth - base, 0);
      item.parent = (stack.length && stack[stack.length - 1]) || null;
      stack.push(item);
      // The group: the unit's ancestor one level below the top (a ward, a city body).
      if (depth - base <= 1) top = depth - base === 1 ? item : null;
      item.group = depth - base >= 1 ? top : null;
      item.level = depth - base;
      items.push(item);
    });
    return items;
  };

  UnitPicker.prototype.build = function () {
    var select = this.select, self = this;
    var wrap = document.createElement("div");
    wrap.className = "unit-picker";
    var input = document.createElement("input");
    input.type = "text";
    input.className = "unit-picker-input";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.id + "-list");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("spellcheck", "false");
    input.placeholder = "Gõ tên đơn vị để tìm";
    // The select keeps its id, name and value (the form and its tests use them); the
    // field's <label for=…> names the text box and moves the focus to it.
    var label = select.id ? document.querySelector("label[for='" + select.id + "']") : null;
    if (label) {
      input.setAttribute("aria-label", label.textContent.trim());
      label.addEventListener("click", function (event) { event.preventDefault(); input.focus(); });
    }
    if (select.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", "true");
    // The browser's own "required" bubble would point at the hidden select, in the
    // browser's language: the server says it, in Vietnamese, at the field.
    if (select.required) {
      select.required = false;
      input.setAttribute("aria-required", "true");
    }
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "unit-picker-toggle";
    toggle.tabIndex = -1;
    toggle.setAttribute("aria-label", "Mở danh sách đơn vị");
    toggle.textContent = "▾";
    var list = document.createElement("ul");
    list.id = this.id + "-list";
    list.className = "unit-picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "unit-picker-status visually-hidden";
    status.setAttribute("aria-live", "polite");

    select.classList.add("visually-hidden");
    select.tabIndex = -1;
    select.setAttribute("aria-hidden", "true");
    select.parentNode.insertBefore(wrap, select);
    wrap.appendChild(input);
    wrap.appendChild(toggle);
    wrap.appendChild(list);
    wrap.appendChild(status);
    wrap.appendChild(select);
    this.wrap = wrap; this.input = input; this.list = list; this.status = status;
    this.active = -1;
    this.shown = [];
    this.showChosen();

    input.addEventListener("input", function () { self.open(input.value); });
    input.addEventListener("focus", function () { input.select(); });
    input.addEventListener("click", function () { if (list.hidden) self.open(""); });
    input.addEventListener("keydown", function (event) { self.key(event); });
    input.addEventListener("blur", function () {
      // A tap on an option blurs the input first: let the tap choose before closing.
      window.setTimeout(function () {
        if (!wrap.contains(document.activeElement)) self.close(true);
      }, 150);
    });
    toggle.addEventListener("click", function () {
      if (list.hidden) { input.focus(); self.open(""); } else { self.close(true); }
    });
    // mousedown/pointerdown would move the focus out of the input; keep it there.
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var li = event.target.closest("li[role=option]");
      if (li) self.choose(parseInt(li.getAttribute("data-index"), 10));
    });
    select.addEventListener("change", function () { self.showChosen(); });
    if (select.form) select.form.addEventListener("reset", function () {
      window.setTimeout(function () { self.showChosen(); }, 0);
    });
  };

  UnitPicker.prototype.chosen = function () {
    return this.items[this.select.selectedIndex] || null;
  };

  UnitPicker.prototype.showChosen = function () {
    var item = this.chosen();
    this.input.value = item && item.value !== "" ? item.name : "";
    var empty = this.items.filter(function (i) { return i.value === "" && i.name; })[0];
    if (empty) this.input.placeholder = empty.name;
  };

  UnitPicker.prototype.matches = function (query) {
    var words = fold(query).split(" ").filter(Boolean);
    // Django's "---------" of a required field is no choice to offer.
    if (!words.length) return this.items.filter(function (item) { return item.value !== "" || item.name; });
    return this.items.filter(function (item) {
      if (item.value === "") return false;
      return words.every(function (word) { return item.key.indexOf(word) !== -1; });
    });
  };

  UnitPicker.prototype.open = function (query) {
    var self = this, list = this.list, found = this.matches(query);
    var searching = fold(query) !== "";
    list.textContent = "";
    this.shown = found;
    this.active = -1;
    var lastGroup;
    found.forEach(function (item, position) {
      // A group's heading when a search shows a unit without the unit it belongs to.
      if (searching && item.group && item.group !== item && item.group !== lastGroup &&
          found.indexOf(item.group) === -1) {
        var heading = document.createElement("li");
        heading.className = "unit-picker-group";
        heading.setAttribute("role", "presentation");
        heading.textContent = item.group.name;
        list.appendChild(heading);
      }
      lastGroup = item.group === item ? item : item.group;
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = self.id + "-opt-" + item.index;
      li.setAttribute("data-index", item.index);
      li.setAttribute("data-position", position);
      li.className = "unit-picker-option level-" + Math.min(item.level || 0, 4) +
        (item.value === "" ? " unit-picker-any" : "") +
        (item.level === 1 ? " unit-picker-top" : "");
      li.setAttribute("aria-selected", item.index === self.select.selectedIndex ? "true" : "false");
      li.textContent = item.name;
      if (searching && item.parent && item.parent !== item.group && item.level > 1) {
        var under = document.createElement("span");
        under.className = "unit-picker-under";
        under.textContent = "thuộc " + item.parent.name;
        li.appendChild(under);
      }
      list.appendChild(li);
    });
    if (!found.length) {
      var none = document.createElement("li");
      none.className = "unit-picker-none";
      none.setAttribute("role", "presentation");
      none.textContent = "Không có đơn vị nào khớp với “" + query.trim() + "”.";
      list.appendChild(none);
    }
    this.status.textContent = found.length ? found.length + " đơn vị" : "Không có đơn vị nào";
    list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.wrap.classList.add("open");
    if (searching && found.length) {
      this.move(0);
    } else {
      // The whole list: start from the chosen unit, so the arrows move on from it.
      var current = this.list.querySelector("[aria-selected=true]");
      if (current) this.move(parseInt(current.getAttribute("data-position"), 10));
    }
  };

  UnitPicker.prototype.close = function (restore) {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.wrap.classList.remove("open");
    if (restore) {
      // An emptied box means "no unit" where the select offers an empty choice.
      if (this.input.value.trim() === "" && this.items.length && this.items[0].value === "" &&
          this.items[0].name && this.select.selectedIndex !== 0) {
        this.choose(0);
        return;
      }
      this.showChosen();
    }
  };

  UnitPicker.prototype.move = function (position) {
    var options = this.list.querySelectorAll("li[role=option]");
    if (!options.length) return;
    position = Math.max(0, Math.min(options.length - 1, position));
    options.forEach(function (li) { li.classList.remove("active"); });
    var li = options[position];
    li.classList.add("active");
    li.scrollIntoView({ block: "nearest" });
    this.active = position;
    this.input.setAttribute("aria-activedescendant", li.id);
  };

  UnitPicker.prototype.choose = function (index) {
    if (this.select.selectedIndex !== index) {
      this.select.selectedIndex = index;
      this.select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    this.showChosen();
    this.close(false);
  };

  UnitPicker.prototype.key = function (event) {
    var closed = this.list.hidden;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (closed) this.open("");
        else this.move(this.active + 1);
        break;
      case "ArrowUp":
        event.preventDefault();
        if (!closed) this.move(this.active - 1);
        break;
      case "Enter":
        if (!closed && this.active >= 0) {
          event.preventDefault();  // choose, do not submit the form yet
          var li = this.list.querySelectorAll("li[role=option]")[this.active];
          this.choose(parseInt(li.getAttribute("data-index"), 10));
        }
        break;
      case "Escape":
        if (!closed) { event.preventDefault(); this.close(false); this.showChosen(); }
        break;
    }
  };

  /* Dates: dd/mm/yyyy typed; a button opens a month grid to pick from. */
  var MONTHS = ["Tháng 1", "Tháng 2", "Tháng 3", "Tháng 4", "Tháng 5", "Tháng 6", "Tháng 7",
                "Tháng 8", "Tháng 9", "Tháng 10", "Tháng 11", "Tháng 12"];
  var DAYS = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"];

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function parseDate(text) {
    var m = /^\s*(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})\s*$/.exec(text) ||
            /^\s*(\d{2})(\d{2})(\d{4})\s*$/.exec(text);
    if (!m) return null;
    var d = new Date(+m[3], +m[2] - 1, +m[1]);
    if (d.getFullYear() !== +m[3] || d.getMonth() !== +m[2] - 1 || d.getDate() !== +m[1]) return null;
    return d;
  }

  function formatDate(d) {
    return pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear();
  }

  function calendarIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "20");
    svg.setAttribute("height", "20");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    [["rect", { x: 3, y: 5, width: 18, height: 16, rx: 2 }], ["path", { d: "M3 10h18M8 3v4M16 3v4" }]]
      .forEach(function (shape) {
        var el = document.createElementNS(ns, shape[0]);
        Object.keys(shape[1]).forEach(function (k) { el.setAttribute(k, shape[1][k]); });
        el.setAttribute("fill", "none");
        el.setAttribute("stroke", "currentColor");
        el.setAttribute("stroke-width", "2");
        svg.appendChild(el);
      });
    return svg;
  }

  function DateWidget(input) {
    var self = this;
    this.input = input;
    var wrap = document.createElement("span");
    wrap.className = "date-input";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "date-input-button";
    button.setAttribute("aria-label", "Chọn ngày trên lịch");
    button.setAttribute("aria-expanded", "false");
    button.appendChild(calendarIcon());
    wrap.appendChild(button);
    this.wrap = wrap; this.button = button;
    button.addEventListener("click", function () {
      if (self.panel) self.closeCalendar(); else self.openCalendar();
    });
    // Written as 25/3/2026 or 25032026: shown back as 25/03/2026 once the box is left.
    input.addEventListener("blur", function () {
      var d = parseDate(input.value);
      if (d) input.value = formatDate(d);
    });
    document.addEventListener("click", function (event) {
      // A month's button is gone once clicked (the grid is redrawn): not a click outside.
      if (self.panel && event.target.isConnected && !wrap.contains(event.target)) {
        self.closeCalendar();
      }
    });
  }

  DateWidget.prototype.openCalendar = function () {
    var shown = parseDate(this.input.value) || new Date();
    this.month = new Date(shown.getFullYear(), shown.getMonth(), 1);
    this.panel = document.createElement("div");
    this.panel.className = "date-calendar";
    this.panel.setAttribute("role", "dialog");
    this.panel.setAttribute("aria-label", "Lịch");
    this.wrap.appendChild(this.panel);
    this.button.setAttribute("aria-expanded", "true");
    this.draw();
  };

  DateWidget.prototype.closeCalendar = function () {
    if (this.panel) this.panel.remove();
    this.panel = null;
    this.button.setAttribute("aria-expanded", "false");
  };

  DateWidget.prototype.draw = function () {
    var self = this, panel = this.panel, month = this.month;
    var chosen = parseDate(this.input.value), today = new Date();
    panel.textContent = "";
    var head = document.createElement("div");
    head.className = "date-calendar-head";
    function step(label, text, delta) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", function () {
        self.month = new Date(month.getFullYear(), month.getMonth() + delta, 1);
        self.draw();
      });
      return b;
    }
    var title = document.createElement("span");
    title.textContent = MONTHS[month.getMonth()] + " / " + month.getFullYear();
    head.appendChild(step("Tháng trước", "‹", -1));
    head.appendChild(title);
    head.appendChild(step("Tháng sau", "›", 1));
    panel.appendChild(head);
    var grid = document.createElement("div");
    grid.className = "date-calendar-grid";
    DAYS.forEach(function (d) {
      var cell = document.createElement("span");
      cell.className = "date-calendar-dow";
      cell.textContent = d;
      grid.appendChild(cell);
    });
    var offset = (month.getDay() + 6) % 7;  // Monday first
    for (var i = 0; i < offset; i++) grid.appendChild(document.createElement("span"));
    var last = new Date(month.getFullYear(), month.getMonth() + 1, 0).getDate();
    for (var day = 1; day <= last; day++) {
      var date = new Date(month.getFullYear(), month.getMonth(), day);
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = day;
      b.setAttribute("aria-label", formatDate(date));
      if (chosen && formatDate(chosen) === formatDate(date)) b.className = "chosen";
      else if (formatDate(today) === formatDate(date)) b.className = "today";
      b.addEventListener("click", (function (d) {
        return function () {
          self.input.value = formatDate(d);
          self.input.dispatchEvent(new Event("change", { bubbles: true }));
          self.closeCalendar();
          self.input.focus();
        };
      })(date));
      grid.appendChild(b);
    }
    panel.appendChild(grid);
  };

  function enhance(root) {
    root.querySelectorAll("select[data-unit-picker]:not([data-enhanced])").forEach(function (s) {
      s.setAttribute("data-enhanced", "");
      new UnitPicker(s);
    });
    root.querySelectorAll("input[data-date-input]:not([data-enhanced])").forEach(function (i) {
      i.setAttribute("data-enhanced", "");
      new DateWidget(i);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
