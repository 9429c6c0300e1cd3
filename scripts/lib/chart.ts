/**
 * A dependency-free SVG chart of a value over time (the demo's lrETH rate), with every event of the story labelled.
 *
 * - The x axis is time in days; ticks are round (whole days, or 2, 5, 10... when the span is long), the y axis has
 *   round ticks too (1, 2 or 5 times a power of ten).
 * - The line joins the samples in order (the rate is linear between them while gains vest). A point with `before`
 *   jumped at its x: the line runs to `before` at that x and drops (or rises) vertically to `y`, drawn as a step.
 * - Each labelled point gets a marker on the line and a flag label above the line (in the plot where there is room,
 *   above it otherwise): a vertical leader from the marker up to its label, the text to the right of the leader.
 *   Labels are stacked in lanes so that no two labels overlap, none touches the line and no leader crosses another
 *   label (see `layoutLanes`).
 */

export type ChartKind = "deposit" | "keeper" | "gain" | "loss" | "withdraw" | "info";

export interface ChartPoint {
  /** time, in days from the start of the story */
  x: number;
  /** value at `x` (e.g. the rate in ETH per lrETH) */
  y: number;
  /** the value just before a jump at `x`: drawn as a vertical step from `before` to `y` */
  before?: number;
  /** the event at this point, shown on the chart (unlabelled points are samples of the line) */
  label?: string;
  /** the event's colour (and legend entry) */
  kind?: ChartKind;
}

export interface ChartOptions {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  /** lines of text under the chart (wrapped to its width) */
  notes?: string[];
}

const COLORS: Record<ChartKind, string> = {
  deposit: "#0969da",
  keeper: "#9a6700",
  gain: "#1a7f37",
  loss: "#cf222e",
  withdraw: "#8250df",
  info: "#57606a",
};
const LEGEND: [ChartKind, string][] = [
  ["deposit", "deposit"],
  ["keeper", "keeper"],
  ["gain", "gain"],
  ["loss", "loss (slash)"],
  ["withdraw", "withdrawal"],
  ["info", "other"],
];

const LABEL_FONT = 11;
const LANE_HEIGHT = 16;
const LABEL_GAP = 8;

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Width of `text` in px at `fontSize` in a sans-serif font, estimated generously (no font metrics here): an
 * overestimate only spends space, an underestimate would let labels overlap.
 */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) {
    if ("il.,:;'|!()[]jtfI ".includes(ch)) em += 0.34;
    else if ("mwMW@%".includes(ch)) em += 0.92;
    else if (ch >= "A" && ch <= "Z") em += 0.7;
    else if ("→−–—×≈".includes(ch)) em += 0.9;
    else em += 0.58;
  }
  return em * fontSize * 1.05;
}

/** A round step (1, 2 or 5 times a power of ten) giving about `target` intervals over `span`. */
function niceStep(span: number, target: number): number {
  const raw = span / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude;
}

/** Decimals needed to print multiples of `step` exactly. */
function decimalsOf(step: number): number {
  return Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
}

/**
 * Lanes for flag labels: lane n has its baseline n lanes above lane 0 (negative lanes lie inside the plot, above the
 * line). Label i spans [left_i, right_i] on its lane, may go no lower than `lowest_i` (clear of the line and above its
 * own marker), and its leader runs down at left_i from its lane to its marker. Going from the rightmost label
 * leftwards, a label takes the lowest lane it may that is above every label already placed whose left edge (and so
 * whose leader) falls inside its box plus the gap: so boxes never overlap and no leader crosses a box.
 */
function layoutLanes(boxes: { left: number; right: number; lowest: number }[]): number[] {
  const order = boxes.map((_, i) => i).sort((a, b) => boxes[b].left - boxes[a].left || b - a);
  const lanes = new Array<number>(boxes.length).fill(0);
  const placed: number[] = [];
  for (const i of order) {
    let lane = boxes[i].lowest;
    for (const k of placed) {
      if (boxes[k].left < boxes[i].right + LABEL_GAP) lane = Math.max(lane, lanes[k] + 1);
    }
    lanes[i] = lane;
    placed.push(i);
  }
  return lanes;
}

/** Splits `text` into lines no wider than `width` px at `fontSize`. */
function wrap(text: string, width: number, fontSize: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, fontSize) > width) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}

const fmt = (n: number) => Number(n.toFixed(1)).toString();

