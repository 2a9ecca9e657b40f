/** MailSort: the filter language, its editing API, the evaluator, vacation replies and the engine. */
export type * from './ast.js';
export { DEFAULT_VACATION_DAYS } from './ast.js';
export { tokenize, type Token, type TokenKind } from './lexer.js';
export { parseFilter, checkFilterText, formatDiagnostic, type ParseResult } from './parser.js';
export { printFilterFile, printRule, printVacation, quoteString } from './printer.js';
export {
  listRules,
  replaceRule,
  insertRule,
  removeRule,
  moveRule,
  setRuleEnabled,
  getVacation,
  setVacation,
  removeVacation,
  type RuleSummary,
} from './blocks.js';
export {
  rulesOf,
  treeReplaceRule,
  treeInsertRule,
  treeRemoveRule,
  treeMoveRule,
  treeSetRuleEnabled,
  treeGetVacation,
  treeSetVacation,
  treeRemoveVacation,
} from './edit.js';
export { FilterSyntaxError, FilterEditError } from './errors.js';
export { validateRule, validateVacation } from './validate.js';
export { compileFilter, evaluate, DEFAULT_REJECT_REASON, type CompiledFilter, type Evaluation, type TakenAction } from './evaluator.js';
export { createMessageView, headerBlockOf, type MessageView, type ViewAddress } from './message-view.js';
export {
  buildVacationReply,
  isVacationActive,
  vacationRefusal,
  isAutomatedSender,
  LOOP_HEADER,
  type VacationReplyInput,
} from './vacation.js';
export { resolveTarget, forwardLoopReason } from './targets.js';
export { MailSortEngine, type MailSortDeps, type PlanInput } from './engine.js';
