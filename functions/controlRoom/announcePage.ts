import type { RoomRoute } from "./index";

export const ANNOUNCE_ROUTES: RoomRoute[] = [];
