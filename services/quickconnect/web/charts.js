// Small SVG charts drawn with the DOM (no library, no build step): horizontal bars, columns per
// day (optionally stacked) and a meter. Every label is set with textContent; colours come from
// CSS classes in style.css (the page's CSP allows no inline style).
"use strict";

window.QCCharts = (function () {
  const NS = "http://www.w3.org/2000/svg";

  function node(tag, attrs, text) {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, String(v));
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }

  // Drawn at the container's own width so text keeps its CSS size (a hidden container: fallback).
  function widthOf(root, fallback) {
    return root.clientWidth > 0 ? root.clientWidth : fallback;
  }

  function frame(root, width, height, label) {
    const chart = node("svg", { viewBox: "0 0 " + width + " " + height, class: "qc-svg", role: "img",
                                "aria-label": label });
    chart.append(node("title", {}, label));
    root.replaceChildren(chart);
    return chart;
  }

  // items: [{label, value, text?}] — one bar per row, the longest bar is the largest value.
  function bars(root, items, label, className) {
    const row = 26, left = 170, width = widthOf(root, 560);
    const chart = frame(root, width, Math.max(row * items.length, row), label);
    if (!items.length) {
      chart.append(node("text", { x: 0, y: 18, class: "qc-svg-empty" }, "Nothing yet"));
      return;
    }
    const max = Math.max(...items.map((i) => i.value), 1);
    items.forEach((item, i) => {
      const y = i * row;
      const w = Math.max((width - left - 140) * item.value / max, item.value > 0 ? 2 : 0);
      chart.append(node("text", { x: left - 8, y: y + 17, "text-anchor": "end", class: "qc-svg-label" }, item.label));
      const bar = node("rect", { x: left, y: y + 5, width: w, height: row - 10, rx: 3, class: className || "qc-bar" });
      bar.append(node("title", {}, item.label + ": " + (item.text || item.value)));
      chart.append(bar);
      chart.append(node("text", { x: left + w + 6, y: y + 17, class: "qc-svg-value" }, item.text || item.value));
    });
  }

  // labels: ["2026-11-01", ...]; series: [{name, values: [..], className}] stacked bottom-up.
  function columns(root, labels, series, label) {
    const width = widthOf(root, 720), height = 220, left = 34, bottom = 28, top = 10;
    const chart = frame(root, width, height, label);
    const totals = labels.map((_, i) => series.reduce((sum, s) => sum + s.values[i], 0));
    // A whole-number scale: the top is the largest total, made even so the middle line is whole too.
    let max = Math.max(Math.ceil(Math.max(...totals)), 1);
    if (max > 1 && max % 2) max += 1;
    const ticks = max > 1 ? [0, max / 2, max] : [0, max];
    const plot = height - bottom - top;
    const step = (width - left) / Math.max(labels.length, 1);
    const scale = (v) => plot * v / max;
    for (const tick of ticks) {
      const y = top + plot - scale(tick);
      chart.append(node("line", { x1: left, x2: width, y1: y, y2: y, class: "qc-grid" }));
      chart.append(node("text", { x: left - 4, y: y + 4, "text-anchor": "end", class: "qc-svg-value" }, tick));
    }
    const last = labels.length - 1;
    const every = Math.ceil(labels.length / 8);
    labels.forEach((day, i) => {
      let base = top + plot;
      const x = left + i * step + step * 0.15;
      for (const s of series) {
        const h = scale(s.values[i]);
        base -= h;
        const rect = node("rect", { x: x, y: base, width: step * 0.7, height: h, class: s.className });
        rect.append(node("title", {}, day + " · " + s.name + ": " + s.values[i]));
        chart.append(rect);
      }
      // About eight labels across the axis: the first, every few, and the last (never two crowded).
      if ((i % every === 0 && last - i >= every) || i === last) {
        chart.append(node("text", { x: x + step * 0.35, y: height - 8, "text-anchor": "middle",
                                    class: "qc-svg-label" }, day.slice(5)));
      }
    });
  }

  // used of total, e.g. included minutes; over the total the bar shows as full and warns.
  function meter(root, used, total, label) {
    const width = widthOf(root, 560);
    const chart = frame(root, width, 30, label);
    const share = total > 0 ? Math.min(used / total, 1) : 0;
    chart.append(node("rect", { x: 0, y: 4, width: width, height: 22, rx: 5, class: "qc-meter-back" }));
    chart.append(node("rect", { x: 0, y: 4, width: width * share, height: 22, rx: 5,
                                class: used > total ? "qc-meter-over" : "qc-meter-used" }));
  }

  function legend(root, series) {
    root.replaceChildren(...series.map((s) => {
      const item = document.createElement("span");
      item.className = "qc-legend-item";
      const swatch = node("svg", { viewBox: "0 0 10 10", class: "qc-swatch", "aria-hidden": "true" });
      swatch.append(node("rect", { width: 10, height: 10, class: s.className }));
      item.append(swatch, document.createTextNode(" " + s.name));
      return item;
    }));
  }

  return { bars: bars, columns: columns, meter: meter, legend: legend };
})();
