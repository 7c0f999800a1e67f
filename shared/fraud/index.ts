/**
 * Customs fraud detection (random forest): the domain API other parts wire in (HTTP handlers, the
 * upload pipeline, the portal). See docs/fraud.md.
 */
export { type BatchResult, type BatchScoreRow, batchCsv, scoreBatch, writeBatchResults } from './batch.ts';
export { evaluateModel, type FraudEvaluation, trainAndEvaluate } from './evaluate.ts';
export {
  FEATURE_GROUPS,
  type FeatureGroup,
  type FeatureProfile,
  FeatureSpace,
  type PriceObservation,
} from './features.ts';
export { FlatForest } from './forest/flat-forest.ts';
export { type MlRandomForestJson, mlForestJsonText } from './forest/ml-format.ts';
export { DeclarationInputError, loadDeclarationFiles } from './load-declarations.ts';
export { evaluateRanking, type FraudMetrics, K_PERCENTS, prAuc, rocAuc } from './metrics.ts';
export {
  type FraudModel,
  FraudScorer,
  rankBand,
  selectFeatureGroups,
  type TrainFraudOptions,
  trainFraudModel,
} from './model.ts';
export {
  currentModelVersion,
  listModelVersions,
  loadCurrentModel,
  loadModel,
  ModelNotFoundError,
  newModelVersion,
  promoteModel,
  saveModel,
} from './model-store.ts';
/**
 * POST /v1/fraud/score: `scoreDeclarations(scorer, body)` validates 1..1000 declarations (throws
 * FraudInputError, status 400) and returns {declarationId, itemNumber, score, rankBand, topFactors,
 * expectedRevenue} per declaration. Build the scorer once per model: `new FraudScorer(await loadCurrentModel(store, admin).model)`.
 */
export {
  FraudInputError,
  type FraudScore,
  MAX_DECLARATIONS_PER_REQUEST,
  parseScoreRequest,
  ScoreDeclarationSchema,
  scoreDeclarations,
  type TopFactor,
} from './score.ts';
export { type Selection, type SelectionOptions, selectForInspection } from './selection.ts';
