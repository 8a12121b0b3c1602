export { KickState } from "./KickState";

/** Every request goes to the one KickState object, which is the whole emulated Kick. */
export default {
  fetch(request, env) {
    return env.KICK_STATE.get(env.KICK_STATE.idFromName("kick")).fetch(request);
  },
} satisfies ExportedHandler<Cloudflare.KickEmulatorEnv>;
