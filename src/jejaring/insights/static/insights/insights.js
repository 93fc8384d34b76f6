/* Insights charts: choropleth + regency bubbles, time series, divisions, sizes; LQ heat map, sentra strength.
   Data comes from <script type="application/json"> elements rendered by the server (labels translated). */
(function () {
  "use strict";
  var PALETTE = ["#1f6f8b", "#e07a1f", "#4c9f70", "#9b59b6", "#c0392b", "#7f8c8d"];
  var charts = [];

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  // tooltips are HTML: every value from the data (names typed by users) is escaped before it reaches them
  function esc(v) {
    return String(v === null || v === undefined ? "" : v).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // numbers as the page's readers write them: 1.250.000 and 3,5 in Indonesian, 1,250,000 and 3.5 in English
  function fmt(lang, v, digits) {
    if (v === null || v === undefined || v === "" || isNaN(Number(v))) return "–";
    return Number(v).toLocaleString(lang === "en" ? "en-US" : "id-ID", { maximumFractionDigits: digits === undefined ? 2 : digits });
  }
  function numberFormatter(lang, digits) {
    return function (v) { return fmt(lang, v, digits); };
  }
  window.jejaringNumber = fmt;

  function init(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    var old = echarts.getInstanceByDom(el);
    if (old) old.dispose();
    var chart = echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }

  function drawMap(data, geo) {
    var chart = init("insights-map");
    if (!chart) return;
    echarts.registerMap("indonesia", geo);
    var L = data.labels, lang = data.lang, m = data.map;
    var values = m.provinces.map(function (p) { return p.units; });
    var max = Math.max.apply(null, values.concat([1]));
    var maxBubble = Math.max.apply(null, m.regencies.map(function (r) { return r.units; }).concat([1]));
    var layout = { top: 12, bottom: 12, left: 90, right: 12, aspectScale: 1 };
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          if (p.seriesType === "scatter") {
            return esc(p.name) + "<br>" + esc(L.units) + ": " + fmt(lang, p.value[2]) + "<br>" + esc(L.workers) + ": " + fmt(lang, p.value[3]);
          }
          var d = p.data || {};
          return esc(d.label || p.name) + "<br>" + esc(L.units) + ": " + fmt(lang, d.value) + "<br>" + esc(L.workers) + ": " + fmt(lang, d.workers);
        }
      },
      visualMap: {
        min: 0, max: max, left: 8, bottom: 8, calculable: true, seriesIndex: 0,
        itemHeight: 110, textStyle: { fontSize: 11 }, formatter: function (v) { return fmt(lang, Math.round(v)); },
        inRange: { color: ["#e3eef5", "#9ccbe0", "#3f8fb5", "#1f5f7f", "#0c3349"] }
      },
      geo: Object.assign({
        map: "indonesia", silent: true, roam: false,
        itemStyle: { areaColor: "rgba(0,0,0,0)", borderColor: "rgba(0,0,0,0)" }
      }, layout),
      series: [
        Object.assign({
          name: L.provinces, type: "map", map: "indonesia", roam: false, selectedMode: false,
          itemStyle: { borderColor: "#ffffff", borderWidth: 0.7, areaColor: "#eef1f4" },
          label: { show: false },
          emphasis: { label: { show: false }, itemStyle: { areaColor: "#f4b266" } },
          data: m.provinces.map(function (p) {
            return { name: p.code, label: p.name, value: p.units, workers: p.workers };
          })
        }, layout),
        {
          name: L.regencies, type: "scatter", coordinateSystem: "geo", geoIndex: 0, zlevel: 2,
          symbolSize: function (v) { return 2 + 12 * Math.sqrt(v[2] / maxBubble); },
          itemStyle: { color: "rgba(224, 122, 31, 0.55)", borderColor: "rgba(255,255,255,0.8)", borderWidth: 0.5 },
          data: m.regencies.map(function (r) {
            return { name: r.name, value: [r.lon, r.lat, r.units, r.workers], province: r.province };
          })
        }
      ]
    });
    if (m.selected) {
      chart.dispatchAction({ type: "highlight", seriesIndex: 0, name: m.selected });
    }
    window.__insightsMap = chart;
    chart.on("click", function (p) {
      var code = p.seriesType === "map" ? p.name : (p.data && p.data.province);
      if (!code) return;
      var base = data.province_url;
      window.location.href = base + (base.indexOf("?") === base.length - 1 ? "" : "&") + "province=" + encodeURIComponent(code);
    });
    document.getElementById("insights-map").setAttribute("data-rendered", "true");
  }

  function drawDashboard(data) {
    var L = data.labels, num = numberFormatter(data.lang, 0);
    var ts = init("chart-timeseries");
    // years without records are null: no bar, and the line breaks there instead of drawing through a gap
    if (ts) ts.setOption({
      color: PALETTE, tooltip: { trigger: "axis", valueFormatter: num }, legend: { top: 0, textStyle: { fontSize: 11 } },
      grid: { left: 10, right: 10, top: 30, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: data.timeseries.years },
      yAxis: [
        { type: "value", axisLabel: { formatter: num } },
        { type: "value", splitLine: { show: false }, axisLabel: { formatter: num } }
      ],
      series: [
        { name: L.units, type: "bar", data: data.timeseries.ikm_units, barMaxWidth: 36 },
        { name: L.workers, type: "line", yAxisIndex: 1, data: data.timeseries.ikm_workers, connectNulls: false }
      ]
    });
    var sizes = init("chart-sizes");
    if (sizes) sizes.setOption({
      color: PALETTE, tooltip: { trigger: "item", valueFormatter: num },
      legend: { orient: "vertical", right: 0, top: "middle", textStyle: { fontSize: 11 } },
      series: [{
        type: "pie", radius: ["45%", "75%"], center: ["35%", "50%"], label: { show: false },
        data: data.sizes.labels.map(function (l, i) { return { name: l, value: data.sizes.values[i] }; })
      }]
    });
    var div = init("chart-divisions");
    if (div) div.setOption({
      color: [PALETTE[0]], tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: num },
      grid: { left: 10, right: 30, top: 10, bottom: 10, containLabel: true },
      xAxis: { type: "value", axisLabel: { formatter: num } },
      yAxis: {
        type: "category", inverse: true,
        data: data.divisions.codes.map(function (c, i) { return c + " " + data.divisions.labels[i]; }),
        axisLabel: { width: 260, overflow: "truncate", fontSize: 11 }
      },
      series: [{ name: L.units, type: "bar", data: data.divisions.values, barMaxWidth: 18 }]
    });
  }

  function drawClusters(data) {
    var lang = data.lang, hmData = data.heatmap, L = data.labels;
    var hm = init("chart-lq");
    if (hm) {
      // cell labels (the LQ) only when the cells are big enough to hold them; the tooltip always names both axes
      var el = document.getElementById("chart-lq");
      var roomy = el.clientHeight / Math.max(hmData.regions.length, 1) >= 14 &&
        el.clientWidth / Math.max(hmData.divisions.length, 1) >= 30;
      hm.setOption({
        tooltip: {
          formatter: function (p) {
            var d = hmData.divisions[p.value[0]];
            return esc(hmData.regions[p.value[1]]) + "<br>KBLI " + esc(d) + " " + esc(hmData.division_names[d] || "") +
              "<br>" + esc(L.lq) + ": " + fmt(lang, p.value[2], 2) + "<br>" + esc(L.value) + ": " + fmt(lang, p.value[3], 0);
          }
        },
        grid: { left: 10, right: 10, top: 10, bottom: 60, containLabel: true },
        xAxis: { type: "category", data: hmData.divisions, splitArea: { show: true }, axisLabel: { fontSize: 10 } },
        yAxis: { type: "category", data: hmData.regions, axisLabel: { fontSize: 10, width: 140, overflow: "truncate" } },
        visualMap: {
          min: 0, max: 3, calculable: true, orient: "horizontal", left: "center", bottom: 0, itemWidth: 12,
          formatter: function (v) { return fmt(lang, v, 1); },
          inRange: { color: ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"] }
        },
        series: [{
          type: "heatmap", data: hmData.cells,
          label: { show: roomy, fontSize: 9, formatter: function (p) { return fmt(lang, p.value[2], 1); } },
          emphasis: { itemStyle: { borderColor: "#333", borderWidth: 1 } }
        }]
      });
      el.setAttribute("data-labels", roomy ? "cells" : "tooltip");
    }
    var st = init("chart-strength");
    if (st) st.setOption({
      color: [PALETTE[1]],
      tooltip: {
        formatter: function (p) {
          return esc(p.name) + "<br>" + esc(L.units) + ": " + fmt(lang, p.value[0], 0) + "<br>" + esc(L.lq) + ": " +
            fmt(lang, p.value[1], 2) + "<br>" + esc(L.strength_short) + ": " + fmt(lang, p.value[2], 1);
        }
      },
      grid: { left: 10, right: 20, top: 30, bottom: 30, containLabel: true },
      xAxis: { type: "log", name: L.units, nameLocation: "middle", nameGap: 25, min: 1, axisLabel: { formatter: numberFormatter(lang, 0) } },
      yAxis: { type: "value", name: L.lq, axisLabel: { formatter: numberFormatter(lang, 1) } },
      series: [{
        type: "scatter", data: data.strength,
        symbolSize: function (v) { return 6 + v[2] / 6; }, itemStyle: { opacity: 0.75 }
      }]
    });
  }

  function render() {
    if (typeof echarts === "undefined") return;
    charts.forEach(function (c) { if (!c.isDisposed()) c.dispose(); });
    charts = [];
    var dash = readJSON("insights-data");
    if (dash) {
      drawDashboard(dash);
      fetch(dash.geojson).then(function (r) { return r.json(); }).then(function (geo) { drawMap(dash, geo); });
    }
    var cl = readJSON("clusters-data");
    if (cl) drawClusters(cl);
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.addEventListener("DOMContentLoaded", render);
  document.body && document.body.addEventListener("htmx:afterSwap", render);
})();
