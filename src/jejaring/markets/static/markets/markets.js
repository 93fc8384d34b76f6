/* Peluang Pasar: world choropleth (world-atlas shapes served as GeoJSON) and the product space. */
(function () {
  "use strict";
  function run() {
    var el = document.getElementById("markets-data");
    if (!el || typeof echarts === "undefined") return;
    var data = JSON.parse(el.textContent);
    var locale = data.lang === "en" ? "en-US" : "id-ID";
    var fmt = function (v) { return Number(v || 0).toLocaleString(locale, { maximumFractionDigits: 0 }); };
    fetch("/markets/world.geojson").then(function (r) { return r.json(); }).then(function (geo) {
      var node = document.getElementById("markets-map");
      echarts.registerMap("world", geo);
      var chart = echarts.init(node);
      var rows = data.world.map(function (r) {
        return { name: String(r.m49 || "").padStart(3, "0"), value: r.unrealised, label: r.name || r.importer };
      });
      var max = Math.max.apply(null, rows.map(function (r) { return r.value; }).concat([1]));
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) {
          return p.data ? p.data.label + ": " + fmt(p.data.value) : "";
        } },
        visualMap: { min: 0, max: max, left: 10, bottom: 10, text: [data.title, ""], calculable: true,
                     inRange: { color: ["#e8f1f5", "#1f6f8b"] } },
        series: [{ type: "map", map: "world", roam: true, data: rows, emphasis: { label: { show: false } } }]
      });
      node.setAttribute("data-ready", String(geo.features.length));
    });
    var space = document.getElementById("markets-space");
    if (space) {
      var g = echarts.init(space);
      var nodes = data.space.nodes.map(function (n) {
        return { id: n.id, name: n.id + " " + (n.name || ""), x: n.x, y: -n.y, symbolSize: n.lit ? 14 : 5,
                 itemStyle: { color: n.lit ? "#e07a1f" : (n.rca >= 1 ? "#1f6f8b" : "#c9d6df") } };
      });
      g.setOption({
        tooltip: { formatter: function (p) { return p.data.name || ""; } },
        series: [{ type: "graph", layout: "none", roam: true, data: nodes,
                   links: data.space.edges.map(function (e) { return { source: e.source, target: e.target }; }),
                   lineStyle: { color: "#aaa", opacity: 0.3 } }]
      });
      space.setAttribute("data-ready", String(nodes.length));
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run); else run();
})();
