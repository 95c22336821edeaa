/** An admin API error: its status and the `{"error": {"code", "message"}}` it answers. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
