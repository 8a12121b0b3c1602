import type { RoomRoute } from "./index";

export const ACTIVITY_ROUTES: RoomRoute[] = [];
