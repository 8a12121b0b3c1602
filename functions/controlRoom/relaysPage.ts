import type { RoomRoute } from "./index";

export const RELAY_ROUTES: RoomRoute[] = [];
