// Draws each figure of the dashboard with ECharts; a click on a data point opens its list.
(function () {
  "use strict";
  var board = JSON.parse(document.getElementById("dashboard-data").textContent);

  function item(point, negate) {
    var value = point.value === null ? null : (negate ? -point.value : point.value);
    return { value: value, url: point.url, text: point.text };
  }

  function plotted(data) {
    return data.series.filter(function (series) { return series.plotted; });
  }

  function option(figure) {
    var data = figure.data;
    var series = plotted(data);
    var pyramid = figure.kind === "pyramid";
    var stacked = figure.kind === "stacked_bar" || pyramid;
    var built = series.map(function (s, index) {
      var negate = pyramid && index === 0;  // men to the left of the axis
      return {
        name: s.name,
        type: "bar",
        stack: stacked ? "total" : undefined,
        data: s.points.map(function (p) { return item(p, negate); }),
        cursor: "pointer",
        label: { show: !stacked, position: "right",
                 formatter: function (p) { return p.data.text; } }
      };
    });
    if (figure.kind === "targets" && built.length) {
      built[0].markLine = { symbol: "none", data: [{ xAxis: 100 }], label: { formatter: "100%" } };
    }
    return {
      animation: false,
      tooltip: { trigger: "item", formatter: function (p) {
        return p.seriesName + "<br>" + p.name + "：" + p.data.text;
      } },
      legend: { show: series.length > 1, top: 0 },
      grid: { left: 8, right: 48, top: series.length > 1 ? 32 : 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", axisLabel: { formatter: function (v) { return Math.abs(v); } } },
      yAxis: { type: "category", inverse: true, data: data.categories,
               axisLabel: { width: 140, overflow: "truncate" } },
      series: built
    };
  }

  board.figures.forEach(function (figure) {
    var element = document.getElementById("chart-" + figure.key);
    if (!element || !figure.data) { return; }
    element.style.height = Math.max(240, figure.data.categories.length * 30 + 80) + "px";
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option(figure));
    chart.on("click", function (params) {
      if (params.data && params.data.url) { window.location.href = params.data.url; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
}());
