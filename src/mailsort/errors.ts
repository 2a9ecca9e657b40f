/**
 * Errors of the block-editing API. Both carry the store's MS_INVALID_ARGUMENT code, so the CLI
 * and the REST API map them like any other bad input (non-zero exit, HTTP 400).
 */
import { MailError } from '../store/errors.js';
import type { FilterDiagnostic } from './ast.js';
import { formatDiagnostic } from './parser.js';

/** The filter file does not parse: the guide's "Syntax error in the filter file". */
export class FilterSyntaxError extends MailError {
  readonly errors: FilterDiagnostic[];

  constructor(errors: FilterDiagnostic[]) {
    const first = errors[0];
    super('MS_INVALID_ARGUMENT', `Syntax error in the filter file${first ? `: ${formatDiagnostic(first)}` : ''}`);
    this.name = 'FilterSyntaxError';
    this.errors = errors;
  }
}

/** A rule or vacation message given to the editing API is not valid, or an index is out of range. */
export class FilterEditError extends MailError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super('MS_INVALID_ARGUMENT', problems.join('; '));
    this.name = 'FilterEditError';
    this.problems = problems;
  }
}
