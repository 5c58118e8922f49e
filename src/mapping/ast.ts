/** Syntax tree of an expression. Every node keeps its offsets in the source text for error messages. */

export interface NodeBase {
  /** Offset of the first character of the node, and one past the last. */
  start: number;
  end: number;
}

export interface CallNode extends NodeBase {
  kind: 'call';
  /** The name as written (function names are case-insensitive). */
  name: string;
  /** Arguments; `null` marks an argument left empty, as in `Replace(x, , "re", , "", , )`. */
  args: Array<ExprNode | null>;
  /** Offsets of each argument slot (for "argument 3 is required" messages on empty slots). */
  argStarts: number[];
}

export interface AttributeNode extends NodeBase {
  kind: 'attribute';
  /** The name as written between the brackets. */
  name: string;
  /** Canonical attribute name, set when the expression is compiled. */
  resolved?: string;
}

export interface StringNode extends NodeBase {
  kind: 'string';
  value: string;
}

export interface NumberNode extends NodeBase {
  kind: 'number';
  value: bigint | number;
}

/** A bare word that is not a call: an enum such as vbBinaryCompare, UTF8, True. */
export interface EnumNode extends NodeBase {
  kind: 'enum';
  name: string;
}

/** `%DomainFQDN%`-style macro, replaced by a configured value. */
export interface MacroNode extends NodeBase {
  kind: 'macro';
  name: string;
}

export type BinaryOperator = '&' | '=' | '<>' | '<' | '<=' | '>' | '>=';

export interface BinaryNode extends NodeBase {
  kind: 'binary';
  op: BinaryOperator;
  left: ExprNode;
  right: ExprNode;
  /** Offset of the operator. */
  opStart: number;
}

export type ExprNode = CallNode | AttributeNode | StringNode | NumberNode | EnumNode | MacroNode | BinaryNode;

/** Depth-first walk over a tree (parents before children). */
export function walk(node: ExprNode, visit: (node: ExprNode, parent: ExprNode | null) => void, parent: ExprNode | null = null): void {
  visit(node, parent);
  if (node.kind === 'call') for (const a of node.args) if (a) walk(a, visit, node);
  if (node.kind === 'binary') {
    walk(node.left, visit, node);
    walk(node.right, visit, node);
  }
}
