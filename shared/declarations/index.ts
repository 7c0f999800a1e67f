export type { ColumnMapping, RowError } from '../ingest/layout.ts';
export { UnreadableFileError } from '../ingest/read.ts';
export {
  DECLARATION_FIELDS,
  DECLARATION_SCHEMA_VERSION,
  type Declaration,
  IDENTIFIER_FIELDS,
} from './canonical.ts';
export { DECLARATION_FIELD_DEFS } from './fields.ts';
export { BUILTIN_DECLARATION_LAYOUTS, KCS, WCO_BACUDA_SYNTHETIC, WCO_RAW, WCO_WEEKLY } from './layouts.ts';
export {
  type DeclarationRow,
  declarationLayouts,
  type ReadDeclarationsOptions,
  readDeclarationBatches,
  readDeclarationsFile,
} from './read.ts';
