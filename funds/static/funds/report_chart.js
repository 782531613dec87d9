// Execution-rate bar chart for the funds report; data comes from the page (json_script), no network.
(function () {
  var el = document.getElementById("execution-chart");
  var data = document.getElementById("chart-data");
  if (!el || !data || !window.echarts) { return; }
  var chart = JSON.parse(data.textContent);
  var instance = window.echarts.init(el);
  instance.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [chart.allocated_label, chart.paid_label] },
    grid: { left: 60, right: 20, bottom: 60, top: 40 },
    xAxis: { type: "category", data: chart.labels, axisLabel: { interval: 0, rotate: chart.labels.length > 4 ? 30 : 0 } },
    yAxis: { type: "value", name: chart.unit },
    series: [
      { name: chart.allocated_label, type: "bar", data: chart.allocated },
      { name: chart.paid_label, type: "bar", data: chart.paid }
    ]
  });
  window.addEventListener("resize", function () { instance.resize(); });
})();
