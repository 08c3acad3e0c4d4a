// 项目分析: ECharts from the vendored static assets; the figures are the page's json_script (selectors.dashboard_figures).
(function () {
  const figures = JSON.parse(document.getElementById("project-figures").textContent);
  const chart = (id, option) => { const el = document.getElementById(id); if (el && window.echarts) echarts.init(el).setOption(option); };
  const kpi = figures.kpi;
  chart("chart-kpi", {
    series: [{ type: "gauge", min: 0, max: 100, progress: { show: true },
      axisLine: { lineStyle: { width: 12, color: [[kpi.target / 100, "#dc3545"], [1, "#198754"]] } },
      detail: { formatter: kpi.share === null ? "—" : "{value}%", fontSize: 20 },
      data: [{ value: kpi.share === null ? 0 : kpi.share, name: "目标 " + kpi.target + "%" }] }],
  });
  chart("chart-stage", {
    tooltip: { trigger: "axis" }, legend: { data: ["绿色通道", "其他"] },
    xAxis: { type: "category", data: figures.stage_labels, axisLabel: { interval: 0, rotate: 20 } }, yAxis: { type: "value", minInterval: 1 },
    series: [{ name: "绿色通道", type: "bar", stack: "n", data: figures.green, color: "#198754" },
             { name: "其他", type: "bar", stack: "n", data: figures.normal, color: "#0d6efd" }],
  });
  chart("chart-elapsed", {
    tooltip: { trigger: "axis" }, legend: { data: ["平均已用", "平均时限"] },
    xAxis: { type: "category", data: figures.stage_labels.slice(1), axisLabel: { interval: 0, rotate: 20 } }, yAxis: { type: "value" },
    series: [{ name: "平均已用", type: "bar", data: figures.elapsed }, { name: "平均时限", type: "line", data: figures.limits }],
  });
})();
