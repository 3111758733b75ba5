// Small SVG charts built with DOM calls (no library, no innerHTML): a line chart for the training
// curve and a bar chart for the histograms. Each chart is an <svg role="img"> whose aria-label
// says in words what it shows.
const SVG = 'http://www.w3.org/2000/svg';

function svgNode(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

const WIDTH = 320;
const HEIGHT = 180;
const PAD = { left: 44, right: 10, top: 12, bottom: 34 };

// Round tick values covering [lo, hi]: 1, 2 or 5 times a power of ten apart.
function ticks(lo, hi, count = 4) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function frame(label) {
  const svg = svgNode('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': label, class: 'chart' });
  return svg;
}

function formatTick(v) {
  if (Math.abs(v) >= 10000) return `${Math.round(v / 1000)}k`;
  if (Math.abs(v) >= 100) return String(Math.round(v));
  return String(Number(v.toPrecision(3)));
}

function axes(svg, { yTicks, y, xLabel, yLabel }) {
  const plotRight = WIDTH - PAD.right;
  for (const t of yTicks) {
    const py = y(t);
    svg.append(svgNode('line', { x1: PAD.left, x2: plotRight, y1: py, y2: py, class: 'grid' }));
    svg.append(svgNode('text', { x: PAD.left - 5, y: py + 3.5, 'text-anchor': 'end', class: 'tick' }, formatTick(t)));
  }
  svg.append(svgNode('line', { x1: PAD.left, x2: plotRight, y1: HEIGHT - PAD.bottom, y2: HEIGHT - PAD.bottom, class: 'axis' }));
  svg.append(svgNode('text', { x: (PAD.left + plotRight) / 2, y: HEIGHT - 4, 'text-anchor': 'middle', class: 'axis-label' }, xLabel));
  if (yLabel) svg.append(svgNode('text', { x: 4, y: PAD.top - 2, class: 'axis-label' }, yLabel));
}

/**
 * A line chart of one series: points [{ x, y }] (y may be null: skipped). Returns the <svg>.
 * `xMax` fixes the x range (the planned epochs), so a curve drawn live grows to the right.
 */
export function lineChart({ points, label, xLabel, yLabel, xMax, className = 'series-a' }) {
  let shown = points.filter((p) => Number.isFinite(p.y));
  // A long run (thousands of epochs) is drawn from at most 300 evenly spaced points, the last kept.
  if (shown.length > 300) {
    const step = shown.length / 300;
    shown = Array.from({ length: 300 }, (_, k) => shown[Math.floor(k * step)]).concat(shown.at(-1));
  }
  const svg = frame(shown.length
    ? `${label}: ${shown.length} points, from ${formatTick(shown[0].y)} to ${formatTick(shown.at(-1).y)}`
    : `${label}: no values`);
  const xs = shown.map((p) => p.x);
  const ys = shown.map((p) => p.y);
  const x0 = 1;
  const x1 = Math.max(xMax ?? 1, ...xs, 2);
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  if (!shown.length) { lo = 0; hi = 1; }
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  const margin = (hi - lo) * 0.08;
  lo -= margin;
  hi += margin;
  const x = (v) => PAD.left + ((v - x0) / (x1 - x0)) * (WIDTH - PAD.left - PAD.right);
  const y = (v) => HEIGHT - PAD.bottom - ((v - lo) / (hi - lo)) * (HEIGHT - PAD.top - PAD.bottom);
  axes(svg, { yTicks: ticks(lo, hi), y, xLabel, yLabel });
  for (const t of ticks(x0, x1, 5).filter((t) => Number.isInteger(t))) {
    svg.append(svgNode('text', { x: x(t), y: HEIGHT - PAD.bottom + 13, 'text-anchor': 'middle', class: 'tick' }, String(t)));
  }
  if (shown.length) {
    const d = shown.map((p, k) => `${k ? 'L' : 'M'}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ');
    svg.append(svgNode('path', { d, class: `line ${className}` }));
    for (const p of shown.length <= 60 ? shown : []) { // dots only while they stay apart
      const dot = svgNode('circle', { cx: x(p.x).toFixed(1), cy: y(p.y).toFixed(1), r: 2.4, class: `dot ${className}` });
      dot.append(svgNode('title', {}, `${xLabel} ${p.x}: ${p.y.toPrecision(4)}`));
      svg.append(dot);
    }
  }
  return svg;
}

/** A bar chart: bins [{ label, count, tick? }] (tick: a shorter label under the bar). Returns the <svg>. */
export function barChart({ bins, label, xLabel }) {
  const total = bins.reduce((s, b) => s + b.count, 0);
  const peak = bins.reduce((best, b) => (b.count > best.count ? b : best), bins[0] ?? { label: '', count: 0 });
  const svg = frame(`${label}: ${bins.length} bars, ${total.toLocaleString('en')} in all, most at ${peak.label} (${peak.count.toLocaleString('en')})`);
  const hi = Math.max(1, ...bins.map((b) => b.count));
  const y = (v) => HEIGHT - PAD.bottom - (v / hi) * (HEIGHT - PAD.top - PAD.bottom);
  axes(svg, { yTicks: ticks(0, hi), y, xLabel });
  const slot = (WIDTH - PAD.left - PAD.right) / Math.max(1, bins.length);
  const every = Math.ceil(bins.length / 8); // label at most about 8 bars
  bins.forEach((bin, k) => {
    const bx = PAD.left + k * slot;
    const bar = svgNode('rect', {
      x: (bx + slot * 0.1).toFixed(1), y: y(bin.count).toFixed(1), width: (slot * 0.8).toFixed(1),
      height: Math.max(0, HEIGHT - PAD.bottom - y(bin.count)).toFixed(1), class: 'bar',
    });
    bar.append(svgNode('title', {}, `${bin.label}: ${bin.count.toLocaleString('en')}`));
    svg.append(bar);
    if (k % every === 0) {
      svg.append(svgNode('text', { x: (bx + slot / 2).toFixed(1), y: HEIGHT - PAD.bottom + 13, 'text-anchor': 'middle', class: 'tick' }, bin.tick ?? bin.label));
    }
  });
  return svg;
}
