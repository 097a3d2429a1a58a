// A what-if run's page: polls the run and moves its progress bar until it is done.
(function () {
  var box = document.getElementById("progress");
  var bar = box.querySelector(".progress");
  var stage = document.getElementById("stage");
  var span = bar.querySelector("span");
  span.style.width = span.dataset.percent + "%";
  function poll() {
    fetch(box.dataset.poll, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        var pct = Math.round(s.fraction * 100);
        bar.querySelector("span").style.width = pct + "%";
        bar.setAttribute("aria-valuenow", pct);
        stage.textContent = s.stage;
        if (s.done) { window.location.reload(); } else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
