/** 'YYYY-MM' months as integers (year*12 + month-1), so month arithmetic is plain addition. */

const PERIOD = /^(\d{4})-(\d{2})$/;

export function parsePeriod(s: string): number | undefined {
  const m = PERIOD.exec(s.trim());
  if (!m) return undefined;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return undefined;
  return Number(m[1]) * 12 + month - 1;
}

export function formatPeriod(index: number): string {
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

export function addMonths(period: string, k: number): string {
  const i = parsePeriod(period);
  if (i === undefined) throw new Error(`bad period "${period}"`);
  return formatPeriod(i + k);
}
