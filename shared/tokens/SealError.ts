/** Sealed data that cannot be opened: unknown key id, wrong account, tampering, or a bad key setting. */
export class SealError extends Error {
  override name = "SealError";
  readonly code = "sealed_data_unreadable";
}
