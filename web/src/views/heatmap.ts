import { divergingRgb, NEG, POS } from './svg.js';

/** A field over the plane: `values` is n × n, row 0 at the top (largest y), each in [−1, 1]. */
export interface FieldView {
  n: number;
  values: Float64Array;
}

/** A data point to draw on the field. */
export interface PointView {
  x: number;
  y: number;
  /** Class index (0 orange, 1 blue), or a value in [−1, 1] for regression. */
  label: number;
  test: boolean;
}

/** Paints a field into an ImageData-sized canvas pixel per cell. */
export function fieldToCanvas(field: FieldView, canvas: HTMLCanvasElement): void {
  if (canvas.width !== field.n) canvas.width = field.n;
  if (canvas.height !== field.n) canvas.height = field.n;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(field.n, field.n);
  for (let i = 0; i < field.values.length; i++) {
    const [r, g, b] = divergingRgb(field.values[i]!);
    img.data[4 * i] = r;
    img.data[4 * i + 1] = g;
    img.data[4 * i + 2] = b;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

const scratch = typeof document === 'undefined' ? null : document.createElement('canvas');

/** A field as a PNG data URL (for the neurons' small heatmaps in the SVG diagram). */
export function fieldToDataUrl(field: FieldView): string {
  fieldToCanvas(field, scratch!);
  return scratch!.toDataURL();
}

let pointsKey: unknown = null;
const POINTS_PX = 640;

/**
 * Draws the decision boundary: the output field into a small canvas that CSS scales up (smoothly),
 * and the points into a second canvas laid over it — redrawn only when `key` (the data, compared
 * by identity) or the size changes, so a frame while training costs one 48 × 48 putImageData.
 */
export function renderBoundary(fieldCanvas: HTMLCanvasElement, pointsCanvas: HTMLCanvasElement, field: FieldView, domain: [number, number, number, number], points: PointView[], classes: number, key: unknown): void {
  fieldToCanvas(field, fieldCanvas);
  if (pointsKey === key) return;
  pointsKey = key;
  // NOTE: a fixed resolution (CSS scales it) — reading the element's size would force a layout every frame.
  pointsCanvas.width = POINTS_PX;
  pointsCanvas.height = POINTS_PX;
  drawPoints(pointsCanvas, domain, points, classes, POINTS_PX / 320);
}

function drawPoints(canvas: HTMLCanvasElement, domain: [number, number, number, number], points: PointView[], classes: number, dpr: number): void {
  const ctx = canvas.getContext('2d')!;
  const [x0, x1, y0, y1] = domain;
  const X = (x: number): number => ((x - x0) / (x1 - x0)) * canvas.width;
  const Y = (y: number): number => ((y1 - y) / (y1 - y0)) * canvas.height;
  const rad = 3.2 * dpr;
  ctx.lineWidth = 1.2 * dpr;
  for (const p of points) {
    const [r, g, b] = classes > 0 ? (p.label === 0 ? NEG : POS) : divergingRgb(p.label);
    ctx.beginPath();
    ctx.arc(X(p.x), Y(p.y), rad, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fill();
    ctx.strokeStyle = p.test ? '#1d1d1d' : '#ffffff';
    ctx.stroke();
  }
}
