// The execution chart: money received and spent (bars) and the execution rate (line), by month.
(function () {
  "use strict";
  var element = document.getElementById("funds-chart");
  var source = document.getElementById("funds-chart-data");
  if (!element || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(element);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [data.labels.received, data.labels.spent, data.labels.rate] },
    grid: { left: 60, right: 50, bottom: 40 },
    xAxis: { type: "category", data: data.months },
    yAxis: [
      { type: "value", name: "元" },
      { type: "value", name: "%", min: 0, max: 100 }
    ],
    series: [
      { name: data.labels.received, type: "bar", data: data.received },
      { name: data.labels.spent, type: "bar", data: data.spent },
      { name: data.labels.rate, type: "line", yAxisIndex: 1, data: data.rate }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
