(function () {
  const data = JSON.parse(document.getElementById("home-chart-data").textContent);
  const units = echarts.init(document.getElementById("chart-units"));
  units.setOption({
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["40%", "70%"], data: data.units, label: { formatter: "{b}\n{c}" } }],
  });
  const windows = echarts.init(document.getElementById("chart-windows"));
  windows.setOption({
    tooltip: {},
    xAxis: { type: "category", data: data.windows.labels },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: data.windows.values, itemStyle: { color: "#b3261e" } }],
  });
  window.addEventListener("resize", () => { units.resize(); windows.resize(); });
  document.body.dataset.chartsReady = "1";
})();
