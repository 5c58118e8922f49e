/**
 * graph-client turns anything thrown inside its middleware chain into a GraphError that keeps only the name and
 * message (the identity error's details, a socket error's `code` are lost) — except a GraphClientError, which it
 * rethrows as is. The outermost middleware therefore wraps what it catches in this class.
 */
import { GraphClientError } from '@microsoft/microsoft-graph-client';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

export class CapturedError extends GraphClientError {
  constructor(
    readonly original: unknown,
    readonly method: string,
    readonly url: string,
  ) {
    super(original instanceof Error ? original.message : String(original));
    Object.setPrototypeOf(this, CapturedError.prototype);
    this.name = 'CapturedError';
  }
}

export class ErrorCaptureHandler implements Middleware {
  private next: Middleware | undefined;

  async execute(context: Context): Promise<void> {
    try {
      await this.next!.execute(context);
    } catch (err) {
      if (err instanceof GraphClientError) throw err;
      const url = typeof context.request === 'string' ? context.request : context.request.url;
      throw new CapturedError(err, context.options?.method ?? 'GET', url);
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
