document.getElementById("check-all")?.addEventListener("change", function (event) {
  document.querySelectorAll(".case-check").forEach(function (box) { box.checked = event.target.checked; });
});
