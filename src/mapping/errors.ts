/**
 * Errors of the expression language. All carry the expression and where in it the problem is, so an admin can
 * fix the mapping without guessing:
 *  - ParseError: syntax, and the compile-time checks (unknown function or attribute, argument count), raised when
 *    the configuration is loaded;
 *  - EvaluationError: a function could not work with the values it got (names the function and the argument);
 *  - MappingError: a mapping produced an unusable value for a group (names the AD attribute and the group).
 */
import { GwbError, type GwbErrorOptions } from '../core/errors';

/** Line and column (both 1-based) of an offset in a (possibly multi-line) expression. */
export interface SourcePosition {
  offset: number;
  line: number;
  column: number;
}

export function positionOf(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: end, line, column: end - lineStart + 1 };
}

/** "column 7" for one-line expressions, "line 3, column 7" otherwise. */
export function describePosition(text: string, pos: SourcePosition): string {
  return text.includes('\n') ? `line ${pos.line}, column ${pos.column}` : `column ${pos.column}`;
}

export interface ParseErrorOptions extends GwbErrorOptions {
  expression: string;
  offset: number;
  /** What the parser was looking for, e.g. "',' or ')'". */
  expected?: string;
}

/** A syntax or compile-time error in an expression. `column` is 1-based (within `line`). */
export class ParseError extends GwbError {
  readonly expression: string;
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly expected: string | undefined;

  constructor(message: string, options: ParseErrorOptions) {
    const pos = positionOf(options.expression, options.offset);
    super(`${message} (at ${describePosition(options.expression, pos)})`, {
      code: 'ExpressionSyntaxError',
      category: 'ParserError',
      hint: options.hint ?? 'Check the expression syntax: FunctionName(arg, ...), [attribute], "string".',
      ...options,
      target: options.target ?? { expression: options.expression, line: pos.line, column: pos.column },
    });
    this.expression = options.expression;
    this.offset = pos.offset;
    this.line = pos.line;
    this.column = pos.column;
    this.expected = options.expected;
  }
}

export interface EvaluationErrorOptions extends GwbErrorOptions {
  /** Canonical name of the function that failed. */
  function?: string;
  /** Name of the argument (as Microsoft's reference calls it) that was wrong. */
  argument?: string;
  column?: number;
}

/** A function could not evaluate its arguments (wrong type, out of range, Error() called…). */
export class EvaluationError extends GwbError {
  readonly function: string | undefined;
  readonly argument: string | undefined;
  readonly column: number | undefined;

  constructor(message: string, options: EvaluationErrorOptions = {}) {
    super(message, { code: 'ExpressionEvaluationError', category: 'InvalidData', ...options });
    this.function = options.function;
    this.argument = options.argument;
    this.column = options.column;
  }
}

/** A mapping produced a value that cannot be written (empty cn, cn too long, no target container…). */
export class MappingError extends GwbError {
  constructor(message: string, options: GwbErrorOptions = {}) {
    super(message, { code: 'MappingFailed', category: 'InvalidData', ...options });
  }
}
