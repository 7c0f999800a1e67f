import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../../../shared/random/mulberry32.ts';

/** A record as a test writes it; every field is text so tests can put bad values in. */
export interface Rec {
  classification?: string;
  period: string | number;
  flow: string | number;
  reporter: string | number;
  reporterIso?: string;
  partner: string | number;
  partnerIso?: string;
  product: string | number;
  quantity?: string | number;
  weight?: string | number;
  value: string | number;
}

export function tempDir(prefix = 'bacuda-mirror-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

const FLOW_TEXT: Record<string, string> = {
  '1': 'Import',
  '2': 'Export',
  '3': 'Re-Export',
  '4': 'Re-Import',
};

function cell(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The bulk layout, as in the EFI sawnwood extract (numeric flow codes 1..4 plus the flow text). */
export function writeBulk(dir: string, name: string, recs: Rec[]): string {
  const header =
    'classification,year,flowcode,flow,reportercode,reporteriso,partnercode,partneriso,productcode,unitcode,quantity,weight,tradevalue,flag';
  const lines = recs.map((r) =>
    [
      r.classification ?? 'H3',
      r.period,
      r.flow,
      FLOW_TEXT[String(r.flow)] ?? '',
      r.reporter,
      r.reporterIso,
      r.partner,
      r.partnerIso,
      r.product,
      12,
      r.quantity,
      r.weight,
      r.value,
      0,
    ]
      .map(cell)
      .join(','),
  );
  const path = join(dir, name);
  writeFileSync(path, `${header}\n${lines.join('\n')}\n`);
  return path;
}

/** The Comtrade+ API layout (flow codes M/X/..., CIF and FOB columns, primary_value). */
export function writePlus(dir: string, name: string, recs: Rec[]): string {
  const header =
    'freq_code,period,ref_year,ref_month,reporter_code,reporter_iso,flow_code,partner_code,partner_iso,classification_code,cmd_code,qty_unit_abbr,qty,net_wgt,gross_wgt,cifvalue,fobvalue,primary_value,is_reported,is_aggregate';
  const lines = recs.map((r) =>
    [
      'M',
      r.period,
      String(r.period).slice(0, 4),
      String(r.period).slice(4, 6),
      r.reporter,
      r.reporterIso,
      r.flow,
      r.partner,
      r.partnerIso,
      r.classification ?? 'H5',
      r.product,
      'kg',
      r.quantity,
      r.weight,
      '',
      r.flow === 'M' ? r.value : '',
      r.flow === 'X' ? r.value : '',
      r.value,
      'TRUE',
      'FALSE',
    ]
      .map(cell)
      .join(','),
  );
  const path = join(dir, name);
  writeFileSync(path, `${header}\n${lines.join('\n')}\n`);
  return path;
}

/** Deterministic pseudo-random numbers (mulberry32), so fixtures are the same on every run. */
export const rng = mulberry32;
