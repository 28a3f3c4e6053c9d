/** Percentiles and the small arithmetic the report shares. */

/** The p-th percentile (0..1) of the values, nearest rank; NaN for none. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank];
}

/** a / b, NaN when either is not a finite number or b is zero. */
export function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
