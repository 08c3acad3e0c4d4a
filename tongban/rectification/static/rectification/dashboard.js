(function () {
  const data = JSON.parse(document.getElementById("rect-chart-data").textContent);
  const colors = { verified: "#198754", ongoing: "#0dcaf0", open: "#0d6efd" };
  const charts = [];

  function stacked(elementId, rows) {
    const el = document.getElementById(elementId);
    if (!el) return;
    const chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: rows.map((r) => r.label),
               axisLabel: { width: 160, overflow: "truncate" } },
      series: Object.keys(colors).map((key) => ({
        name: data.labels[key], type: "bar", stack: "total", itemStyle: { color: colors[key] },
        data: rows.map((r) => r[key]),
      })),
    });
    charts.push(chart);
  }

  stacked("chart-aspect", data.by_aspect);
  stacked("chart-unit", data.by_unit);

  const trendEl = document.getElementById("chart-trend");
  if (trendEl) {
    const trend = echarts.init(trendEl);
    trend.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, bottom: 8, top: 16, containLabel: true },
      xAxis: { type: "category", data: data.trend.map((w) => w.week.slice(5)) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: "销号", type: "line", smooth: true, areaStyle: {}, itemStyle: { color: "#b3261e" },
                 data: data.trend.map((w) => w.verified) }],
    });
    charts.push(trend);
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
  document.body.dataset.chartsReady = "1";
})();
