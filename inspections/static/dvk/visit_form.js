(function () {
  // A convenience only: the server recomputes the total from the scores it receives.
  var inputs = document.querySelectorAll("#visit-form input.score");
  var out = document.getElementById("score-total");
  function recompute() {
    var total = 0;
    inputs.forEach(function (input) {
      var value = parseInt(input.value, 10);
      var max = parseInt(input.dataset.max, 10);
      var bad = input.value !== "" && (isNaN(value) || value < 0 || value > max);
      input.classList.toggle("invalid", bad);
      if (!bad && !isNaN(value)) { total += value; }
    });
    out.textContent = total;
  }
  inputs.forEach(function (input) { input.addEventListener("input", recompute); });
  recompute();
})();
