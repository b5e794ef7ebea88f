// "Cần kiểm tra": select models (all, by group or one by one); the booking panel follows
// the selection and stays in reach. Without JavaScript the page still works: the panel
// sits below the list and the button is always enabled (the server says what is missing).
(function () {
  var form = document.getElementById("schedule-form");
  if (!form) return;
  var boxes = Array.prototype.slice.call(form.querySelectorAll(".case-check"));
  var panel = document.getElementById("booking-panel");
  var toggle = document.getElementById("booking-toggle");
  var submit = document.getElementById("schedule-submit");
  var reason = document.getElementById("schedule-reason");
  var count = document.getElementById("selected-count");
  var names = document.getElementById("selected-names");
  var checkAll = document.getElementById("check-all");

  function refresh() {
    var chosen = boxes.filter(function (box) { return box.checked; });
    count.textContent = chosen.length ? "Đã chọn " + chosen.length + " mô hình" : "Chưa chọn mô hình nào";
    names.textContent = "";
    chosen.forEach(function (box) {
      var item = document.createElement("li");
      item.textContent = box.dataset.name;
      names.appendChild(item);
    });
    submit.disabled = chosen.length === 0;
    reason.hidden = chosen.length > 0;
    if (checkAll) checkAll.checked = chosen.length === boxes.length;
    form.querySelectorAll(".case-group").forEach(function (group) {
      var inGroup = group.querySelectorAll(".case-check");
      var picked = group.querySelectorAll(".case-check:checked").length;
      var badge = group.querySelector(".group-selected");
      badge.hidden = picked === 0;
      badge.textContent = "đã chọn " + picked;
      group.querySelector(".group-check").checked = picked === inGroup.length;
    });
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target === checkAll) {
      boxes.forEach(function (box) { box.checked = target.checked; });
    } else if (target.classList.contains("group-check")) {
      target.closest(".case-group").querySelectorAll(".case-check").forEach(function (box) {
        box.checked = target.checked;
      });
    }
    refresh();
  });

  if (panel && toggle) {
    panel.classList.add("docked");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = !panel.classList.contains("open");
      panel.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? "Thu gọn" : "Điền lịch";
    });
  }
  var collapse = document.getElementById("collapse-all");
  if (collapse) {
    collapse.addEventListener("click", function () {
      var groups = form.querySelectorAll(".case-group");
      var anyOpen = Array.prototype.some.call(groups, function (g) { return g.open; });
      groups.forEach(function (g) { g.open = !anyOpen; });
      collapse.textContent = anyOpen ? "Mở các nhóm" : "Thu gọn các nhóm";
    });
  }
  refresh();
})();
