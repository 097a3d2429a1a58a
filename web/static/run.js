// The solve page: polls the run and shows its progress, then its result.
(function () {
  var box = document.getElementById("run");
  function put(id, text) { document.getElementById(id).textContent = text; }
  function gap(o, b) { return (b > 0 && o != null) ? (100 * Math.max(0, b - o) / b).toFixed(1) + "%" : "–"; }
  function show(s) {
    var p = s.progress || {}, r = s.result || {};
    put("status", s.status);
    document.getElementById("status").className = "badge " + (s.status === "succeeded" ? "published" : s.status === "failed" ? "draft" : "");
    if (p.objective != null) { put("objective", Math.round(p.objective)); put("bound", Math.round(p.bound)); put("gap", gap(p.objective, p.bound)); put("stage", (p.stage || "").replace("_", " ")); }
    var seconds = r.seconds != null ? r.seconds : p.seconds;
    if (seconds != null) { put("seconds", seconds.toFixed(1) + " s of " + s.time_limit + " s"); }
    var share = s.done ? 100 : Math.min(100, 100 * (p.seconds || 0) / (s.time_limit || 1));
    document.getElementById("bar").style.width = share + "%";
    if (s.status === "succeeded") {
      document.getElementById("result").hidden = false;
      put("r-places", r.priority_places); put("r-points", r.preference_points); put("r-minutes", r.teaching_minutes);
      put("r-fairness", r.fairness_points || 0); document.getElementById("r-fairness-figure").hidden = !r.fairness_points;
      put("bound", r.bound != null ? r.bound : "–"); put("gap", r.gap != null ? (100 * r.gap).toFixed(1) + "%" : "–");
      put("objective", r.priority_places); put("stage", "places");
      put("r-line", r.status + " · " + r.unplaced + " place(s) wanted but not found" +
        (r.stopped_by_clock ? " · stopped by the clock: another run may differ" : ""));
      var dropped = document.getElementById("r-not-carried");
      dropped.replaceChildren();
      (r.not_carried || []).forEach(function (line) {
        var item = document.createElement("li"); item.textContent = line; dropped.appendChild(item);
      });
      dropped.hidden = !(r.not_carried || []).length;
      document.getElementById("r-link").href = box.dataset.weekUrl;
    }
    if (s.status === "failed") { var e = document.getElementById("error"); e.hidden = false; e.textContent = s.error; }
  }
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      show(s);
      if (!s.done) { setTimeout(poll, 1000); }
    }).catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
