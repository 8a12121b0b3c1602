/** The refresh Worker's bindings; the queue is optional (small deployments go without). */
export type RefreshEnv = Omit<Cloudflare.RefreshEnv, "REFRESH_QUEUE"> & {
  REFRESH_QUEUE?: Queue<RefreshMessage>;
  TOKEN_ENCRYPTION_KEYS_OLD?: string;
};

/** One queue message: a batch of accounts one consumer invocation can refresh within the limits. */
export interface RefreshMessage {
  accountIds: number[];
}
