import type { RoomRoute } from "./index";

export const REPLY_ROUTES: RoomRoute[] = [];
