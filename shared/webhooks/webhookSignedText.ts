/** What Kick signs: `messageId.timestamp.rawBody`, the body exactly as sent. */
export function webhookSignedText(messageId: string, timestamp: string, rawBody: string): Uint8Array {
  return new TextEncoder().encode(`${messageId}.${timestamp}.${rawBody}`);
}
