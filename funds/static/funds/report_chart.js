// Execution-rate bar chart for the funds report; data comes from the page (json_script), no network.
// The legend sits on top, above the axis name; containLabel keeps the rotated category names inside the
// chart's box, below the axis, so neither runs into the other (issue 12). The tooltip is drawn in the
// chart (richText): the HTML one writes style="", which the Content-Security-Policy refuses.
(function () {
  var el = document.getElementById("execution-chart");
  var data = document.getElementById("chart-data");
  if (!el || !data || !window.echarts) { return; }
  var chart = JSON.parse(data.textContent);
  var instance = window.echarts.init(el, null, { renderer: "svg" });
  instance.on("finished", function () { el.setAttribute("data-drawn", "1"); });
  instance.setOption({
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { top: 0, data: [chart.allocated_label, chart.paid_label] },
    grid: { left: 16, right: 24, bottom: 8, top: 64, containLabel: true },
    xAxis: { type: "category", data: chart.labels, axisLabel: { interval: 0, rotate: chart.labels.length > 4 ? 30 : 0 } },
    yAxis: { type: "value", name: chart.unit, nameGap: 12 },
    series: [
      { name: chart.allocated_label, type: "bar", data: chart.allocated },
      { name: chart.paid_label, type: "bar", data: chart.paid }
    ]
  });
  window.addEventListener("resize", function () { instance.resize(); });
})();
