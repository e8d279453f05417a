/* Progressive enhancement only: every page reads and every form posts without this file. */
(function () {
  "use strict";

  // Filters open beside the results on desktop, folded into a drawer on phones.
  function foldFilters(root) {
    if (!window.matchMedia("(max-width: 959px)").matches) return;
    root.querySelectorAll("details.filters[data-fold]").forEach(function (d) {
      d.removeAttribute("open");
    });
  }

  // A form marked data-once sends once: a double click cannot post twice (the server is
  // idempotent anyway; this only spares the second request).
  function guardForms(root) {
    root.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function () {
        window.setTimeout(function () {
          form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
        }, 0);
      });
    });
  }

  // Statistics charts: data comes from a JSON script beside the chart, the same numbers as the
  // table next to it. Decal patterns keep series apart in greyscale.
  function drawCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      var key = el.getAttribute("data-chart-key");
      if (key) spec = spec[key];
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      chart.setOption({
        animation: !still,
        aria: { enabled: true, decal: { show: true }, label: { enabled: true } },
        color: ["#0b5cad", "#c25e00", "#17603a", "#6b3fa0", "#4d5866"],
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 8, right: 8, bottom: 8, top: 36, containLabel: true },
        xAxis: { type: "category", data: spec.categories, name: spec.xName,
                 axisLabel: { interval: 0, rotate: spec.categories.length > 6 ? 35 : 0 } },
        yAxis: { type: "value", name: spec.yName },
        series: spec.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; })
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // The declaration wizard shows the fields of the chosen fee type only (all without JS).
  function feeGroups(root) {
    var form = root.querySelector ? root.querySelector("#declare-form") : null;
    if (!form) return;
    function value(name) {
      var el = form.querySelector("[name=" + name + "]:checked") || form.querySelector("select[name=" + name + "]");
      return el ? el.value : "";
    }
    function update() {
      var fee = value("fee_type");
      var active = [fee];
      if (fee === "STAGED_TRIAL") active.push(value("after_trial"));
      form.querySelectorAll("[data-fee-groups]").forEach(function (el) {
        var groups = el.getAttribute("data-fee-groups").split(" ");
        el.hidden = !groups.some(function (g) { return active.indexOf(g) >= 0; });
      });
    }
    form.addEventListener("change", update);
    update();
  }

  // Phones: the one-row navigation scrolls; show the current page's item.
  function showCurrentNav() {
    var nav = document.querySelector(".nav");
    var current = nav && nav.querySelector("[aria-current=page]");
    if (!current || nav.scrollWidth <= nav.clientWidth) return;
    var offset = current.getBoundingClientRect().left - nav.getBoundingClientRect().left;
    nav.scrollLeft += offset - (nav.clientWidth - current.offsetWidth) / 2;
  }

  function enhance(root) {
    feeGroups(root);
    foldFilters(root);
    guardForms(root);
    drawCharts(root);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); showCurrentNav(); });
  document.addEventListener("htmx:afterSwap", function (e) { guardForms(e.detail.target); });
})();