/** Renders `points` (in x order) as an SVG document (see the module comment). */
export function renderLineChart(points: ChartPoint[], options: ChartOptions): string {
  if (points.length === 0) throw new Error("chart: no points");
  const plotW = 880;
  const plotH = 320;
  const left = 84;
  const marginRight = 40;

  // Axes: round ticks covering the data.
  const xs = points.map((p) => p.x);
  const xMaxData = Math.max(...xs);
  const xStep = xMaxData <= 3 ? niceStep(Math.max(xMaxData, 0.25), 6) : Math.max(1, niceStep(xMaxData, 12));
  const xMin = 0;
  const xMax = Math.max(xStep, Math.ceil(xMaxData / xStep - 1e-9) * xStep);
  const ys = points.flatMap((p) => (p.before === undefined ? [p.y] : [p.y, p.before]));
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  if (hi - lo < 1e-9) {
    lo -= 0.001;
    hi += 0.001;
  }
  const yStep = niceStep(hi - lo, 6);
  const yMin = Math.floor(lo / yStep + 1e-9) * yStep;
  const yMax = Math.ceil(hi / yStep - 1e-9) * yStep;
  const yDecimals = decimalsOf(yStep);
  const xDecimals = decimalsOf(xStep);
  // Labels: flag boxes stacked in lanes above the line; the plot's coordinates first, relative to its top.
  const sx = (x: number) => left + ((x - xMin) / (xMax - xMin)) * plotW;
  const syRel = (y: number) => plotH - ((y - yMin) / (yMax - yMin)) * plotH;
  /** The highest point (smallest y, relative to the plot's top) of the line over [a, b] px. */
  const vertices = points.flatMap((p) => {
    const px = sx(p.x);
    return p.before === undefined
      ? [[px, syRel(p.y)]]
      : [
          [px, syRel(p.before)],
          [px, syRel(p.y)],
        ];
  });
  const lineTop = (a: number, b: number) => {
    let top = Infinity;
    vertices.forEach(([px, py], i) => {
      if (px >= a && px <= b) top = Math.min(top, py);
      const next = vertices[i + 1];
      if (next && next[0] > px) {
        for (const edge of [a, b]) {
          if (edge > px && edge < next[0]) top = Math.min(top, py + ((next[1] - py) * (edge - px)) / (next[0] - px));
        }
      }
    });
    return top;
  };
  /** Baseline of `lane`, relative to the plot's top: lane 0 sits just above the plot. */
  const laneRel = (lane: number) => -16 - lane * LANE_HEIGHT;
  const events = points.filter((p) => p.label);
  const boxes = events.map((p) => {
    const x = sx(p.x);
    const right = x + 4 + textWidth(p.label!, LABEL_FONT);
    // Clear of the line under the box by 5 px and of the label's own marker by 8 px (text reaches 3 px below its
    // baseline); never below the middle of the plot, so labels keep to the empty space above the line.
    const floor = Math.min(lineTop(x - 2, right + 2) - 8, syRel(Math.max(p.y, p.before ?? p.y)) - 11, plotH / 2);
    return { left: x, right, lowest: Math.ceil((-16 - floor) / LANE_HEIGHT) };
  });
  const lanes = layoutLanes(boxes);
  const laneCount = events.length ? Math.max(0, ...lanes.map((l) => l + 1)) : 0;
  const width = Math.ceil(Math.max(left + plotW + marginRight, ...boxes.map((b) => b.right + 12)));

  // Vertical layout: title, subtitle, legend, label lanes, plot, x axis, notes.
  let cursor = 30;
  const titleY = cursor;
  cursor += options.subtitle ? 20 : 0;
  const subtitleY = cursor;
  cursor += 22;
  const legendY = cursor;
  cursor += 14 + laneCount * LANE_HEIGHT;
  const plotTop = cursor + 16;
  const plotBottom = plotTop + plotH;
  const sy = (y: number) => plotTop + syRel(y);
  const laneY = (lane: number) => plotTop + laneRel(lane);
  const noteWidth = width - 2 * 24;
  const notes = (options.notes ?? []).flatMap((n) => wrap(n, noteWidth, 12));
  const notesTop = plotBottom + 62;
  const height = notesTop + notes.length * 17 + 12;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
  );
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(
    `<text x="${width / 2}" y="${titleY}" text-anchor="middle" font-size="18" font-weight="bold">${escapeXml(options.title)}</text>`,
  );
  if (options.subtitle) {
    out.push(
      `<text x="${width / 2}" y="${subtitleY}" text-anchor="middle" font-size="12" fill="#57606a">${escapeXml(options.subtitle)}</text>`,
    );
  }
  // Legend: only the kinds present, centred.
  const present = LEGEND.filter(([kind]) => events.some((e) => (e.kind ?? "info") === kind));
  const legendWidths = present.map(([, text]) => 14 + textWidth(text, LABEL_FONT) + 18);
  let lx = Math.max(12, (width - legendWidths.reduce((a, b) => a + b, 0)) / 2);
  present.forEach(([kind, text], i) => {
    out.push(`<circle cx="${fmt(lx + 5)}" cy="${legendY - 4}" r="4.5" fill="${COLORS[kind]}"/>`);
    out.push(`<text x="${fmt(lx + 14)}" y="${legendY}" font-size="${LABEL_FONT}">${escapeXml(text)}</text>`);
    lx += legendWidths[i];
  });

  // Grid and y ticks.
  for (let y = yMin; y <= yMax + yStep / 2; y += yStep) {
    const py = fmt(sy(y));
    out.push(
      `<line x1="${left}" y1="${py}" x2="${left + plotW}" y2="${py}" stroke="#d0d7de" stroke-width="1"/>` +
        `<text x="${left - 8}" y="${fmt(sy(y) + 4)}" text-anchor="end" font-size="11">${y.toFixed(yDecimals)}</text>`,
    );
  }
  // x ticks.
  for (let x = xMin; x <= xMax + xStep / 2; x += xStep) {
    const px = fmt(sx(x));
    out.push(
      `<line x1="${px}" y1="${plotTop}" x2="${px}" y2="${plotBottom}" stroke="#eaeef2" stroke-width="1"/>` +
        `<line x1="${px}" y1="${plotBottom}" x2="${px}" y2="${plotBottom + 5}" stroke="#24292f"/>` +
        `<text x="${px}" y="${plotBottom + 18}" text-anchor="middle" font-size="11">day ${x.toFixed(xDecimals)}</text>`,
    );
  }
  out.push(`<line x1="${left}" y1="${plotTop}" x2="${left}" y2="${plotBottom}" stroke="#24292f"/>`);
  out.push(`<line x1="${left}" y1="${plotBottom}" x2="${left + plotW}" y2="${plotBottom}" stroke="#24292f"/>`);
  out.push(
    `<text x="${left + plotW / 2}" y="${plotBottom + 38}" text-anchor="middle" font-size="12">${escapeXml(options.xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(22 ${fmt(plotTop + plotH / 2)}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(options.yLabel)}</text>`,
  );

  // The line, with jumps drawn as vertical steps (and each drop in its event's colour, with its size).
  const path: string[] = [];
  const steps: string[] = [];
  points.forEach((p, i) => {
    const px = fmt(sx(p.x));
    if (i === 0) path.push(`M${px} ${fmt(sy(p.before ?? p.y))}`);
    if (p.before !== undefined) {
      if (i > 0) path.push(`L${px} ${fmt(sy(p.before))}`);
      path.push(`L${px} ${fmt(sy(p.y))}`);
      const color = COLORS[p.kind ?? "loss"];
      steps.push(
        `<line x1="${px}" y1="${fmt(sy(p.before))}" x2="${px}" y2="${fmt(sy(p.y))}" stroke="${color}" stroke-width="3"/>`,
      );
      const change = ((p.y - p.before) / p.before) * 100;
      steps.push(
        `<text x="${fmt(sx(p.x) - 8)}" y="${fmt((sy(p.before) + sy(p.y)) / 2 + 4)}" text-anchor="end" font-size="12" font-weight="bold" fill="${color}">${change > 0 ? "+" : "−"}${Math.abs(change).toFixed(2)}% at once</text>`,
      );
    } else if (i > 0) {
      path.push(`L${px} ${fmt(sy(p.y))}`);
    }
  });
  out.push(
    `<path d="${path.join(" ")}" fill="none" stroke="#0969da" stroke-width="2" stroke-linejoin="round"/>`,
    ...steps,
  );

  // Events: marker, leader, label.
  events.forEach((p, i) => {
    const color = COLORS[p.kind ?? "info"];
    const px = sx(p.x);
    const top = sy(Math.max(p.y, p.before ?? p.y));
    const ly = laneY(lanes[i]);
    out.push(
      `<line x1="${fmt(px)}" y1="${ly - 9}" x2="${fmt(px)}" y2="${fmt(top - 5)}" stroke="${color}" stroke-width="1" stroke-dasharray="2,2"/>`,
    );
    out.push(`<circle cx="${fmt(px)}" cy="${fmt(sy(p.y))}" r="4" fill="${color}" stroke="white" stroke-width="1"/>`);
    out.push(
      `<text x="${fmt(px + 4)}" y="${ly}" font-size="${LABEL_FONT}" fill="${color}">${escapeXml(p.label!)}</text>`,
    );
  });

  notes.forEach((line, i) => {
    out.push(`<text x="24" y="${notesTop + i * 17}" font-size="12" fill="#24292f">${escapeXml(line)}</text>`);
  });
  out.push(`</svg>`);
  return out.join("\n");
}
