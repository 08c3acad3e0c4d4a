(function () {
  const data = JSON.parse(document.getElementById("supervision-chart-data").textContent);
  const charts = [];
  const grid = { left: 8, right: 16, bottom: 8, top: 32, containLabel: true };

  function chart(id, option) {
    const el = document.getElementById(id);
    if (!el) return;
    const c = echarts.init(el);
    c.setOption(option);
    charts.push(c);
  }

  chart("chart-unit", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: grid,
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", inverse: true, data: data.by_unit.map((r) => r.unit),
             axisLabel: { width: 160, overflow: "truncate" } },
    series: [{ name: "按期办结率", type: "bar", barMaxWidth: 28, itemStyle: { color: "#198754" },
               data: data.by_unit.map((r) => r.on_time_rate) }],
  });
  chart("chart-month", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: grid,
    xAxis: { type: "category", data: data.by_month.map((m) => m.month) },
    yAxis: [{ type: "value", max: 100, axisLabel: { formatter: "{value}%" } }, { type: "value", minInterval: 1 }],
    series: [
      { name: "作出决定", type: "bar", yAxisIndex: 1, barMaxWidth: 28, itemStyle: { color: "#9ec5fe" },
        data: data.by_month.map((m) => m.decided) },
      { name: "按期办结率", type: "line", z: 3, showSymbol: true, symbolSize: 8, itemStyle: { color: "#198754" },
        label: { show: true, formatter: (p) => (p.value == null ? "" : p.value + "%") },
        data: data.by_month.map((m) => m.on_time_rate) },
    ],
  });
  chart("chart-trend", {
    tooltip: { trigger: "axis" },
    grid: grid,
    xAxis: { type: "category", data: data.trend.map((w) => w.week.slice(5)) },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: "新增超期", type: "line", areaStyle: {}, itemStyle: { color: "#b3261e" },
               data: data.trend.map((w) => w.overdue) }],
  });
  const maxHeat = Math.max(1, ...data.heat.cells.map((c) => c[2]));
  chart("chart-heat", {
    tooltip: { position: "top" },
    grid: { left: 8, right: 16, bottom: 64, top: 16, containLabel: true },
    xAxis: { type: "category", data: data.heat.weeks.map((w) => w.slice(5)), splitArea: { show: true } },
    yAxis: { type: "category", data: data.heat.units, splitArea: { show: true },
             axisLabel: { width: 140, overflow: "truncate" } },
    visualMap: { min: 0, max: maxHeat, calculable: true, orient: "horizontal", left: "center", bottom: 0,
                 inRange: { color: ["#fff5f0", "#b3261e"] } },
    series: [{ name: "超期子办件", type: "heatmap", data: data.heat.cells, label: { show: true } }],
  });
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
  document.body.dataset.chartsReady = "1";
})();
