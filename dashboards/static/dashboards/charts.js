// Draws the dashboard charts from the JSON the page embeds; every chart also has its table below it.
(function () {
  if (typeof echarts === "undefined") { return; }
  var source = document.getElementById("dashboard-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var labels = data.labels;
  function num(v) { return v === null || v === undefined ? null : Number(v); }
  // A bar of an area opens that area's dashboard, like the area's name in the table below the chart.
  function areaUrl(code) {
    var url = data.area_url.replace("000000000000", code);
    return data.as_of ? url + "?as_of=" + data.as_of : url;
  }
  function draw(id, option, rows) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    // drawn once the bars have grown to their size (the animation), so a click lands on them
    chart.on("finished", function () { el.setAttribute("data-drawn", "1"); });
    chart.setOption(option);
    if (rows) {
      chart.on("click", function (params) {
        var row = rows[params.dataIndex];
        if (row && row.code) { window.location.assign(areaUrl(row.code)); }
      });
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }
  // top leaves room for the legend above the axis names, which sit over the axes. Tooltips are drawn
  // in the chart (richText): ECharts' HTML tooltip writes style="" markers, which the
  // Content-Security-Policy refuses (core.headers).
  var grid = { left: 48, right: 48, top: 64, bottom: 16, containLabel: true };
  if (data.children.length) {
    draw("chart-children", {
      tooltip: { trigger: "axis", renderMode: "richText" }, grid: grid, legend: { top: 0 },
      xAxis: { type: "category", data: data.children.map(function (r) { return r.name; }), axisLabel: { rotate: 30 } },
      yAxis: [{ type: "value", name: labels.people }, { type: "value", name: labels.incidence }],
      series: [
        { name: labels.poor_people, type: "bar", data: data.children.map(function (r) { return r.poor_people; }) },
        { name: labels.incidence, type: "line", yAxisIndex: 1, data: data.children.map(function (r) { return num(r.incidence); }) }
      ]
    }, data.children);
  }
  if (data.trend.length) {
    draw("chart-trend", {
      tooltip: { trigger: "axis", renderMode: "richText" }, grid: grid, legend: { top: 0 },
      xAxis: { type: "category", data: data.trend.map(function (r) { return r.as_of; }), axisLabel: { rotate: 30, interval: 0 } },
      yAxis: [{ type: "value", name: labels.people }, { type: "value", name: labels.incidence }],
      series: [
        { name: labels.poor_people, type: "bar", data: data.trend.map(function (r) { return r.poor_people; }) },
        { name: labels.exited_people, type: "bar", data: data.trend.map(function (r) { return r.exited_people; }) },
        { name: labels.incidence, type: "line", yAxisIndex: 1, data: data.trend.map(function (r) { return num(r.incidence); }) }
      ]
    });
  }
  if (data.classes.length) {
    draw("chart-classes", {
      // empty classes stay in the table below but not in the ring, where their labels would pile up
      tooltip: { trigger: "item", renderMode: "richText" }, legend: { bottom: 0 },
      series: [{
        type: "pie", radius: ["35%", "62%"], center: ["50%", "45%"],
        label: { position: "inside", formatter: "{c}" },
        data: data.classes.filter(function (r) { return r.villages > 0; }).map(function (r) { return { name: r.label, value: r.villages }; })
      }]
    });
  }
  if (data.ledger.length) {
    draw("chart-ledger", {
      tooltip: { trigger: "axis", renderMode: "richText" }, grid: grid, legend: { top: 0 },
      xAxis: { type: "category", data: data.ledger.map(function (r) { return r.name; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "value" },
      series: [
        { name: labels.open, type: "bar", stack: "s", data: data.ledger.map(function (r) { return r.open - r.overdue; }) },
        { name: labels.overdue, type: "bar", stack: "s", color: "#dc3545", data: data.ledger.map(function (r) { return r.overdue; }) },
        { name: labels.closed, type: "bar", stack: "s", color: "#198754", data: data.ledger.map(function (r) { return r.closed; }) }
      ]
    }, data.ledger);
  }
})();
