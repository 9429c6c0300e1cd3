/** A dependency-free SVG line chart for the rate over a scenario, with events marked. */

export interface ChartPoint {
  /** x position: step index */
  x: number;
  /** y value (e.g. the rate in ETH) */
  y: number;
  /** short label shown on marked points */
  label?: string;
  /** marker kind: gains green, losses red, others grey */
  kind?: "gain" | "loss" | "withdraw" | "info";
}

const COLORS = { gain: "#1a7f37", loss: "#cf222e", withdraw: "#8250df", info: "#57606a" } as const;

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Renders `points` as an SVG string: axes, gridlines, the line, and one marker + label per point with a kind. */
export function renderLineChart(points: ChartPoint[], title: string, yLabel: string): string {
  const width = 960;
  const height = 480;
  const m = { top: 48, right: 90, bottom: 130, left: 88 };
  const innerW = width - m.left - m.right;
  const innerH = height - m.top - m.bottom;
  const ys = points.map((p) => p.y);
  let yMin = Math.min(...ys);
  let yMax = Math.max(...ys);
  if (yMax - yMin < 1e-9) {
    yMin -= 0.001;
    yMax += 0.001;
  }
  const pad = (yMax - yMin) * 0.1;
  yMin -= pad;
  yMax += pad;
  const xMax = Math.max(1, points.length - 1);
  const sx = (x: number) => m.left + (x / xMax) * innerW;
  const sy = (y: number) => m.top + innerH - ((y - yMin) / (yMax - yMin)) * innerH;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
  );
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(
    `<text x="${width / 2}" y="28" text-anchor="middle" font-size="18" font-weight="bold">${escapeXml(title)}</text>`,
  );
  for (let i = 0; i <= 5; ++i) {
    const y = yMin + ((yMax - yMin) * i) / 5;
    const py = sy(y);
    parts.push(
      `<line x1="${m.left}" y1="${py}" x2="${width - m.right}" y2="${py}" stroke="#d0d7de" stroke-width="1"/>`,
    );
    parts.push(`<text x="${m.left - 8}" y="${py + 4}" text-anchor="end" font-size="11">${y.toFixed(6)}</text>`);
  }
  parts.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + innerH}" stroke="#24292f"/>`);
  parts.push(
    `<line x1="${m.left}" y1="${m.top + innerH}" x2="${width - m.right}" y2="${m.top + innerH}" stroke="#24292f"/>`,
  );
  parts.push(
    `<text transform="translate(20 ${m.top + innerH / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(yLabel)}</text>`,
  );
  const path = points.map((p, i) => `${i === 0 ? "M" : "L"}${sx(p.x).toFixed(1)} ${sy(p.y).toFixed(1)}`).join(" ");
  parts.push(`<path d="${path}" fill="none" stroke="#0969da" stroke-width="2"/>`);
  for (const p of points) {
    const color = COLORS[p.kind ?? "info"];
    parts.push(`<circle cx="${sx(p.x)}" cy="${sy(p.y)}" r="4" fill="${color}"/>`);
    if (p.label) {
      const lx = sx(p.x);
      const ly = m.top + innerH + 10;
      parts.push(
        `<line x1="${lx}" y1="${sy(p.y)}" x2="${lx}" y2="${ly}" stroke="${color}" stroke-dasharray="2,3" stroke-width="1"/>`,
      );
      parts.push(
        `<text transform="translate(${lx + 3} ${ly + 4}) rotate(60)" font-size="11" fill="${color}">${escapeXml(p.label)}</text>`,
      );
    }
  }
  parts.push(`</svg>`);
  return parts.join("\n");
}
